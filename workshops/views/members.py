"""Organisations, members and invitations."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workshops.forms.members import (
    AcceptInvitationForm,
    CreditPreferenceForm,
    InvitationForm,
    MembershipForm,
)
from workshops.models import Invitation
from workshops.rules import MANAGE_MEMBERS, VIEW, can
from workshops.selectors.members import (
    membership_get,
    memberships_for_user,
    organisation_get,
    organisation_members,
    pending_invitations,
    user_exists,
)
from workshops.services import members as member_services

from .base import CURRENT_ORGANISATION_SESSION_KEY, ScopedView, add_service_errors


@login_required
def home(request):
    """Open the organisation the person used last, or their first one."""
    memberships = list(memberships_for_user(request.user))
    if not memberships:
        return render(request, "workshops/no_organisation.html")
    current_id = request.session.get(CURRENT_ORGANISATION_SESSION_KEY)
    chosen = next((m for m in memberships if m.organisation_id == current_id), memberships[0])
    return redirect(chosen.organisation)


@login_required
@require_POST
def organisation_switch(request):
    organisation = organisation_get(user=request.user, pk=request.POST.get("org_id"))
    request.session[CURRENT_ORGANISATION_SESSION_KEY] = organisation.pk
    return redirect(organisation)


def _form_page(view, form, title, status=200):
    context = view.get_context_data(form=form, title=title, back_url=_members_url(view))
    return render(view.request, "workshops/form_page.html", context, status=status)


def _members_url(view):
    return reverse("member_list", kwargs={"org_id": view.organisation.pk})


class OrganisationScopedView(ScopedView):
    scope = staticmethod(organisation_get)
    pk_url_kwarg = "org_id"


class MemberListView(OrganisationScopedView):
    permission = VIEW

    def get(self, request, org_id):
        invitations = []
        if can(request.user, MANAGE_MEMBERS, self.object):
            invitations = pending_invitations(organisation=self.object)
        context = self.get_context_data(
            members=organisation_members(organisation=self.object),
            invitations=invitations,
        )
        return render(request, "workshops/member_list.html", context)


class MemberInviteView(OrganisationScopedView):
    permission = MANAGE_MEMBERS

    def get(self, request, org_id):
        return _form_page(self, InvitationForm(), _("Invite a person"))

    def post(self, request, org_id):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = member_services.invitation_create(
                    organisation=self.object, actor=self.membership, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("member_list", org_id=org_id)
        return _form_page(self, form, _("Invite a person"), status=400)


class MemberEditView(OrganisationScopedView):
    permission = MANAGE_MEMBERS

    def get(self, request, org_id, pk):
        member = membership_get(organisation=self.object, pk=pk)
        form = MembershipForm(
            initial={
                "role": member.role,
                "perspective": member.perspective,
                "is_external": member.is_external,
            }
        )
        return _form_page(self, form, _("Change %(name)s's role") % {"name": member.user})

    def post(self, request, org_id, pk):
        member = membership_get(organisation=self.object, pk=pk)
        form = MembershipForm(request.POST)
        if form.is_valid():
            try:
                member_services.membership_update(
                    membership=member, actor=self.membership, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("member_list", org_id=org_id)
        title = _("Change %(name)s's role") % {"name": member.user}
        return _form_page(self, form, title, status=400)


class MemberRemoveView(OrganisationScopedView):
    permission = MANAGE_MEMBERS

    def get(self, request, org_id, pk):
        member = membership_get(organisation=self.object, pk=pk)
        context = self.get_context_data(member=member)
        return render(request, "workshops/member_remove.html", context)

    def post(self, request, org_id, pk):
        member = membership_get(organisation=self.object, pk=pk)
        try:
            member_services.membership_remove(membership=member, actor=self.membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s has been removed. Their work stays credited to them.")
                % {"name": member.user},
            )
        return redirect("member_list", org_id=org_id)


class CreditPreferenceView(OrganisationScopedView):
    """Each person chooses, per organisation, how their work is credited."""

    permission = VIEW

    def get(self, request, org_id):
        form = CreditPreferenceForm(
            initial={"credit_preference": self.membership.credit_preference}
        )
        return _form_page(self, form, _("How you are credited"))

    def post(self, request, org_id):
        form = CreditPreferenceForm(request.POST)
        if not form.is_valid():
            return _form_page(self, form, _("How you are credited"), status=400)
        member_services.membership_set_credit_preference(
            membership=self.membership, actor=self.membership, **form.cleaned_data
        )
        messages.success(request, _("Saved."))
        return redirect("member_list", org_id=org_id)


def invitation_accept(request, token):
    """Join an organisation from an emailed link: sign in as the invited address, or sign up."""
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), token=token)
    if not invitation.is_usable:
        return render(request, "registration/invitation_unusable.html", status=410)
    user = request.user if request.user.is_authenticated else None
    if user is not None and user.email != invitation.email:
        return render(
            request,
            "registration/invitation_wrong_account.html",
            {"invitation": invitation},
            status=403,
        )
    existing_account = user is None and user_exists(email=invitation.email)
    form = None
    if request.method == "POST":
        if user is not None:
            try:
                member_services.invitation_accept(invitation=invitation, user=user)
            except ValidationError as error:
                messages.info(request, " ".join(error.messages))
            return redirect(invitation.organisation)
        if not existing_account:
            form = AcceptInvitationForm(request.POST)
            if form.is_valid():
                membership = member_services.invitation_accept(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    first_name=form.cleaned_data["first_name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    _("Welcome to %(organisation)s.") % {"organisation": invitation.organisation},
                )
                return redirect(invitation.organisation)
    if user is None and not existing_account and form is None:
        form = AcceptInvitationForm()
    context = {"invitation": invitation, "form": form, "existing_account": existing_account}
    return render(
        request,
        "registration/invitation_accept.html",
        context,
        status=400 if form and form.errors else 200,
    )
