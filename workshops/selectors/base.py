"""The one lookup every scoped selector ends in."""

from django.http import Http404


def get_or_404(queryset, **lookup):
    """The one object matching ``lookup`` in ``queryset``, or 404, also for ids that are not
    numbers. Callers pass querysets already scoped to the user's organisations."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
