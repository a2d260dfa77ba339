"""Organisations, members and invitations."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from workshops.forms.members import (
    AcceptInvitationForm,
    CreditPreferenceForm,
    InvitationForm,
    MemberEraseForm,
    MembershipForm,
    RetentionForm,
    WorkingRulesForm,
)
from workshops.rules import MANAGE_MEMBERS, VIEW
from workshops.selectors.members import (
    invitation_get_by_token,
    member_list_page,
    membership_get,
    organisation_get,
    user_exists,
)
from workshops.services import data_rights as data_rights_services
from workshops.services import members as member_services
from workshops.services import organisations as organisation_services
from workshops.throttle import address_key, throttle_allows, too_many_tries

from .base import (
    CURRENT_ORGANISATION_SESSION_KEY,
    OrganisationScopedView,
    ScopedConfirmView,
    ScopedFormView,
    ScopedTemplateView,
    zip_response,
)


@login_required
@require_POST
def organisation_switch(request):
    organisation = organisation_get(user=request.user, pk=request.POST.get("org_id"))
    request.session[CURRENT_ORGANISATION_SESSION_KEY] = organisation.pk
    return redirect(organisation)


class MemberListView(OrganisationScopedView, ScopedTemplateView):
    permission = VIEW
    template_name = "workshops/member_list.html"

    def get_context_data(self, **kwargs):
        page = member_list_page(organisation=self.object, user=self.request.user)
        return super().get_context_data(**page, **kwargs)


class MembersFormView(OrganisationScopedView, ScopedFormView):
    """A form about the organisation's people: back to the people page when done or cancelled."""

    permission = MANAGE_MEMBERS

    def get_success_url(self):
        return reverse("member_list", kwargs={"org_id": self.organisation.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=self.get_success_url(), **kwargs)


class MemberScopedMixin:
    """About one member of the organisation: ``pk`` in the URL, 404 for anyone else."""

    @cached_property
    def member(self):
        return membership_get(organisation=self.object, pk=self.kwargs["pk"])


class MemberInviteView(MembersFormView):
    form_class = InvitationForm
    title = gettext_lazy("Invite a person")
    submit_label = gettext_lazy("Send the invitation")

    def save(self, form):
        return member_services.invitation_create(
            organisation=self.object, actor=self.membership, **form.cleaned_data
        )

    def get_success_message(self):
        return _("Invitation sent to %(email)s.") % {"email": self.result.email}


class MemberEditView(MemberScopedMixin, MembersFormView):
    form_class = MembershipForm
    submit_label = gettext_lazy("Save their role")
    success_message = gettext_lazy("Saved.")

    def get_initial(self):
        member = self.member
        return {
            "role": member.role,
            "perspective": member.perspective,
            "is_external": member.is_external,
            "job_title": member.job_title,
        }

    def get_title(self):
        return _("Change %(name)s's role") % {"name": self.member.user}

    def save(self, form):
        return member_services.membership_update(
            membership=self.member, actor=self.membership, **form.cleaned_data
        )


class MemberUnlockView(MemberScopedMixin, OrganisationScopedView, ScopedConfirmView):
    """Lets a member locked out by wrong passwords sign in again now (POST from the people page)."""

    permission = MANAGE_MEMBERS
    http_method_names = ["post"]

    def get_success_url(self):
        return reverse("member_list", kwargs={"org_id": self.organisation.pk})

    def save(self, form):
        return member_services.member_sign_in_unlock(membership=self.member, actor=self.membership)

    def get_success_message(self):
        return _("%(name)s can sign in again now.") % {"name": self.member.user.full_name}


class MemberDataView(MemberScopedMixin, OrganisationScopedView):
    """A lead's copy of what this organisation holds about a member, on their request."""

    permission = MANAGE_MEMBERS
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        data = data_rights_services.member_data_export(member=self.member, actor=self.membership)
        return zip_response(data, f"coprod-data-{self.member.pk}.zip")


class MemberRemoveView(MemberScopedMixin, OrganisationScopedView, ScopedConfirmView):
    permission = MANAGE_MEMBERS
    template_name = "workshops/member_remove.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)

    def save(self, form):
        return member_services.membership_remove(membership=self.member, actor=self.membership)

    def get_success_message(self):
        return _("%(name)s has been removed. Their work stays credited to them.") % {
            "name": self.member.user
        }

    def get_success_url(self):
        return reverse("member_list", kwargs={"org_id": self.organisation.pk})

    def form_invalid(self, form):
        # Refused (the last lead): say why on the people page.
        messages.error(self.request, " ".join(form.non_field_errors()))
        return redirect(self.get_success_url())


class MemberEraseView(MemberScopedMixin, MembersFormView):
    """A lead erases a person who asked for it by letter, phone or in person."""

    form_class = MemberEraseForm
    template_name = "workshops/member_erase.html"

    def get_title(self):
        return _("Erase %(name)s at their request") % {"name": self.member.user.full_name}

    def save(self, form):
        return data_rights_services.member_erase(
            member=self.member, keep_words=form.cleaned_data["keep_words"], actor=self.membership
        )

    def get_success_message(self):
        return _("Done. Their name and contact now read “%(name)s”.") % {
            "name": self.result.full_name
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)


class RetentionView(MembersFormView):
    """A lead sets how long the organisation keeps people's details."""

    form_class = RetentionForm
    template_name = "workshops/retention.html"
    title = gettext_lazy("How long we keep details")
    submit_label = gettext_lazy("Save the periods")
    success_message = gettext_lazy("Saved. The nightly clear-out follows these from tonight.")

    def get_initial(self):
        return {name: getattr(self.object, name) for name in RetentionForm.Meta.fields}

    def save(self, form):
        return organisation_services.organisation_retention_set(
            organisation=self.object, actor=self.membership, **form.cleaned_data
        )


class WorkingRulesView(MembersFormView):
    """A lead sets how the organisation signs off modules and leads its sessions."""

    form_class = WorkingRulesForm
    template_name = "workshops/working_rules.html"
    title = gettext_lazy("How we sign off and deliver")
    submit_label = gettext_lazy("Save the rules")
    success_message = gettext_lazy("Saved.")

    def get_initial(self):
        return {name: getattr(self.object, name) for name in WorkingRulesForm.Meta.fields}

    def save(self, form):
        return organisation_services.organisation_working_rules_set(
            organisation=self.object, actor=self.membership, **form.cleaned_data
        )


class CreditPreferenceView(MembersFormView):
    """Each person chooses, per organisation, how their work is credited."""

    permission = VIEW
    form_class = CreditPreferenceForm
    title = gettext_lazy("How you are credited")
    submit_label = gettext_lazy("Save how I am credited")
    success_message = gettext_lazy("Saved.")

    def get_initial(self):
        return {"credit_preference": self.membership.credit_preference}

    def save(self, form):
        return member_services.membership_set_credit_preference(
            membership=self.membership, actor=self.membership, **form.cleaned_data
        )


class InvitationAcceptView(FormView):
    """Join an organisation from an emailed link: sign in as the invited address, or sign up.

    A person signed in as that address joins with one click; a new person makes their account
    with the form; someone with an account who is not signed in is asked to sign in first.
    """

    template_name = "registration/invitation_accept.html"
    form_class = AcceptInvitationForm

    def dispatch(self, request, token):
        # Counted per address before the token is looked up, so tokens cannot be guessed at.
        if not throttle_allows(address_key("invitation", request)):
            return too_many_tries(request)
        self.invitation = invitation_get_by_token(token=token)
        if not self.invitation.is_usable:
            return render(request, "registration/invitation_unusable.html", status=410)
        self.user = request.user if request.user.is_authenticated else None
        if self.user is not None and self.user.email != self.invitation.email:
            context = {"invitation": self.invitation, "signed_in_email": self.user.email}
            return render(
                request, "registration/invitation_wrong_account.html", context, status=403
            )
        self.existing_account = self.user is None and user_exists(email=self.invitation.email)
        return super().dispatch(request, token)

    def post(self, request, token):
        if self.user is not None:
            try:
                member_services.invitation_accept(invitation=self.invitation, user=self.user)
            except ValidationError as error:
                messages.info(request, " ".join(error.messages))
            return redirect(self.invitation.organisation)
        if self.existing_account:
            return self.get(request, token)
        return super().post(request, token)

    def get_initial(self):
        # The name the inviter typed, if any: the person can still correct it.
        return {"full_name": self.invitation.full_name}

    def get_form(self, form_class=None):
        # Only a person new to the app fills in a form.
        if self.user is not None or self.existing_account:
            return None
        return super().get_form(form_class)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            invitation=self.invitation, existing_account=self.existing_account, **kwargs
        )

    def form_valid(self, form):
        membership = member_services.invitation_accept(
            invitation=self.invitation,
            full_name=form.cleaned_data["full_name"],
            first_name=form.cleaned_data["first_name"],
            password=form.cleaned_data["password1"],
        )
        login(self.request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            _("Welcome to %(organisation)s.") % {"organisation": self.invitation.organisation},
        )
        return redirect(self.invitation.organisation)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
