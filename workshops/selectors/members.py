"""Organisations, memberships and invitations, as the user may see them."""

from workshops.models import (
    Membership,
    Organisation,
    User,
)

from .base import get_or_404


def organisations_for_user(user):
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__removed_at__isnull=True
    ).distinct()


def memberships_for_user(user):
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, removed_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def organisation_get(*, user, pk):
    return get_or_404(organisations_for_user(user), pk=pk)


def organisation_members(*, organisation):
    return (
        organisation.memberships.filter(removed_at__isnull=True)
        .select_related("user")
        .order_by("user__full_name")
    )


def membership_get(*, organisation, pk):
    return get_or_404(organisation_members(organisation=organisation), pk=pk)


def user_exists(*, email):
    return User.objects.filter(email=email.lower()).exists()


def pending_invitations(*, organisation):
    return organisation.invitations.filter(accepted_at__isnull=True).select_related(
        "invited_by__user"
    )


def memberships_by_id(*, organisation):
    """Every membership the organisation has had, removed ones included: past work keeps its
    credit after a person leaves."""
    return {m.pk: m for m in organisation.memberships.select_related("user")}
