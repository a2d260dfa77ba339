from django.urls import path

from workshops.views import content, members

urlpatterns = [
    path("", members.home, name="home"),
    path("organisations/switch/", members.organisation_switch, name="organisation_switch"),
    path("invitations/<str:token>/", members.invitation_accept, name="invitation_accept"),
    path("preview/", content.markdown_preview, name="markdown_preview"),
    # Organisation
    path("o/<int:org_id>/", content.WorkshopListView.as_view(), name="workshop_list"),
    path(
        "o/<int:org_id>/workshops/new/",
        content.WorkshopCreateView.as_view(),
        name="workshop_create",
    ),
    path("o/<int:org_id>/members/", members.MemberListView.as_view(), name="member_list"),
    path(
        "o/<int:org_id>/members/invite/", members.MemberInviteView.as_view(), name="member_invite"
    ),
    path(
        "o/<int:org_id>/members/<int:pk>/edit/",
        members.MemberEditView.as_view(),
        name="member_edit",
    ),
    path(
        "o/<int:org_id>/members/<int:pk>/remove/",
        members.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path(
        "o/<int:org_id>/credit/", members.CreditPreferenceView.as_view(), name="credit_preference"
    ),
    # Workshops
    path("workshops/<int:pk>/", content.WorkshopDetailView.as_view(), name="workshop_detail"),
    path("workshops/<int:pk>/edit/", content.WorkshopEditView.as_view(), name="workshop_edit"),
    path(
        "workshops/<int:pk>/modules/new/", content.ModuleCreateView.as_view(), name="module_create"
    ),
    # Modules
    path("modules/<int:pk>/", content.ModuleDetailView.as_view(), name="module_detail"),
    path("modules/<int:pk>/edit/", content.ModuleEditView.as_view(), name="module_edit"),
    path("modules/<int:pk>/delete/", content.ModuleDeleteView.as_view(), name="module_delete"),
    path("modules/<int:pk>/move/", content.ModuleMoveView.as_view(), name="module_move"),
    path(
        "modules/<int:pk>/sections/new/", content.SectionCreateView.as_view(), name="section_create"
    ),
    # Sections
    path("sections/<int:pk>/edit/", content.SectionEditView.as_view(), name="section_edit"),
    path("sections/<int:pk>/delete/", content.SectionDeleteView.as_view(), name="section_delete"),
    path("sections/<int:pk>/move/", content.SectionMoveView.as_view(), name="section_move"),
]
