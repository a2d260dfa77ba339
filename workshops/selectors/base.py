"""What every scoped selector builds on: the workshops a user may see, and one lookup."""

from django.db.models import Model, QuerySet
from django.http import Http404

from workshops.models import User, Workshop


def get_or_404(queryset: QuerySet, **lookup: object) -> Model:
    """The one object matching ``lookup`` in ``queryset``, or 404, also for ids that are not
    numbers. Callers pass querysets already scoped to the user's organisations."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def workshops_visible(user: User) -> QuerySet[Workshop]:
    """Workshops of the organisations the user is an active member of."""
    if not user.is_authenticated or not user.is_active:
        return Workshop.objects.none()
    return Workshop.objects.filter(
        organisation__memberships__user=user,
        organisation__memberships__removed_at__isnull=True,
    )
