"""The contribution log and the balance of lived and learned experience."""

from django.db.models import Count

from workshops.attribution import words_by_author
from workshops.balance import balance_of
from workshops.models import (
    ContributionEntry,
    Module,
    Section,
)


def _balances(*, organisation, section_rows, contribution_rows, memberships):
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


def workshop_balance(*, workshop, memberships):
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


def _summed_by_perspective(rows):
    totals = {}
    for _, perspective, count in rows:
        totals[perspective] = totals.get(perspective, 0) + count
    return [(None, perspective, count) for perspective, count in totals.items()]


def module_balance(*, module, sections, memberships):
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
    *, organisation, membership_id=None, module_id=None, action=None, date_from=None, date_to=None
):
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


def organisation_modules(*, organisation):
    return (
        Module.all_objects.filter(workshop__organisation=organisation)
        .select_related("workshop")
        .order_by("workshop__title", "position")
    )
