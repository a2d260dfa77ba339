"""The two-key sign-off table, for the pure rule and for the real service path.

Every combination of 0, 1 or 2 family-carer approvals, 0, 1 or 2 professional approvals, with
and without a standing request for changes, under the policies 1/1 and 2/1 (family carers
needed / professionals needed). The expected outcome is written out independently of the code.
"""

import itertools

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    SectionFactory,
    WorkshopFactory,
)
from workshops.enums import Action, DecisionKind, Perspective, Role, RoundStatus
from workshops.models import ContributionEntry, Module
from workshops.selectors.reviews import round_sign_off_state
from workshops.services.reviews import review_decide, review_round_open
from workshops.signoff import sign_off_shortfall, sign_off_state

HASH = "a" * 64
STALE_HASH = "b" * 64

POLICIES = [(1, 1), (2, 1)]  # (family carers needed, professionals needed)

TABLE = [
    pytest.param(
        fc,
        pro,
        changes,
        need_fc,
        need_pro,
        id=f"fc{fc}-pro{pro}-changes{changes}-policy{need_fc}/{need_pro}",
    )
    for (need_fc, need_pro), fc, pro, changes in itertools.product(
        POLICIES, (0, 1, 2), (0, 1, 2), (0, 1)
    )
]


def _expected(fc, pro, changes, need_fc, need_pro):
    return changes == 0 and fc >= need_fc and pro >= need_pro


def test_sign_off_table_covers_every_case():
    assert len(TABLE) == 36


@pytest.mark.parametrize("fc,pro,changes,need_fc,need_pro", TABLE)
def test_sign_off_state_agreed_matches_table(fc, pro, changes, need_fc, need_pro):
    decisions = (
        [(DecisionKind.APPROVE, Perspective.FAMILY_CARER, HASH)] * fc
        + [(DecisionKind.APPROVE, Perspective.PROFESSIONAL, HASH)] * pro
        + [(DecisionKind.REQUEST_CHANGES, Perspective.PROFESSIONAL, HASH)] * changes
    )

    state = sign_off_state(
        decisions, content_hash=HASH, family_carer_needed=need_fc, professional_needed=need_pro
    )

    assert state.agreed == _expected(fc, pro, changes, need_fc, need_pro)
    assert state.family_carer_approvals == fc
    assert state.professional_approvals == pro
    assert state.changes_requested == changes
    assert (state.family_carer_needed, state.professional_needed) == (need_fc, need_pro)


def test_sign_off_state_with_stale_hash_approvals_not_counted():
    decisions = [
        (DecisionKind.APPROVE, Perspective.FAMILY_CARER, STALE_HASH),
        (DecisionKind.APPROVE, Perspective.FAMILY_CARER, STALE_HASH),
        (DecisionKind.APPROVE, Perspective.PROFESSIONAL, STALE_HASH),
        (DecisionKind.APPROVE, Perspective.PROFESSIONAL, HASH),
    ]

    state = sign_off_state(
        decisions, content_hash=HASH, family_carer_needed=1, professional_needed=1
    )

    assert state.agreed is False
    assert state.family_carer_approvals == 0
    assert state.professional_approvals == 1


def test_sign_off_state_with_stale_hash_request_for_changes_still_counted():
    decisions = [
        (DecisionKind.APPROVE, Perspective.FAMILY_CARER, HASH),
        (DecisionKind.APPROVE, Perspective.PROFESSIONAL, HASH),
        (DecisionKind.REQUEST_CHANGES, Perspective.FAMILY_CARER, STALE_HASH),
    ]

    state = sign_off_state(
        decisions, content_hash=HASH, family_carer_needed=1, professional_needed=1
    )

    assert state.changes_requested == 1
    assert state.agreed is False


def test_sign_off_state_with_no_decisions_not_agreed():
    state = sign_off_state([], content_hash=HASH, family_carer_needed=1, professional_needed=1)

    assert state.agreed is False
    assert (state.family_carer_approvals, state.professional_approvals) == (0, 0)


def test_sign_off_state_with_only_one_perspective_not_agreed():
    decisions = [(DecisionKind.APPROVE, Perspective.FAMILY_CARER, HASH)] * 5

    state = sign_off_state(
        decisions, content_hash=HASH, family_carer_needed=1, professional_needed=1
    )

    assert state.agreed is False


# Whether a set of possible approvers can meet the rule at all

FC, PRO = Perspective.FAMILY_CARER, Perspective.PROFESSIONAL


