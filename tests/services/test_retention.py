"""Retention: attendees' details and evaluation answers are deleted once their time is up, and
nothing younger is touched."""

from datetime import timedelta

import pytest
from django.utils import timezone

from workshops.models import Attendee, EvaluationResponse
from workshops.services import deliveries as delivery_services
from workshops.services import evaluation as evaluation_services
from workshops.services.retention import retention_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_world):
    return make_world(complete=True)


def _delivery_with_attendee(world, *, last_session_days_ago):
    delivery = delivery_services.delivery_create(
        workshop=world.workshop,
        title="An old run",
        first_session_at=timezone.now() - timedelta(days=last_session_days_ago),
        team=[world.lead, world.co_trainer],
        actor=world.lead,
    )
    return delivery_services.attendee_add(delivery=delivery, name="Old", actor=world.lead)


def test_attendees_go_a_year_after_their_last_session_and_younger_ones_stay(world, settings):
    settings.ATTENDEE_RETENTION_DAYS = "365"
    old = _delivery_with_attendee(world, last_session_days_ago=400)
    recent = _delivery_with_attendee(world, last_session_days_ago=300)

    assert retention_apply()["attendees"] == 1

    assert not Attendee.objects.filter(pk=old.pk).exists()
    assert Attendee.objects.filter(pk=recent.pk).exists()
    assert Attendee.objects.filter(pk=world.attendee.pk).exists()


def test_answers_go_after_their_period_and_an_empty_setting_keeps_everything(world, settings):
    response = evaluation_services.answers_submit(
        delivery=world.delivery,
        version=world.evaluation.agreed_version,
        stage="before",
        code="old1",
        answers={},
    )
    EvaluationResponse.objects.filter(pk=response.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    settings.ANSWER_RETENTION_DAYS = ""
    settings.ATTENDEE_RETENTION_DAYS = ""

    assert retention_apply() == {"attendees": 0, "answers": 0}

    settings.ANSWER_RETENTION_DAYS = "30"
    assert retention_apply()["answers"] == 1
    assert retention_apply()["answers"] == 0  # safe to run again
