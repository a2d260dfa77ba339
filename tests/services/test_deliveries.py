"""Deliveries: sessions a week apart, teams that meet the co-delivery rule, packs that are ready,
attendees and registers."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import MembershipFactory, PackFactory, WorkshopFactory
from workshops.enums import Action, PackState, Perspective, Role
from workshops.models import Attendee, ContributionEntry, Delivery
from workshops.services import deliveries

pytestmark = pytest.mark.django_db


def _create(world, **kwargs):
    arguments = {
        "workshop": world.workshop,
        "title": "Tuesday evenings",
        "first_session_at": timezone.now(),
        "team": [world.lead, world.co_trainer],
        "actor": world.lead,
        **kwargs,
    }
    return deliveries.delivery_create(**arguments)


def _professional(world):
    return MembershipFactory(
        organisation=world.organisation, role=Role.CO_TRAINER, perspective=Perspective.PROFESSIONAL
    )


def test_create_makes_sessions_weeks_apart_each_with_the_team(world):
    first = timezone.now()

    delivery = _create(world, first_session_at=first, session_count=3, weeks_apart=2)

    sessions = list(delivery.sessions.order_by("starts_at"))
    assert [s.starts_at for s in sessions] == [first + timedelta(weeks=2 * n) for n in range(3)]
    for session in sessions:
        assert set(session.team.all()) == {world.lead, world.co_trainer}
    assert (
        ContributionEntry.objects.filter(
            action=Action.DELIVERY_CREATE, target_id=delivery.pk
        ).count()
        == 1
    )


def test_two_professionals_are_refused_and_nothing_saved(world):
    log_before = ContributionEntry.objects.count()

    with pytest.raises(ValidationError) as refused:
        _create(world, team=[world.lead, _professional(world)])

    assert "family carer" in " ".join(refused.value.message_dict["team"])
    assert not Delivery.objects.exists()
    assert ContributionEntry.objects.count() == log_before


def test_two_professionals_are_saved_when_the_shortfall_is_accepted(world):
    team = [world.lead, _professional(world)]

    delivery = _create(world, team=team, accept_shortfall=True)

    assert set(delivery.sessions.get().team.all()) == set(team)


def test_an_observer_cannot_be_on_a_team(world):
    observer = MembershipFactory(organisation=world.organisation, role=Role.OBSERVER)

    with pytest.raises(ValidationError) as refused:
        _create(world, team=[world.lead, observer], accept_shortfall=True)

    assert "team" in refused.value.message_dict
    assert not Delivery.objects.exists()


def test_a_member_of_another_organisation_cannot_be_on_a_team(world, other_world):
    with pytest.raises(ValidationError) as refused:
        _create(world, team=[world.lead, other_world.co_trainer])

    assert "team" in refused.value.message_dict
    assert not Delivery.objects.exists()


def test_a_pack_of_another_workshop_is_refused(world):
    other_workshop = WorkshopFactory(organisation=world.organisation, actor=world.lead)
    pack = PackFactory(workshop=other_workshop, state=PackState.READY)

    with pytest.raises(ValidationError) as refused:
        _create(world, pack=pack)

    assert "pack" in refused.value.message_dict
    assert not Delivery.objects.exists()


def test_a_pack_that_is_not_ready_is_refused(world):
    pack = PackFactory(workshop=world.workshop, state=PackState.QUEUED)

    with pytest.raises(ValidationError) as refused:
        _create(world, pack=pack)

    assert "pack" in refused.value.message_dict


def test_a_ready_pack_of_the_workshop_is_used(world):
    pack = PackFactory(workshop=world.workshop, state=PackState.READY)

    assert _create(world, pack=pack).pack == pack


def test_register_ignores_attendees_of_another_delivery(world):
    delivery, other = _create(world), _create(world, title="Other")
    here = deliveries.attendee_add(delivery=delivery, name="Jo", actor=world.lead)
    elsewhere = deliveries.attendee_add(delivery=other, name="Sam", actor=world.lead)
    session = delivery.sessions.get()

    deliveries.register_update(session=session, present=[here, elsewhere], actor=world.lead)

    assert list(session.attended.all()) == [here]


def test_attendee_delete_removes_them_and_their_register_marks(world):
    delivery = _create(world, session_count=2)
    attendee = deliveries.attendee_add(delivery=delivery, name="Jo", actor=world.lead)
    for session in delivery.sessions.all():
        deliveries.register_update(session=session, present=[attendee], actor=world.lead)

    deliveries.attendee_delete(attendee=attendee, actor=world.lead)

    assert not Attendee.objects.filter(pk=attendee.pk).exists()
    for session in delivery.sessions.all():
        assert not session.attended.exists()


def test_staff_may_run_deliveries(world):
    staff = MembershipFactory(organisation=world.organisation, role=Role.STAFF)

    delivery = _create(world, actor=staff)

    assert delivery.pk is not None


def test_an_observer_may_not_run_deliveries(world):
    observer = MembershipFactory(organisation=world.organisation, role=Role.OBSERVER)

    with pytest.raises(PermissionDenied):
        _create(world, actor=observer)

    assert not Delivery.objects.exists()
