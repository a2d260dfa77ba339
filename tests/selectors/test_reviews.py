"""The review selectors: who may review and sign off, and whether an open round can still be
agreed by the reviewers it has left."""

import pytest

from tests.factories import MembershipFactory
from tests.helpers import approve, request_changes
from workshops.enums import Perspective, Role
from workshops.selectors.reviews import review_candidates, review_round_page
from workshops.services.members import membership_remove, membership_update
from workshops.services.reviews import review_round_withdraw

pytestmark = pytest.mark.django_db


def _shortfall(round, membership):
    round.refresh_from_db()
    page = review_round_page(round=round, membership=membership, user=membership.user)
    shortfall = page["shortfall"]
    return None if shortfall is None else (shortfall.family_carers, shortfall.professionals)


def test_review_candidates_mark_who_may_sign_off(world, observer, external_supporter, professional):
    candidates = review_candidates(organisation=world.organisation)

    assert {m.pk: m.may_sign_off for m in candidates} == {
        world.lead.pk: True,
        world.co_trainer.pk: True,
        professional.pk: True,
        observer.pk: False,
        external_supporter.pk: False,
    }


def test_round_shortfall_with_every_reviewer_still_able_is_none(world, review_round):
    assert _shortfall(review_round, world.lead) == (0, 0)


def test_round_shortfall_after_only_professional_reviewer_removed(
    world, review_round, professional
):
    membership_remove(membership=professional, actor=world.lead)

    assert _shortfall(review_round, world.lead) == (0, 1)


def test_round_shortfall_after_removed_reviewer_had_approved_counts_the_approval(
    world, review_round, professional
):
    approve(review_round, professional)
    membership_remove(membership=professional, actor=world.lead)

    assert _shortfall(review_round, world.lead) == (0, 0)


def test_round_shortfall_after_only_carer_reviewer_becomes_observer(world, review_round, carer):
    membership_update(
        membership=carer,
        role=Role.OBSERVER,
        perspective=Perspective.FAMILY_CARER,
        is_external=False,
        actor=world.lead,
    )

    assert _shortfall(review_round, world.lead) == (1, 0)


def test_round_shortfall_counts_reviewer_who_asked_for_changes_as_still_able(
    world, review_round, professional
):
    request_changes(review_round, professional)

    assert _shortfall(review_round, world.lead) == (0, 0)


def test_round_shortfall_after_rule_raised_above_reviewers(world, review_round):
    world.organisation.professional_approvals_needed = 2
    world.organisation.save(update_fields=["professional_approvals_needed"])

    assert _shortfall(review_round, world.lead) == (0, 1)


def test_round_shortfall_of_ended_round_not_given(world, review_round, professional):
    membership_remove(membership=professional, actor=world.lead)
    review_round_withdraw(round=review_round, actor=world.lead)

    assert _shortfall(review_round, world.lead) is None


def test_round_shortfall_ignores_new_member_who_is_not_a_reviewer(
    world, review_round, professional
):
    membership_remove(membership=professional, actor=world.lead)
    MembershipFactory(
        organisation=world.organisation, role=Role.CO_TRAINER, perspective=Perspective.PROFESSIONAL
    )

    assert _shortfall(review_round, world.lead) == (0, 1)
