"""The contribution log pages: the log with its filters and pages, the CSV export, the monthly
summary, who may read them, and query counts."""

import csv
import datetime
import io

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.helpers import make_people, query_count, table_rows
from workshops.enums import Action, Role
from workshops.models import ContributionEntry, Organisation
from workshops.services import content as content_services

pytestmark = pytest.mark.django_db

MANY = 20


def _backdated_entry(actor, when, action=Action.SECTION_EDIT, words_added=0, module=None):
    """Append a log entry made at another time, chained like any other.

    Entries are append-only, so a test cannot move an entry's date afterwards; it writes one
    with the date it needs, the way ``contribution_record`` would have at that moment.
    """
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=actor.organisation_id)
        entry = ContributionEntry(
            organisation=organisation,
            membership=actor,
            perspective=actor.perspective,
            action=str(action),
            target_type="section",
            target_id=1,
            workshop_id=module.workshop_id if module else None,
            module_id=module.pk if module else None,
            words_added=words_added,
            created_at=when,
            previous_hash=organisation.log_head_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        Organisation.objects.filter(pk=organisation.pk).update(log_head_hash=entry.entry_hash)
    return entry


def _at(year, month, day):
    return datetime.datetime(year, month, day, 12, 0, tzinfo=datetime.UTC)


def _shown_entry_ids(response):
    assert response.status_code == 200
    return [entry.pk for entry in response.context["page"].object_list]


def _log_entry_ids(organisation, **filters):
    return list(
        ContributionEntry.objects.filter(organisation=organisation, **filters)
        .order_by("-pk")
        .values_list("pk", flat=True)
    )


def _log_url(world):
    return reverse("contribution_log", args=[world.organisation.pk])


def test_contribution_log_unfiltered_lists_every_entry_newest_first(world, client_for):
    response = client_for(world.lead).get(_log_url(world))

    assert _shown_entry_ids(response) == _log_entry_ids(world.organisation)


def test_contribution_log_filter_by_person(world, client_for):
    workshop_entry = ContributionEntry.objects.get(
        organisation=world.organisation, action=Action.WORKSHOP_CREATE
    )
    assert workshop_entry.membership == world.lead

    response = client_for(world.lead).get(_log_url(world), {"person": world.co_trainer.pk})

    shown = _shown_entry_ids(response)
    assert shown == _log_entry_ids(world.organisation, membership=world.co_trainer)
    assert shown != []
    assert workshop_entry.pk not in shown


def test_contribution_log_filter_by_module(world, client_for):
    other_module = ModuleFactory(workshop=world.workshop, actor=world.lead)
    other_entry = ContributionEntry.objects.get(module_id=other_module.pk)

    response = client_for(world.lead).get(_log_url(world), {"module": world.module.pk})

    shown = _shown_entry_ids(response)
    assert shown == _log_entry_ids(world.organisation, module_id=world.module.pk)
    assert other_entry.pk not in shown
    assert shown != []


def test_contribution_log_filter_by_action(world, client_for):
    response = client_for(world.lead).get(_log_url(world), {"action": Action.SECTION_DELETE})

    shown = _shown_entry_ids(response)
    deleted = ContributionEntry.objects.get(
        organisation=world.organisation, action=Action.SECTION_DELETE
    )
    assert shown == [deleted.pk]


def test_contribution_log_filter_by_date_range(world, client_for):
    made_today = _log_entry_ids(world.organisation)
    before = _backdated_entry(world.co_trainer, _at(2024, 1, 15))
    inside = _backdated_entry(world.co_trainer, _at(2024, 3, 10))
    after = _backdated_entry(world.co_trainer, _at(2024, 5, 20))

    response = client_for(world.lead).get(
        _log_url(world), {"date_from": "2024-02-01", "date_to": "2024-04-30"}
    )

    assert _shown_entry_ids(response) == [inside.pk]
    only_from = client_for(world.lead).get(_log_url(world), {"date_from": "2024-03-10"})
    assert _shown_entry_ids(only_from) == [after.pk, inside.pk, *made_today]
    only_to = client_for(world.lead).get(_log_url(world), {"date_to": "2024-03-10"})
    assert _shown_entry_ids(only_to) == [inside.pk, before.pk]


def test_contribution_log_end_date_before_start_is_a_field_error(world, client_for):
    response = client_for(world.lead).get(
        _log_url(world), {"date_from": "2024-04-30", "date_to": "2024-02-01"}
    )

    assert response.status_code == 200
    assert response.context["filter_form"].errors == {
        "date_to": ["The end date is before the start date."]
    }


def test_contribution_log_paginates_at_50(world, client_for):
    for day in range(1, 56):
        _backdated_entry(world.co_trainer, _at(2024, 1, 1) + datetime.timedelta(days=day))
    total = ContributionEntry.objects.filter(organisation=world.organisation).count()
    assert 50 < total <= 100
    client = client_for(world.lead)

    first = client.get(_log_url(world))
    second = client.get(_log_url(world), {"page": 2})

    assert len(_shown_entry_ids(first)) == 50
    assert _shown_entry_ids(first) + _shown_entry_ids(second) == _log_entry_ids(world.organisation)
    assert len(table_rows(first)) == 50
    assert "Page 1 of 2" in first.content.decode()


# The CSV export


def _csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


CSV_HEADER = [
    "entry",
    "time",
    "person",
    "perspective",
    "action",
    "target_type",
    "target_id",
    "workshop_id",
    "module_id",
    "words_added",
    "words_removed",
    "entry_hash",
]


def test_contribution_log_csv_has_a_header_and_one_row_per_entry(world, client_for):
    response = client_for(world.lead).get(
        reverse("contribution_log_csv", args=[world.organisation.pk])
    )

    rows = _csv_rows(response)
    entries = list(ContributionEntry.objects.filter(organisation=world.organisation).order_by("pk"))
    assert rows[0] == CSV_HEADER
    assert [int(row[0]) for row in rows[1:]] == [entry.pk for entry in entries]
    created = ContributionEntry.objects.get(
        organisation=world.organisation, action=Action.SECTION_CREATE, target_id=world.section.pk
    )
    assert rows[1 + entries.index(created)] == [
        str(created.pk),
        timezone.localtime(created.created_at).isoformat(timespec="seconds"),
        world.co_trainer.user.full_name,
        "family_carer",
        "section.create",
        "section",
        str(world.section.pk),
        str(world.workshop.pk),
        str(world.module.pk),
        "8",
        "0",
        created.entry_hash,
    ]


def test_contribution_log_csv_follows_the_filters(world, client_for):
    response = client_for(world.lead).get(
        reverse("contribution_log_csv", args=[world.organisation.pk]),
        {"person": world.co_trainer.pk},
    )

    rows = _csv_rows(response)
    expected = sorted(_log_entry_ids(world.organisation, membership=world.co_trainer))
    assert [int(row[0]) for row in rows[1:]] == expected


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+1", "-1"])
def test_contribution_log_csv_names_that_look_like_formulas_are_quoted(name, world, client_for):
    person = MembershipFactory(
        organisation=world.organisation,
        user=UserFactory(full_name=name),
        role=Role.CO_TRAINER,
    )
    WorkshopFactory(organisation=world.organisation, actor=person)

    response = client_for(world.lead).get(
        reverse("contribution_log_csv", args=[world.organisation.pk]), {"person": person.pk}
    )

    rows = _csv_rows(response)
    assert [row[2] for row in rows[1:]] == ["'" + name]


# The summary


def test_contribution_summary_counts_per_person_per_month(world, client_for):
    carer, lead = world.co_trainer, world.lead
    _backdated_entry(carer, _at(2024, 1, 10), words_added=3)
    _backdated_entry(carer, _at(2024, 1, 20), words_added=4)
    _backdated_entry(lead, _at(2024, 1, 12), words_added=5)
    _backdated_entry(carer, _at(2024, 2, 14), words_added=6)

    response = client_for(lead).get(reverse("contribution_summary", args=[world.organisation.pk]))

    assert response.status_code == 200
    rows = [
        (row["month"].year, row["month"].month, row["member"], row["contributions"])
        + (row["words_added"],)
        for row in response.context["summary"]
        if row["month"].year == 2024
    ]
    assert lead.pk < carer.pk  # rows of one month are ordered by membership
    assert rows == [
        (2024, 2, carer, 1, 6),
        (2024, 1, lead, 1, 5),
        (2024, 1, carer, 2, 7),
    ]
    this_month = timezone.localtime()
    current = {
        row["member"]: row["contributions"]
        for row in response.context["summary"]
        if (row["month"].year, row["month"].month) == (this_month.year, this_month.month)
    }
    assert current == {
        member: ContributionEntry.objects.filter(
            membership=member, created_at__year=this_month.year, created_at__month=this_month.month
        ).count()
        for member in (carer, lead)
    }
    assert [row for row in table_rows(response) if row[0].endswith("2024")] == [
        ["February 2024", carer.user.full_name, "family carer", "1", "6", "0"],
        ["January 2024", lead.user.full_name, "professional", "1", "5", "0"],
        ["January 2024", carer.user.full_name, "family carer", "2", "7", "0"],
    ]


# Who may read the log


@pytest.mark.parametrize(
    "name", ["contribution_log", "contribution_log_csv", "contribution_summary"]
)
def test_contribution_log_pages_refuse_an_observer(name, world, observer, client_for):
    response = client_for(observer).get(reverse(name, args=[world.organisation.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize(
    "role, status",
    [
        (Role.LEAD, 200),
        (Role.CO_TRAINER, 200),
        (Role.EXTERNAL_SUPPORTER, 200),
        (Role.OBSERVER, 403),
        (Role.STAFF, 403),
    ],
)
def test_contribution_log_follows_view_log_permission(client_for, world, role, status):
    member = (
        world.lead
        if role == Role.LEAD
        else MembershipFactory(organisation=world.organisation, role=role)
    )

    response = client_for(member).get(
        reverse("contribution_log", kwargs={"org_id": world.organisation.pk})
    )

    assert response.status_code == status


# Query counts


def _log_page(client_for, count):
    organisation = OrganisationFactory()
    lead = MembershipFactory(organisation=organisation, role=Role.LEAD)
    people = make_people(organisation, count)
    for person in people:
        content_services.workshop_create(organisation=organisation, title="W", actor=person)
    assert ContributionEntry.objects.filter(organisation=organisation).count() == count
    url = reverse("contribution_log", args=[organisation.pk])
    return query_count(client_for(lead), url)


def _log_summary_page(client_for, count):
    organisation = OrganisationFactory()
    lead = MembershipFactory(organisation=organisation, role=Role.LEAD)
    for person in make_people(organisation, count):
        content_services.workshop_create(organisation=organisation, title="W", actor=person)
    url = reverse("contribution_summary", args=[organisation.pk])
    return query_count(client_for(lead), url)


def test_contribution_log_page_queries_do_not_grow_with_entries(client_for):
    assert _log_page(client_for, 1) == _log_page(client_for, MANY)


def test_contribution_summary_page_queries_do_not_grow_with_people(client_for):
    assert _log_summary_page(client_for, 1) == _log_summary_page(client_for, MANY)
