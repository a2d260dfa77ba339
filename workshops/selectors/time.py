"""Time records."""

from datetime import date

from django.core.paginator import Paginator
from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from workshops.financial_year import financial_year_label, financial_year_of
from workshops.models import Membership, Organisation, TimeEntry

TIME_PAGE_SIZE = 100
# How many financial years, this one first, the page offers to export.
EXPORT_YEARS = 4


def time_entries(
    *,
    organisation: Organisation,
    membership: Membership | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[TimeEntry]:
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


def time_totals(*, organisation: Organisation, start: date, end: date) -> QuerySet[TimeEntry]:
    """Minutes per person, activity and payment from ``start`` to ``end`` (both included), as
    rows of person, perspective, activity, payment and minutes, in one query."""
    return (
        time_entries(organisation=organisation, start=start, end=end)
        .order_by()
        .values(
            "activity",
            "payment",
            person=F("membership__user__full_name"),
            perspective=F("membership__perspective"),
        )
        .annotate(minutes=Sum("minutes"))
        .order_by("person", "activity", "payment")
    )


def time_records_page(
    *,
    organisation: Organisation,
    membership: Membership,
    everyone: bool,
    page_number: str | None,
) -> dict:
    """One page of time entries, newest first: everyone's, or only the member's own; and the
    financial years that can be exported."""
    entries = time_entries(organisation=organisation, membership=None if everyone else membership)
    page = Paginator(entries, TIME_PAGE_SIZE).get_page(page_number)
    this_year = financial_year_of(timezone.localdate())
    return {
        "entries": page,
        "page": page,
        "everyone": everyone,
        "years": [
            (year, financial_year_label(year))
            for year in range(this_year, this_year - EXPORT_YEARS, -1)
        ],
    }
