"""Retention: attendees' details and evaluation answers are deleted, and closed accounts
cleared, once each organisation's period is up; nothing younger is touched."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory
from workshops.contribution_log import chain_verify
from workshops.enums import Action, Perspective, Role
from workshops.models import (
    Attendee,
    ContributionEntry,
    EvaluationResponse,
    Membership,
    Organisation,
    User,
)
from workshops.services import deliveries as delivery_services
from workshops.services import evaluation as evaluation_services
from workshops.services import members as member_services
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


def _periods(world, **days):
    Organisation.objects.filter(pk=world.organisation.pk).update(**days)


def test_attendees_go_a_year_after_their_last_session_and_younger_ones_stay(world):
    _periods(world, attendee_retention_days=365)
    old = _delivery_with_attendee(world, last_session_days_ago=400)
    recent = _delivery_with_attendee(world, last_session_days_ago=300)

    assert retention_apply()["attendees"] == 1

    assert not Attendee.objects.filter(pk=old.pk).exists()
    assert Attendee.objects.filter(pk=recent.pk).exists()
    assert Attendee.objects.filter(pk=world.attendee.pk).exists()


def test_answers_go_after_their_period_and_an_empty_setting_keeps_everything(world):
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
    _periods(world, answer_retention_days=None, attendee_retention_days=None)

    assert retention_apply() == {"attendees": 0, "answers": 0, "accounts": 0}

    _periods(world, answer_retention_days=30)
    assert retention_apply()["answers"] == 1
    assert retention_apply()["answers"] == 0  # safe to run again


def _left(membership, *, days_ago):
    Membership.objects.filter(pk=membership.pk).update(
        removed_at=timezone.now() - timedelta(days=days_ago)
    )


def _member_who_left(world, *, days_ago):
    member = MembershipFactory(
        organisation=world.organisation,
        perspective=Perspective.FAMILY_CARER,
        user__full_name="Ottoline Leftwich",
    )
    _left(member, days_ago=days_ago)
    return member


def test_a_closed_account_is_cleared_when_its_period_is_up_and_the_log_verifies(world):
    _periods(world, closed_account_retention_days=365)
    old = _member_who_left(world, days_ago=400)
    recent = _member_who_left(world, days_ago=300)

    assert retention_apply()["accounts"] == 1

    old.user.refresh_from_db()
    recent.user.refresh_from_db()
    assert old.user.full_name == "a former family carer"
    assert not old.user.is_active
    assert recent.user.full_name == "Ottoline Leftwich"
    entry = ContributionEntry.objects.get(action=Action.CLOSED_ACCOUNT_CLEAR)
    assert entry.membership_id == old.pk
    world.organisation.refresh_from_db()
    assert chain_verify(world.organisation) is None
    assert retention_apply()["accounts"] == 0  # safe to run again


def test_an_account_still_in_one_organisation_or_kept_by_one_is_not_cleared(world, make_world):
    _periods(world, closed_account_retention_days=30)
    elsewhere = make_world()
    still_here = _member_who_left(world, days_ago=400)
    MembershipFactory(user=still_here.user, organisation=elsewhere.organisation)
    # Left both organisations long ago, but the other keeps closed accounts.
    kept = _member_who_left(world, days_ago=400)
    _left(MembershipFactory(user=kept.user, organisation=elsewhere.organisation), days_ago=400)
    Organisation.objects.filter(pk=elsewhere.organisation.pk).update(
        closed_account_retention_days=None
    )

    assert retention_apply()["accounts"] == 0

    still_here.user.refresh_from_db()
    kept.user.refresh_from_db()
    assert still_here.user.full_name == kept.user.full_name == "Ottoline Leftwich"


def test_a_closed_account_invited_back_or_running_the_site_is_not_cleared(world):
    _periods(world, closed_account_retention_days=30)
    invited_back = _member_who_left(world, days_ago=400)
    member_services.invitation_create(
        organisation=world.organisation,
        email=invited_back.user.email,
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
        actor=world.lead,
    )
    operator = _member_who_left(world, days_ago=400)
    User.objects.filter(pk=operator.user_id).update(is_staff=True)

    assert retention_apply()["accounts"] == 0

    invited_back.user.refresh_from_db()
    operator.user.refresh_from_db()
    assert invited_back.user.full_name == operator.user.full_name == "Ottoline Leftwich"
