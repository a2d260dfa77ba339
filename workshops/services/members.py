"""Writes to memberships and invitations."""

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workshops.enums import Action, Role
from workshops.live.groups import live_access_changed
from workshops.models import Invitation, Membership, Organisation, User
from workshops.outbox import enqueue
from workshops.rules import MANAGE_MEMBERS

from .contributions import contribution_record
from .permissions import require


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    perspective: str,
    is_external: bool = False,
    job_title: str = "",
    actor: Membership,
) -> Invitation:
    """Invite a person by email. The email is sent by a task once the invitation is saved; the
    job title becomes their membership's when they join."""
    require(actor, MANAGE_MEMBERS, organisation)
    email = email.strip().lower()
    if Membership.active.filter(organisation=organisation, user__email=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        perspective=perspective,
        is_external=is_external,
        job_title=job_title.strip(),
        invited_by=actor,
    )
    contribution_record(actor=actor, action=Action.MEMBER_INVITE, target=invitation)
    enqueue("invitation_email_send", invitation_id=invitation.pk)
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    full_name: str = "",
    first_name: str = "",
    password: str = "",
) -> Membership:
    """Turn an invitation into a membership, creating the person's account if they have none.

    A removed member who is invited again gets their old membership back, so their past work
    and the new work stay credited to one person.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has expired or has already been used."))
    if user is not None and user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to another email address."))
    if (
        user is not None
        and Membership.active.filter(user=user, organisation=invitation.organisation).exists()
    ):
        raise ValidationError(_("You are already a member of this organisation."))
    if user is None:
        user = User.objects.create_user(
            invitation.email, password, full_name=full_name, first_name=first_name
        )
    membership, _created = Membership.objects.update_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={
            "role": invitation.role,
            "perspective": invitation.perspective,
            "is_external": invitation.is_external,
            "job_title": invitation.job_title,
            "removed_at": None,
        },
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    contribution_record(actor=membership, action=Action.MEMBER_JOIN, target=membership)
    return membership


def _ensure_a_lead_remains(membership: Membership, new_role: str | None = None) -> None:
    if membership.role != Role.LEAD or new_role == Role.LEAD:
        return
    other_leads = Membership.active.filter(
        organisation_id=membership.organisation_id, role=Role.LEAD
    ).exclude(pk=membership.pk)
    if not other_leads.exists():
        raise ValidationError(
            _("Every organisation needs at least one lead. Make someone else a lead first.")
        )


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    role: str,
    perspective: str,
    is_external: bool,
    job_title: str | None = None,
    actor: Membership,
) -> Membership:
    """A lead changes a member's role, perspective and job title; a job title of None keeps the
    one they have (a caller that does not show it never blanks it)."""
    require(actor, MANAGE_MEMBERS, membership)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _ensure_a_lead_remains(membership, new_role=role)
    membership.role, membership.perspective, membership.is_external = role, perspective, is_external
    if job_title is not None:
        membership.job_title = job_title.strip()
    membership.save(update_fields=["role", "perspective", "is_external", "job_title"])
    # A new role may allow less: open live rooms check again (an observer only reads).
    transaction.on_commit(lambda: live_access_changed(user_ids=[membership.user_id]))
    contribution_record(actor=actor, action=Action.MEMBER_CHANGE, target=membership)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Membership) -> Membership:
    """Remove a member. The row stays, so everything they wrote stays credited to them; their
    open live rooms close."""
    require(actor, MANAGE_MEMBERS, membership)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _ensure_a_lead_remains(membership)
    membership.removed_at = timezone.now()
    membership.save(update_fields=["removed_at"])
    transaction.on_commit(lambda: live_access_changed(user_ids=[membership.user_id]))
    contribution_record(actor=actor, action=Action.MEMBER_REMOVE, target=membership)
    return membership


@transaction.atomic
def membership_set_credit_preference(
    *, membership: Membership, credit_preference: str, actor: Membership
) -> Membership:
    """A person chooses how they are credited. Only they may choose it."""
    if actor.pk != membership.pk:
        raise ValidationError(_("Only the person themselves can choose how they are credited."))
    membership.credit_preference = credit_preference
    membership.save(update_fields=["credit_preference"])
    contribution_record(actor=actor, action=Action.MEMBER_CHANGE, target=membership)
    return membership


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    """Ask for a password reset link to be sent to ``email``, if an account has it.

    Not a contribution. The lookup and the email both happen in the background (the
    ``password_reset_email_send`` job), so the page answers alike, and as fast, for an address
    with an account and one without: nobody can tell from it who has an account.
    """
    enqueue("password_reset_email_send", email=email)


@transaction.atomic
def member_sign_in_unlock(*, membership: Membership, actor: Membership) -> int:
    """A lead lets a member locked out by too many wrong passwords try again now, rather than
    after the wait. Clears the account's failed tries (all addresses); returns how many."""
    require(actor, MANAGE_MEMBERS, membership)
    cleared = axes_reset(username=membership.user.email.lower())
    contribution_record(actor=actor, action=Action.MEMBER_UNLOCK, target=membership)
    return cleared
