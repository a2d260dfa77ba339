"""Co-design session pages, attendance, and time records (who may record, confirm and export)."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory
from tests.helpers import field_errors, form_values
from workshops.enums import Action, Payment, Perspective, Role, TimeActivity
from workshops.financial_year import (
    financial_year_bounds,
    financial_year_label,
    financial_year_of,
)
from workshops.models import (
    Attendance,
    CoDesignSession,
    ContributionEntry,
    TimeEntry,
)
from workshops.selectors.sessions import attendance_minutes
from workshops.services import sessions as session_services
from workshops.services import time as time_services

START = timezone.make_aware(datetime(2026, 5, 12, 10, 0))


@pytest.fixture
def live_session_starts_at():
    """The shared ``live_session`` (tests/conftest.py) starts at START here."""
    return START


def stay(session, membership, start_minute, end_minute=None):
    """An attendance stay from START + start_minute to START + end_minute (open if None)."""
    attendance = session_services.attendance_join(session=session, membership=membership)
    Attendance.objects.filter(pk=attendance.pk).update(
        joined_at=START + timedelta(minutes=start_minute),
        left_at=None if end_minute is None else START + timedelta(minutes=end_minute),
    )
    return attendance


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


# Who may record time


def test_time_entry_create_member_records_their_own(co_trainer):
    entry = time_services.time_entry_create(
        membership=co_trainer,
        date=date(2026, 5, 1),
        minutes=90,
        activity=TimeActivity.PREPARATION,
        payment=Payment.DECLINED,
        note="Reading the draft",
        actor=co_trainer,
    )

    assert (entry.membership, entry.minutes, entry.payment) == (co_trainer, 90, Payment.DECLINED)
    log = ContributionEntry.objects.filter(action=Action.TIME_LOG)
    assert list(log.values_list("membership_id", "target_id")) == [(co_trainer.pk, entry.pk)]


def test_time_entry_create_lead_records_for_a_member(lead, co_trainer):
    entry = time_services.time_entry_create(
        membership=co_trainer,
        date=date(2026, 5, 1),
        minutes=30,
        activity=TimeActivity.TRAVEL,
        payment=Payment.PAID,
        actor=lead,
    )

    assert entry.membership == co_trainer
    # The log says who recorded it.
    log = ContributionEntry.objects.filter(action=Action.TIME_LOG)
    assert list(log.values_list("membership_id", flat=True)) == [lead.pk]


def test_time_entry_create_another_member_cannot_record_for_someone(world, co_trainer):
    colleague = MembershipFactory(
        organisation=world.organisation, role=Role.CO_TRAINER, perspective=Perspective.PROFESSIONAL
    )

    with pytest.raises(PermissionDenied):
        time_services.time_entry_create(
            membership=co_trainer,
            date=date(2026, 5, 1),
            minutes=30,
            activity=TimeActivity.REVIEW,
            payment=Payment.PAID,
            actor=colleague,
        )
    assert not TimeEntry.objects.exists()


def test_time_entry_create_another_organisations_lead_is_refused(co_trainer, other_world):
    with pytest.raises(PermissionDenied):
        time_services.time_entry_create(
            membership=co_trainer,
            date=date(2026, 5, 1),
            minutes=30,
            activity=TimeActivity.REVIEW,
            payment=Payment.PAID,
            actor=other_world.lead,
        )
    assert not TimeEntry.objects.exists()


# Attendance


def test_attendance_minutes_counts_overlapping_stays_once(live_session, lead, co_trainer):
    # The co-trainer had two tabs open: 10:00-10:40 and 10:30-11:05, then 11:30-11:40.
    stay(live_session, co_trainer, 0, 40)
    stay(live_session, co_trainer, 30, 65)
    stay(live_session, co_trainer, 90, 100)
    # The lead's second stay lies inside the first; the third is still open.
    stay(live_session, lead, 0, 60)
    stay(live_session, lead, 10, 20)
    stay(live_session, lead, 120)

    minutes = attendance_minutes(session=live_session, now=START + timedelta(minutes=135))

    assert minutes == {co_trainer.pk: 65 + 10, lead.pk: 60 + 15}


def test_session_page_prefills_confirm_form_with_attendance_minutes(
    live_session, co_trainer, client_for
):
    stay(live_session, co_trainer, 0, 40)
    stay(live_session, co_trainer, 30, 65)

    response = client_for(co_trainer).get(live_session.get_absolute_url())

    assert response.status_code == 200
    values = form_values(response.content.decode(), "minutes")
    assert values["minutes"] == "65"


def test_session_confirm_time_creates_one_co_design_entry(live_session, co_trainer, client_for):
    stay(live_session, co_trainer, 0, 65)
    client = client_for(co_trainer)
    url = reverse("session_confirm_time", args=[live_session.pk])

    response = client.post(url, {"minutes": "60", "payment": Payment.VOLUNTEERED})

    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.membership, entry.session, entry.minutes) == (co_trainer, live_session, 60)
    assert (entry.activity, entry.payment) == (TimeActivity.CO_DESIGN, Payment.VOLUNTEERED)
    assert entry.date == timezone.localdate(START)
    page = client.get(live_session.get_absolute_url()).content.decode()
    assert "(confirmed)" in page
    assert 'name="minutes"' not in page


def test_session_confirm_time_twice_is_refused_plainly(live_session, co_trainer, client_for):
    stay(live_session, co_trainer, 0, 65)
    client = client_for(co_trainer)
    url = reverse("session_confirm_time", args=[live_session.pk])
    first = client.post(url, {"minutes": "65", "payment": Payment.PAID}, follow=True)
    assert [str(m) for m in first.context["messages"]] == [
        "Your time for this session is recorded."
    ]

    response = client.post(url, {"minutes": "65", "payment": Payment.DECLINED}, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Time for this session has already been confirmed."
    ]
    assert list(TimeEntry.objects.values_list("payment", flat=True)) == [Payment.PAID]


def test_session_confirm_time_with_bad_minutes_records_nothing(
    live_session, co_trainer, client_for
):
    response = client_for(co_trainer).post(
        reverse("session_confirm_time", args=[live_session.pk]),
        {"minutes": "0", "payment": Payment.PAID},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Please give the minutes as a number from 1 to 1440."
    ]
    assert not TimeEntry.objects.exists()


# Financial years


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2025, 4, 1), 2025),
        (date(2026, 1, 1), 2025),
        (date(2026, 12, 31), 2026),
    ],
)
def test_financial_year_of_starts_on_1_april(day, year):
    assert financial_year_of(day) == year


def test_financial_year_bounds_and_label():
    assert financial_year_bounds(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    assert financial_year_label(2025) == "2025-26"
    assert financial_year_label(2099) == "2099-00"


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


# Session pages


def test_schedule_session_missing_title_shows_error_beside_field(world, lead, client_for):
    response = client_for(lead).post(
        reverse("workshop_sessions", args=[world.workshop.pk]),
        {
            "title": "",
            "starts_at": "2026-05-12T10:00",
            "agenda": [str(world.module.pk)],
            "facilitator": str(lead.pk),
        },
    )

    assert response.status_code == 400
    assert field_errors(response.content.decode()) == {"title": ["This field is required."]}
    assert not CoDesignSession.objects.exists()


def test_schedule_session_creates_it_with_its_agenda(world, lead, co_trainer, client_for):
    response = client_for(co_trainer).post(
        reverse("workshop_sessions", args=[world.workshop.pk]),
        {
            "title": "Module one, together",
            "starts_at": "2026-05-12T10:00",
            "agenda": [str(world.module.pk)],
            "facilitator": str(lead.pk),
        },
    )

    session = CoDesignSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    assert (session.title, session.facilitator) == ("Module one, together", lead)
    assert list(session.agenda.all()) == [world.module]
    assert ContributionEntry.objects.filter(
        action=Action.SESSION_CREATE, membership=co_trainer
    ).exists()


def test_schedule_session_observer_sees_no_form_and_cannot_post(world, observer, client_for):
    client = client_for(observer)
    page = client.get(reverse("workshop_sessions", args=[world.workshop.pk]))
    response = client.post(
        reverse("workshop_sessions", args=[world.workshop.pk]),
        {"title": "x", "starts_at": "2026-05-12T10:00", "facilitator": str(observer.pk)},
    )

    assert page.status_code == 200
    assert b'name="title"' not in page.content
    assert response.status_code == 403
    assert not CoDesignSession.objects.exists()


def test_session_page_lists_agenda_sections_with_live_links(world, live_session, client_for):
    response = client_for(world.co_trainer).get(live_session.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("live_section", args=[live_session.pk, world.section.pk]) in page
    assert world.section.title in page
    assert world.module.title in page
    # A deleted section is not offered.
    assert reverse("live_section", args=[live_session.pk, world.deleted_section.pk]) not in page


def test_live_section_page_gives_the_websocket_address(world, live_session, client_for):
    response = client_for(world.co_trainer).get(
        reverse("live_section", args=[live_session.pk, world.section.pk])
    )

    assert response.status_code == 200
    assert response.context["can_write"] is True
    assert response.context["ws_url"] == (
        f"ws://testserver/ws/live/sessions/{live_session.pk}/sections/{world.section.pk}"
    )


def test_presence_lists_open_stays_once(world, live_session, observer, client_for):
    stay(live_session, world.co_trainer, 0)
    stay(live_session, world.co_trainer, 5)
    stay(live_session, world.lead, 0, 10)

    response = client_for(observer).get(reverse("session_presence", args=[live_session.pk]))

    assert response.status_code == 200
    assert [m.pk for m in response.context["present"]] == [world.co_trainer.pk]
    page = response.content.decode()
    assert page.count(world.co_trainer.user.full_name) == 1
    assert world.lead.user.full_name not in page


def test_session_record_save(world, live_session, client_for):
    response = client_for(world.co_trainer).post(
        reverse("session_record", args=[live_session.pk]),
        {"notes": "Talked about triggers", "decisions": "Use Sam's story", "actions": "Tom: draft"},
    )

    assert response.status_code == 302
    live_session.refresh_from_db()
    assert (live_session.notes, live_session.decisions, live_session.actions) == (
        "Talked about triggers",
        "Use Sam's story",
        "Tom: draft",
    )
    assert ContributionEntry.objects.filter(
        action=Action.SESSION_EDIT, membership=world.co_trainer
    ).exists()


def test_session_record_observer_is_forbidden(world, live_session, observer, client_for):
    response = client_for(observer).post(
        reverse("session_record", args=[live_session.pk]), {"notes": "mine"}
    )

    assert response.status_code == 403
    live_session.refresh_from_db()
    assert live_session.notes == ""


def test_session_end_closes_open_stays_and_the_rooms_for_writing(world, live_session, client_for):
    stay(live_session, world.co_trainer, 0)
    client = client_for(world.lead)

    response = client.post(reverse("session_end", args=[live_session.pk]))

    assert response.status_code == 302
    live_session.refresh_from_db()
    assert live_session.is_ended
    assert not live_session.attendance.filter(left_at__isnull=True).exists()
    live_page = client.get(reverse("live_section", args=[live_session.pk, world.section.pk]))
    assert live_page.context["can_write"] is False
    # Ending twice changes nothing and logs once.
    client.post(reverse("session_end", args=[live_session.pk]))
    assert ContributionEntry.objects.filter(action=Action.SESSION_END).count() == 1


def _session_urls(world, session):
    return [
        ("get", reverse("workshop_sessions", args=[world.workshop.pk]), {}),
        ("post", reverse("workshop_sessions", args=[world.workshop.pk]), {"title": "x"}),
        ("get", reverse("session_detail", args=[session.pk]), {}),
        ("get", reverse("session_presence", args=[session.pk]), {}),
        ("get", reverse("live_section", args=[session.pk, world.section.pk]), {}),
        ("post", reverse("session_record", args=[session.pk]), {"notes": "x"}),
        ("post", reverse("session_end", args=[session.pk]), {}),
        ("post", reverse("session_confirm_time", args=[session.pk]), {"minutes": "5"}),
    ]


def test_session_pages_another_organisation_is_not_found(
    world, other_world, live_session, client_for
):
    client = client_for(other_world.lead)

    statuses = {
        (method, url): getattr(client, method)(url, data).status_code
        for method, url, data in _session_urls(world, live_session)
    }

    assert statuses == {
        (method, url): 404 for method, url, _data in _session_urls(world, live_session)
    }
    live_session.refresh_from_db()
    assert (live_session.notes, live_session.ended_at) == ("", None)
    assert not TimeEntry.objects.exists()


def test_live_section_page_for_a_section_not_on_the_agenda_is_not_found(
    world, live_session, other_world, client_for
):
    client = client_for(world.co_trainer)
    # Not the session's (another organisation's section), and a made-up id.
    for section_id in (other_world.section.pk, 999999):
        response = client.get(reverse("live_section", args=[live_session.pk, section_id]))
        assert response.status_code == 404


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
