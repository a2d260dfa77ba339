"""Organisations, memberships and invitations, as the user may see them."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from workshops.models import (
    Invitation,
    Membership,
    Organisation,
    User,
)
from workshops.rules import MANAGE_MEMBERS, can

from .base import get_or_404


def organisations_for_user(user: User | AnonymousUser) -> QuerySet[Organisation]:
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__removed_at__isnull=True
    ).distinct()


def memberships_for_user(user: User | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, removed_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def organisation_get(*, user: User | AnonymousUser, pk: object) -> Organisation:
    return get_or_404(organisations_for_user(user), pk=pk)


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        organisation.memberships.filter(removed_at__isnull=True)
        .select_related("user")
        .order_by("user__full_name")
    )


def membership_get(*, organisation: Organisation, pk: object) -> Membership:
    return get_or_404(organisation_members(organisation=organisation), pk=pk)


def user_exists(*, email: str) -> bool:
    return User.objects.filter(email=email.lower()).exists()


def pending_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(accepted_at__isnull=True).select_related(
        "invited_by__user"
    )


def member_list_page(*, organisation: Organisation, user: User) -> dict:
    """The people page: the organisation's members, and for those who may manage them, the
    invitations not yet accepted."""
    invitations = []
    if can(user, MANAGE_MEMBERS, organisation):
        invitations = pending_invitations(organisation=organisation)
    members = organisation_members(organisation=organisation)
    locked = set()
    if can(user, MANAGE_MEMBERS, organisation):
        locked = members_locked_out(emails=[member.user.email for member in members])
    return {"members": members, "invitations": invitations, "locked_out_emails": locked}


def members_locked_out(*, emails: list[str]) -> set[str]:
    """Which of these sign-in emails are locked out now, by too many wrong passwords."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=[email.lower() for email in emails],
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


def invitation_get_by_token(*, token: str) -> Invitation:
    """The invitation an emailed link names, whoever follows it (the token is the secret)."""
    return get_or_404(Invitation.objects.select_related("organisation"), token=token)


def memberships_by_id(*, organisation: Organisation) -> dict[int, Membership]:
    """Every membership the organisation has had, removed ones included: past work keeps its
    credit after a person leaves."""
    return {m.pk: m for m in organisation.memberships.select_related("user")}
