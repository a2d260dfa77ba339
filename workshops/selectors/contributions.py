"""The contribution log and the balance of lived and learned experience."""

from collections.abc import Iterable, Iterator
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from workshops.attribution import words_by_author
from workshops.balance import Balance, balance_of
from workshops.enums import Action
from workshops.models import (
    ContributionEntry,
    Membership,
    Module,
    Organisation,
    Section,
    Workshop,
)

from .members import memberships_by_id

LOG_PAGE_SIZE = 50
_ACTION_LABELS = dict(Action.choices)


def _balances(
    *,
    organisation: Organisation,
    section_rows: Iterable[tuple],
    contribution_rows: Iterable[tuple],
    memberships: dict[int, Membership],
) -> dict:
    perspective_of = {pk: m.perspective for pk, m in memberships.items()}
    threshold = organisation.balance_threshold_percent
    words = {}
    for key, runs in section_rows:
        totals = words.setdefault(key, {})
        for author, count in words_by_author(runs).items():
            totals[author] = totals.get(author, 0) + count
    contributions = {}
    for key, perspective, count in contribution_rows:
        contributions.setdefault(key, {})[perspective] = count
    keys = set(words) | set(contributions)
    return {
        key: balance_of(words.get(key, {}), perspective_of, contributions.get(key), threshold)
        for key in keys
    }


def workshop_balance(
    *, workshop: Workshop, memberships: dict[int, Membership]
) -> tuple[dict, Balance]:
    """(balance per module id, balance of the whole workshop), in two queries."""
    section_rows = list(
        Section.objects.filter(
            module__workshop=workshop, module__deleted_at__isnull=True
        ).values_list("module_id", "attribution")
    )
    contribution_rows = list(
        ContributionEntry.objects.filter(workshop_id=workshop.pk)
        .values("module_id", "perspective")
        .annotate(count=Count("pk"))
        .values_list("module_id", "perspective", "count")
    )
    per_module = _balances(
        organisation=workshop.organisation,
        section_rows=section_rows,
        contribution_rows=[row for row in contribution_rows if row[0] is not None],
        memberships=memberships,
    )
    whole = _balances(
        organisation=workshop.organisation,
        section_rows=[(None, runs) for _, runs in section_rows],
        contribution_rows=_summed_by_perspective(contribution_rows),
        memberships=memberships,
    )
    return per_module, whole.get(None) or balance_of({}, {})


def _summed_by_perspective(rows: Iterable[tuple]) -> list[tuple]:
    totals = {}
    for _, perspective, count in rows:
        totals[perspective] = totals.get(perspective, 0) + count
    return [(None, perspective, count) for perspective, count in totals.items()]


def module_balance(
    *, module: Module, sections: Iterable[Section], memberships: dict[int, Membership]
) -> Balance:
    """The module's balance, from its already loaded sections and one query for contributions."""
    contribution_rows = list(
        ContributionEntry.objects.filter(module_id=module.pk)
        .values("perspective")
        .annotate(count=Count("pk"))
        .values_list("perspective", "count")
    )
    balances = _balances(
        organisation=module.workshop.organisation,
        section_rows=[(None, section.attribution) for section in sections],
        contribution_rows=[(None, perspective, count) for perspective, count in contribution_rows],
        memberships=memberships,
    )
    return balances.get(None) or balance_of({}, {})


def contribution_log(
    *,
    organisation: Organisation,
    membership_id: int | None = None,
    module_id: int | None = None,
    action: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[ContributionEntry]:
    """The organisation's log, newest first, filtered."""
    entries = ContributionEntry.objects.filter(organisation=organisation).select_related(
        "membership__user"
    )
    if membership_id:
        entries = entries.filter(membership_id=membership_id)
    if module_id:
        entries = entries.filter(module_id=module_id)
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries.order_by("-pk")


def contribution_log_page(
    *, organisation: Organisation, page_number: str | None, **filters: object
) -> dict:
    """One page of the filtered log, newest first, each entry with its action's label."""
    entries = contribution_log(organisation=organisation, **filters)
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(page_number)
    for entry in page:
        entry.action_label = _ACTION_LABELS.get(entry.action, entry.action)
    return {"page": page}


def contribution_log_export(
    *, organisation: Organisation, **filters: object
) -> Iterator[ContributionEntry]:
    """The filtered log, oldest first, read in chunks as it is iterated: for a CSV of any
    length."""
    entries = contribution_log(organisation=organisation, **filters).order_by("pk")
    return entries.iterator(chunk_size=2000)


def contribution_summary(
    *, organisation: Organisation, memberships: dict[int, Membership], **filters: object
) -> list[dict]:
    """Contributions and words added and removed per person per month, newest month first,
    each row with its ``member`` from ``memberships`` (by id), in one query."""
    rows = (
        contribution_log(organisation=organisation, **filters)
        .order_by()
        .annotate(month=TruncMonth("created_at"))
        .values("month", "membership_id")
        .annotate(
            contributions=Count("pk"),
            words_added=Sum("words_added"),
            words_removed=Sum("words_removed"),
        )
        .order_by("-month", "membership_id")
    )
    return [{**row, "member": memberships.get(row["membership_id"])} for row in rows]


def contribution_log_choices(*, organisation: Organisation) -> dict:
    """What the log can be filtered by: everyone who has been a member (by id, and in name
    order) and every module the organisation has had, in two queries."""
    members = memberships_by_id(organisation=organisation)
    return {
        "members_by_id": members,
        "people": sorted(members.values(), key=lambda m: m.user.full_name),
        "modules": organisation_modules(organisation=organisation),
    }


def organisation_modules(*, organisation: Organisation) -> QuerySet[Module]:
    """Every module the organisation has had, deleted ones included, to filter the log by."""
    return (
        Module.all_objects.filter(workshop__organisation=organisation)
        .select_related("workshop")
        .order_by("workshop__title", "position")
    )
