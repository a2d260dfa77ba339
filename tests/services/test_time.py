"""The time service: who may record time, for whom."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import MembershipFactory
from workshops.enums import Action, Payment, Perspective, Role, TimeActivity
from workshops.models import ContributionEntry, TimeEntry
from workshops.services import time as time_services

pytestmark = pytest.mark.django_db


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
