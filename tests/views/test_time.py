"""The time records page and its CSV export: who sees what, recording one's own time, the
financial year a CSV covers, and query counts."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import WorkshopFactory
from tests.helpers import field_errors, make_people, make_team, query_count
from workshops.enums import Payment, Perspective, TimeActivity
from workshops.models import TimeEntry
from workshops.services import sessions as session_services
from workshops.services import time as time_services

MANY = 20
RECORDING_CHOICES = [value for value in Payment if value != Payment.REDUCED]


def record_time(membership, *, day, minutes, activity=TimeActivity.PREPARATION, payment=None):
    return time_services.time_entry_create(
        membership=membership,
        date=day,
        minutes=minutes,
        activity=activity,
        payment=payment or Payment.PAID,
        actor=membership,
    )


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


# The CSV export, by financial year


def test_time_csv_takes_31_march_and_leaves_1_april(world, lead, co_trainer, client_for):
    record_time(co_trainer, day=date(2025, 3, 31), minutes=1)  # 2024-25
    record_time(co_trainer, day=date(2025, 4, 1), minutes=10)  # 2025-26, first day
    record_time(co_trainer, day=date(2026, 3, 31), minutes=20)  # 2025-26, last day
    record_time(co_trainer, day=date(2026, 4, 1), minutes=400)  # 2026-27

    response = client_for(lead).get(
        reverse("time_records_csv", args=[world.organisation.pk]), {"year": "2025"}
    )

    assert response.status_code == 200
    assert csv_rows(response)[1:] == [
        [
            "2025-26",
            co_trainer.user.full_name,
            Perspective.FAMILY_CARER,
            TimeActivity.PREPARATION,
            Payment.PAID,
            "30",
            "0.50",
        ]
    ]


def test_time_csv_sums_per_person_activity_and_payment(world, lead, co_trainer, client_for):
    co_trainer.user.full_name = '=HYPERLINK("http://example.com")'
    co_trainer.user.save(update_fields=["full_name"])
    lead.user.full_name = "Aled Ŵyn Jones"
    lead.user.save(update_fields=["full_name"])
    day = date(2025, 6, 3)
    record_time(co_trainer, day=day, minutes=45, activity=TimeActivity.CO_DESIGN)
    record_time(
        co_trainer, day=day + timedelta(days=7), minutes=60, activity=TimeActivity.CO_DESIGN
    )
    record_time(
        co_trainer,
        day=day,
        minutes=30,
        activity=TimeActivity.CO_DESIGN,
        payment=Payment.DECLINED,
    )
    record_time(co_trainer, day=day, minutes=20, activity=TimeActivity.TRAVEL)
    record_time(lead, day=day, minutes=90, activity=TimeActivity.REVIEW)

    response = client_for(lead).get(
        reverse("time_records_csv", args=[world.organisation.pk]), {"year": "2025"}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="time-{world.organisation.pk}-2025-26.csv"'
    )
    carer = '\'=HYPERLINK("http://example.com")'
    assert csv_rows(response) == [
        ["financial_year", "person", "perspective", "activity", "payment", "minutes", "hours"],
        ["2025-26", carer, "family_carer", "co_design", "declined", "30", "0.50"],
        ["2025-26", carer, "family_carer", "co_design", "paid", "105", "1.75"],
        ["2025-26", carer, "family_carer", "travel", "paid", "20", "0.33"],
        ["2025-26", "Aled Ŵyn Jones", "professional", "review", "paid", "90", "1.50"],
    ]


def test_time_csv_for_an_empty_year_has_only_the_header(world, lead, client_for):
    response = client_for(lead).get(
        reverse("time_records_csv", args=[world.organisation.pk]), {"year": "2030"}
    )

    assert csv_rows(response) == [
        ["financial_year", "person", "perspective", "activity", "payment", "minutes", "hours"]
    ]


@pytest.mark.parametrize("year", ["next", "1999", "2101"])
def test_time_csv_nonsense_year_is_not_found(world, lead, client_for, year):
    response = client_for(lead).get(
        reverse("time_records_csv", args=[world.organisation.pk]), {"year": year}
    )

    assert response.status_code == 404


def test_time_csv_co_trainer_is_forbidden(world, co_trainer, client_for):
    response = client_for(co_trainer).get(
        reverse("time_records_csv", args=[world.organisation.pk]), {"year": "2025"}
    )

    assert response.status_code == 403


def test_time_csv_another_organisation_is_not_found(world, other_world, client_for):
    response = client_for(other_world.lead).get(
        reverse("time_records_csv", args=[world.organisation.pk]), {"year": "2025"}
    )

    assert response.status_code == 404


# The time page


def test_time_page_co_trainer_sees_only_their_own(world, lead, co_trainer, client_for):
    own = record_time(co_trainer, day=date(2026, 5, 1), minutes=37)
    record_time(lead, day=date(2026, 5, 1), minutes=53)

    response = client_for(co_trainer).get(reverse("time_records", args=[world.organisation.pk]))

    assert response.status_code == 200
    assert [entry.pk for entry in response.context["entries"]] == [own.pk]
    assert response.context["everyone"] is False
    assert reverse("time_records_csv", args=[world.organisation.pk]).encode() not in (
        response.content
    )


def test_time_page_lead_sees_everyone(world, lead, co_trainer, other_world, client_for):
    carers = record_time(co_trainer, day=date(2026, 5, 1), minutes=37)
    leads = record_time(lead, day=date(2026, 5, 2), minutes=53)
    record_time(other_world.co_trainer, day=date(2026, 5, 3), minutes=11)

    response = client_for(lead).get(reverse("time_records", args=[world.organisation.pk]))

    assert [entry.pk for entry in response.context["entries"]] == [leads.pk, carers.pk]
    assert response.context["everyone"] is True
    assert reverse("time_records_csv", args=[world.organisation.pk]).encode() in response.content


def test_time_page_post_records_the_members_own_time(world, co_trainer, client_for):
    response = client_for(co_trainer).post(
        reverse("time_records", args=[world.organisation.pk]),
        {
            "date": "2026-05-01",
            "minutes": "75",
            "activity": TimeActivity.DELIVERY,
            "payment": Payment.DECLINED,
            "note": "",
        },
    )

    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.membership, entry.minutes, entry.payment) == (co_trainer, 75, Payment.DECLINED)


def test_time_page_post_errors_are_shown_beside_fields(world, co_trainer, client_for):
    response = client_for(co_trainer).post(
        reverse("time_records", args=[world.organisation.pk]),
        {"date": "2026-05-01", "minutes": "0", "activity": TimeActivity.DELIVERY},
    )

    assert response.status_code == 400
    errors = field_errors(response.content.decode())
    assert set(errors) == {"minutes", "payment"}
    assert not TimeEntry.objects.exists()


def test_time_page_another_organisation_is_not_found(world, other_world, client_for):
    client = client_for(other_world.lead)

    assert client.get(reverse("time_records", args=[world.organisation.pk])).status_code == 404


def test_time_page_pages_older_entries_rather_than_hiding_them(world, co_trainer, client_for):
    first_day = date(2026, 5, 1)
    entries = [
        record_time(co_trainer, day=first_day + timedelta(days=n), minutes=10 + n)
        for n in range(101)
    ]
    client = client_for(co_trainer)
    url = reverse("time_records", args=[world.organisation.pk])

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert len(first.context["entries"]) == 100
    assert b"?page=2" in first.content
    # The oldest entry is on the second page, not lost.
    assert [entry.pk for entry in second.context["entries"]] == [entries[0].pk]


# Query counts


def _time_records_page(client_for, count):
    """As lead: ``count`` entries by ``count`` people, half of them from a session."""
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    people = make_people(organisation, count)
    for number, person in enumerate(people):
        session = None
        if number % 2:
            session = session_services.session_create(
                workshop=workshop,
                title=f"Session {number}",
                starts_at=timezone.now(),
                agenda=[],
                facilitator=carer,
                actor=lead,
            )
        time_services.time_entry_create(
            membership=person,
            date=timezone.localdate() - timedelta(days=number),
            minutes=30 + number,
            activity=list(TimeActivity)[number % len(TimeActivity)],
            # Every choice that can be made when recording (reduced comes later, on payments).
            payment=RECORDING_CHOICES[number % len(RECORDING_CHOICES)],
            note=f"Note {number}",
            session=session,
            actor=lead,
        )
    return query_count(client_for(lead), reverse("time_records", args=[organisation.pk]))


def test_time_records_page_queries_do_not_grow_with_entries_or_people(client_for):
    assert _time_records_page(client_for, 1) == _time_records_page(client_for, MANY)
