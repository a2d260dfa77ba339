"""Co-design session pages: scheduling, the session page and its agenda, presence, the record,
ending a session, confirming one's time from attendance, the live section page, another
organisation's 404s, and query counts."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ModuleFactory, SectionFactory, WorkshopFactory
from tests.helpers import field_errors, form_values, make_people, make_team, query_count, stay
from workshops.enums import Action, Payment, TimeActivity
from workshops.models import Attendance, CoDesignSession, ContributionEntry, TimeEntry
from workshops.services import content as content_services
from workshops.services import sessions as session_services
from workshops.services import time as time_services

MANY = 20


START = timezone.make_aware(datetime(2026, 5, 12, 10, 0))


@pytest.fixture
def live_session_starts_at():
    """The shared ``live_session`` (tests/conftest.py) starts at START here."""
    return START


# Scheduling


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


# The session page


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


# Confirming one's time from attendance


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


# Another organisation, and sections not on the agenda


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


# Query counts


def _workshop_sessions_page(client_for, count):
    """``count`` sessions, each facilitated by someone else, some ended."""
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    module = ModuleFactory(workshop=workshop, actor=lead)
    facilitators = make_people(organisation, count)
    for number, facilitator in enumerate(facilitators):
        session = session_services.session_create(
            workshop=workshop,
            title=f"Session {number}",
            starts_at=timezone.now() + timedelta(days=number),
            agenda=[module],
            facilitator=facilitator,
            actor=lead,
        )
        if number % 2:
            session_services.session_end(session=session, actor=lead)
    # As lead: the page also shows the form to schedule one.
    return query_count(client_for(lead), reverse("workshop_sessions", args=[workshop.pk]))


def _session_with_attendance(count):
    """(lead, session): ``count`` agenda modules with a section each (and deleted ones), and
    ``count`` people who joined, half still in the room, half gone with their time confirmed."""
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    modules = []
    for number in range(count):
        module = ModuleFactory(workshop=workshop, actor=lead, title=f"Module {number}")
        SectionFactory(module=module, actor=carer, title=f"Section {number}")
        gone = SectionFactory(module=module, actor=carer, title=f"Deleted {number}")
        content_services.section_delete(section=gone, actor=lead)
        modules.append(module)
    session = session_services.session_create(
        workshop=workshop,
        title="Writing together",
        starts_at=timezone.now() - timedelta(hours=1),
        agenda=modules,
        facilitator=carer,
        actor=lead,
    )
    people = make_people(organisation, count)
    for number, person in enumerate(people):
        stay = session_services.attendance_join(session=session, membership=person)
        Attendance.objects.filter(pk=stay.pk).update(
            joined_at=timezone.now() - timedelta(minutes=30 + number)
        )
        if number % 2:
            session_services.attendance_leave(attendance_id=stay.pk)
            time_services.time_entry_create(
                membership=person,
                date=timezone.localdate(),
                minutes=30,
                activity=TimeActivity.CO_DESIGN,
                payment=Payment.PAID,
                session=session,
                actor=person,
            )
    session_services.attendance_join(session=session, membership=lead)
    return lead, session


def _session_detail_page(client_for, count):
    lead, session = _session_with_attendance(count)
    return query_count(client_for(lead), reverse("session_detail", args=[session.pk]))


def _session_presence(client_for, count):
    lead, session = _session_with_attendance(count)
    return query_count(client_for(lead), reverse("session_presence", args=[session.pk]))


def test_workshop_sessions_page_queries_do_not_grow_with_sessions(client_for):
    assert _workshop_sessions_page(client_for, 1) == _workshop_sessions_page(client_for, MANY)


def test_session_page_queries_do_not_grow_with_agenda_or_attendance(client_for):
    assert _session_detail_page(client_for, 1) == _session_detail_page(client_for, MANY)


def test_session_presence_queries_do_not_grow_with_people_in_the_room(client_for):
    assert _session_presence(client_for, 1) == _session_presence(client_for, MANY)
