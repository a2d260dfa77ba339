"""Deliveries through the browser's forms: scheduling with the co-delivery rule, attendees, the
register and the sign-in sheet, and the organisation's record of co-production."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory
from tests.helpers import field_errors, query_count
from workshops.enums import Perspective, Role
from workshops.models import ContributionEntry, Delivery
from workshops.services import deliveries as delivery_services

pytestmark = pytest.mark.django_db


def _schedule(world, **extra):
    return {
        "title": "Six Tuesday evenings",
        "places_available": "12",
        "first_session_at": "2030-03-05T18:30",
        "session_count": "6",
        "weeks_apart": "1",
        "minutes": "120",
        **extra,
    }


def test_a_team_without_a_family_carer_is_refused_beside_the_field_and_nothing_is_saved(
    client_for, world
):
    professional = MembershipFactory(
        organisation=world.organisation, role=Role.CO_TRAINER, perspective=Perspective.PROFESSIONAL
    )
    url = reverse("delivery_create", args=[world.workshop.pk])
    log_before = ContributionEntry.objects.count()

    response = client_for(world.lead).post(
        url, _schedule(world, team=[world.lead.pk, professional.pk])
    )

    assert response.status_code == 400
    assert "needs 1 more family carer" in " ".join(field_errors(response.content.decode())["team"])
    assert Delivery.objects.count() == 0
    assert ContributionEntry.objects.count() == log_before


def test_an_acknowledged_shortfall_is_saved_and_every_session_says_so(client_for, world):
    url = reverse("delivery_create", args=[world.workshop.pk])
    data = _schedule(world, team=[world.lead.pk], accept_shortfall="on")

    response = client_for(world.lead).post(url, data)

    delivery = Delivery.objects.get()
    assert response.url == delivery.get_absolute_url()
    assert [s.starts_at.date().isoformat() for s in delivery.sessions.all()][:2] == [
        "2030-03-05",
        "2030-03-12",
    ]
    page = client_for(world.co_trainer).get(response.url).content.decode()
    assert page.count("Not co-delivered: this session needs 1 more family carer") == 6
    assert "0 of 6 sessions led by a family carer and a professional together" in page


def test_a_co_delivered_schedule_shows_every_session_co_delivered(client_for, world):
    url = reverse("delivery_create", args=[world.workshop.pk])
    client_for(world.lead).post(url, _schedule(world, team=[world.lead.pk, world.co_trainer.pk]))

    delivery = Delivery.objects.get()
    page = client_for(world.lead).get(delivery.get_absolute_url()).content.decode()
    assert "6 of 6 sessions led by a family carer and a professional together" in page
    assert "Not co-delivered" not in page


def test_register_marks_who_came_and_the_sheet_flags_access_needs(client_for, make_world):
    world = make_world(complete=True)
    session = world.delivery_session
    other = delivery_services.attendee_add(delivery=world.delivery, name="Kit", actor=world.lead)

    response = client_for(world.co_trainer).post(
        reverse("delivery_register", args=[session.pk]), {"present": [world.attendee.pk]}
    )

    assert response.status_code == 302
    assert list(session.attended.all()) == [world.attendee]
    sheet = client_for(world.co_trainer).get(reverse("delivery_sign_in_sheet", args=[session.pk]))
    html = sheet.content.decode()
    assert "Jo" in html and "Kit" in html and "Large print" in html
    assert other not in session.attended.all()


def test_an_observer_sees_the_sessions_but_not_the_attendees(client_for, make_world):
    world = make_world(complete=True)
    observer = MembershipFactory(organisation=world.organisation, role=Role.OBSERVER)

    page = client_for(observer).get(world.delivery.get_absolute_url()).content.decode()

    assert "Tuesday evenings" in page
    assert "Jo" not in page
    register = reverse("delivery_register", args=[world.delivery_session.pk])
    assert client_for(observer).get(register).status_code == 403


def test_deleting_an_attendee_asks_first_then_removes_them_and_their_marks(client_for, make_world):
    world = make_world(complete=True)
    delivery_services.register_update(
        session=world.delivery_session, present=[world.attendee], actor=world.lead
    )
    url = reverse("attendee_delete", args=[world.attendee.pk])
    client = client_for(world.lead)

    assert "Delete Jo?" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert world.delivery.attendees.count() == 0
    assert world.delivery_session.attended.count() == 0


def _delivery_with(world, count):
    delivery = delivery_services.delivery_create(
        workshop=world.workshop,
        title="Many",
        first_session_at=timezone.now(),
        session_count=count,
        team=[world.lead, world.co_trainer],
        actor=world.lead,
    )
    attendees = [
        delivery_services.attendee_add(delivery=delivery, name=f"A{n}", actor=world.lead)
        for n in range(count)
    ]
    for session in delivery.sessions.all():
        delivery_services.register_update(session=session, present=attendees, actor=world.lead)
    return delivery


def test_delivery_page_queries_do_not_grow_with_sessions_and_attendees(client_for, world):
    client = client_for(world.lead)
    one = query_count(client, _delivery_with(world, 1).get_absolute_url())
    assert query_count(client, _delivery_with(world, 12).get_absolute_url()) == one


def test_organisation_page_shows_its_co_delivery_from_sessions_held(client_for, world):
    delivery_services.delivery_create(
        workshop=world.workshop,
        title="Held",
        first_session_at=timezone.now() - timedelta(weeks=4),
        session_count=3,
        team=[world.lead, world.co_trainer],
        actor=world.lead,
    )
    delivery_services.delivery_create(
        workshop=world.workshop,
        title="Professionals only",
        first_session_at=timezone.now() - timedelta(weeks=4),
        session_count=1,
        team=[world.lead],
        accept_shortfall=True,
        actor=world.lead,
    )
    url = reverse("workshop_list", args=[world.organisation.pk])

    page = client_for(world.co_trainer).get(url).content.decode()

    # Four sessions held, one of them led by a professional alone.
    assert "3 of 4 delivery sessions so far were led by a family carer and a professional" in page
    assert "Family carers wrote 100% of the words" in page


def test_workshop_page_says_who_wrote_it_and_who_delivered_it(client_for, world):
    # Every word is the family carer's; a professional has led a session already.
    client = client_for(world.lead)
    url = world.workshop.get_absolute_url()
    assert "Written by family carers." in client.get(url).content.decode()

    delivery_services.delivery_create(
        workshop=world.workshop,
        title="Tuesday evenings",
        first_session_at=timezone.now() - timedelta(days=7),
        team=[world.lead, world.co_trainer],
        actor=world.lead,
    )

    html = client.get(url).content.decode()
    assert "Written by family carers; delivered with professionals." in html
    assert "Written together" not in html
