"""Time records."""

from workshops.models import (
    TimeEntry,
)


def time_entries(*, organisation, membership=None, start=None, end=None):
    entries = TimeEntry.objects.filter(membership__organisation=organisation).select_related(
        "membership__user", "session"
    )
    if membership is not None:
        entries = entries.filter(membership=membership)
    if start is not None:
        entries = entries.filter(date__gte=start)
    if end is not None:
        entries = entries.filter(date__lte=end)
    return entries.order_by("-date", "-pk")
