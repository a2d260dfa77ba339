"""Reads, always scoped to what the user may see.

Every function that fetches an object by id answers Http404 both when it does not exist and when
it belongs to an organisation the user is not an active member of, so the two cannot be told apart.
"""

from django.db.models import Count, Q
from django.http import Http404

from workshops.models import Membership, Module, Organisation, Section, User, Workshop


def _active_member_filter(user, prefix):
    return {
        f"{prefix}memberships__user": user,
        f"{prefix}memberships__removed_at__isnull": True,
    }


def organisations_for_user(user):
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(**_active_member_filter(user, "")).distinct()


def memberships_for_user(user):
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, removed_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def organisation_get(*, user, org_id):
    try:
        return organisations_for_user(user).get(pk=org_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def workshops_visible(user):
    if not user.is_authenticated or not user.is_active:
        return Workshop.objects.none()
    return Workshop.objects.filter(
        organisation__memberships__user=user,
        organisation__memberships__removed_at__isnull=True,
    )


def workshop_list(*, user, organisation):
    return (
        workshops_visible(user)
        .filter(organisation=organisation)
        .annotate(module_count=Count("modules", filter=Q(modules__deleted_at__isnull=True)))
        .order_by("title", "pk")
    )


def workshop_get(*, user, pk):
    try:
        return workshops_visible(user).select_related("organisation").get(pk=pk)
    except (Workshop.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def workshop_modules(*, workshop):
    """The workshop's modules in order, each with its number of sections, in one query."""
    return workshop.modules.annotate(
        section_count=Count("sections", filter=Q(sections__deleted_at__isnull=True))
    ).order_by("position", "pk")


def module_get(*, user, pk):
    try:
        return (
            Module.objects.filter(workshop__in=workshops_visible(user))
            .select_related("workshop__organisation")
            .get(pk=pk)
        )
    except (Module.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def module_sections(*, module):
    return module.sections.order_by("position", "pk")


def section_get(*, user, pk):
    try:
        return (
            Section.objects.filter(module__workshop__in=workshops_visible(user))
            .select_related("module__workshop__organisation")
            .get(pk=pk)
        )
    except (Section.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def organisation_members(*, organisation):
    return (
        organisation.memberships.filter(removed_at__isnull=True)
        .select_related("user")
        .order_by("user__full_name")
    )


def membership_get(*, organisation, pk):
    try:
        return organisation_members(organisation=organisation).get(pk=pk)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None



def user_exists(*, email):
    return User.objects.filter(email=email.lower()).exists()


def pending_invitations(*, organisation):
    return organisation.invitations.filter(accepted_at__isnull=True).select_related(
        "invited_by__user"
    )