@pytest.mark.parametrize(
    ("perspectives", "need_fc", "need_pro", "missing"),
    [
        ([FC, PRO], 1, 1, (0, 0)),
        ([PRO, PRO, PRO], 1, 1, (1, 0)),
        ([FC], 1, 1, (0, 1)),
        ([], 1, 1, (1, 1)),
        ([FC, PRO], 2, 1, (1, 0)),
        ([FC, FC, PRO], 2, 1, (0, 0)),
        ([FC, PRO], 1, 3, (0, 2)),
        ([FC, FC, FC, PRO, PRO], 2, 2, (0, 0)),
    ],
)
def test_sign_off_shortfall_counts_what_each_perspective_lacks(
    perspectives, need_fc, need_pro, missing
):
    shortfall = sign_off_shortfall(
        perspectives, family_carer_needed=need_fc, professional_needed=need_pro
    )

    assert (shortfall.family_carers, shortfall.professionals) == missing
    assert bool(shortfall) == (missing != (0, 0))


# The real service path


def _team(need_fc, need_pro):
    """An organisation with that policy, a module with one section, and five possible reviewers:
    two family carers, two professionals and a professional who asks for changes."""
    organisation = OrganisationFactory(
        family_carer_approvals_needed=need_fc, professional_approvals_needed=need_pro
    )
    lead = MembershipFactory(
        organisation=organisation, role=Role.LEAD, perspective=Perspective.PROFESSIONAL
    )
    module = ModuleFactory(
        workshop=WorkshopFactory(organisation=organisation, actor=lead), actor=lead
    )
    SectionFactory(module=module, actor=lead)
    carers = MembershipFactory.create_batch(
        2, organisation=organisation, role=Role.CO_TRAINER, perspective=Perspective.FAMILY_CARER
    )
    professionals = MembershipFactory.create_batch(
        2, organisation=organisation, role=Role.CO_TRAINER, perspective=Perspective.PROFESSIONAL
    )
    critic = MembershipFactory(
        organisation=organisation, role=Role.CO_TRAINER, perspective=Perspective.PROFESSIONAL
    )
    return lead, module, carers, professionals, critic


@pytest.mark.django_db
@pytest.mark.parametrize("fc,pro,changes,need_fc,need_pro", TABLE)
def test_review_decide_agreement_matches_table(fc, pro, changes, need_fc, need_pro):
    lead, module, carers, professionals, critic = _team(need_fc, need_pro)
    round = review_round_open(
        module=module, reviewers=[*carers, *professionals, critic], actor=lead
    )
    content_hash = round.version.content_hash
    if changes:
        review_decide(
            round=round,
            kind=DecisionKind.REQUEST_CHANGES,
            content_hash=content_hash,
            reason="Please use the family's own words here.",
            actor=critic,
        )

    for approver in [*carers[:fc], *professionals[:pro]]:
        round.refresh_from_db()
        if round.status == RoundStatus.AGREED:
            # Once agreed the round is closed: a later approval is refused, not counted.
            with pytest.raises(ValidationError):
                review_decide(
                    round=round,
                    kind=DecisionKind.APPROVE,
                    content_hash=content_hash,
                    actor=approver,
                )
        else:
            review_decide(
                round=round, kind=DecisionKind.APPROVE, content_hash=content_hash, actor=approver
            )

    expected = _expected(fc, pro, changes, need_fc, need_pro)
    round.refresh_from_db()
    module = Module.all_objects.get(pk=module.pk)
    assert round.status == (RoundStatus.AGREED if expected else RoundStatus.OPEN)
    assert module.agreed_version_id == (round.version_id if expected else None)
    assert (round.closed_at is not None) == expected
    round.version.refresh_from_db()
    assert (round.version.agreed_at is not None) == expected
    agreed_entries = ContributionEntry.objects.filter(
        action=Action.REVIEW_AGREED, target_id=round.pk
    ).count()
    assert agreed_entries == (1 if expected else 0)


@pytest.mark.django_db
def test_round_sign_off_state_counts_perspective_at_decision_time():
    lead, module, carers, professionals, critic = _team(1, 1)
    round = review_round_open(module=module, reviewers=[carers[0], professionals[0]], actor=lead)
    review_decide(
        round=round,
        kind=DecisionKind.APPROVE,
        content_hash=round.version.content_hash,
        actor=carers[0],
    )
    # The carer's perspective changes after deciding: the approval still counts as a carer's.
    carers[0].perspective = Perspective.PROFESSIONAL
    carers[0].save(update_fields=["perspective"])

    state = round_sign_off_state(round=round)

    assert (state.family_carer_approvals, state.professional_approvals) == (1, 0)
