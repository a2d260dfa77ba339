"""Review actions racing each other, on PostgreSQL, in real threads with their own connections.

Each race starts its threads together at a barrier; every thread closes its connection at the
end. After each race the invariants of sign-off are checked: an agreed version is agreed once,
only by approvals naming its hash, and a withdrawn round never has an agreed version.
"""

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    SectionFactory,
    WorkshopFactory,
)
from workshops.enums import Action, DecisionKind, Perspective, Role, RoundStatus
from workshops.models import ContributionEntry, Decision, Module, ModuleVersion, ReviewRound
from workshops.services.reviews import (
    review_decide,
    review_round_open,
    review_round_withdraw,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Each race is run several times: the order the database serialises the threads in varies.
REPEATS = 4


@pytest.fixture(autouse=True)
def _postgresql(flushable_log):
    assert connection.vendor == "postgresql", "These tests need PostgreSQL (set DATABASE_URL)."


def _run_together(*calls):
    """Run the calls in threads released together; [("ok", result) or ("error", exception)]."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 (reported to the test, which checks the kind)
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [thread.is_alive() for thread in threads] == [False] * len(threads)
    return results


def _errors(results):
    return [outcome for kind, outcome in results if kind == "error"]


def _team(*, carers=2, professionals=2):
    """An organisation needing one approval of each perspective, a module with one section,
    and that many family-carer and professional co-trainers to review it."""
    organisation = OrganisationFactory(
        family_carer_approvals_needed=1, professional_approvals_needed=1
    )
    lead = MembershipFactory(
        organisation=organisation, role=Role.LEAD, perspective=Perspective.PROFESSIONAL
    )
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    reviewers = MembershipFactory.create_batch(
        carers,
        organisation=organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
    ) + MembershipFactory.create_batch(
        professionals,
        organisation=organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.PROFESSIONAL,
    )
    return lead, workshop, reviewers


def _module(workshop, lead):
    module = ModuleFactory(workshop=workshop, actor=lead)
    SectionFactory(module=module, actor=lead)
    return module


def _approve_call(round, reviewer):
    return lambda: review_decide(
        round=round,
        kind=DecisionKind.APPROVE,
        content_hash=round.version.content_hash,
        actor=reviewer,
    )


def _entries(action, round):
    return ContributionEntry.objects.filter(action=action, target_id=round.pk).count()


def _check_invariants():
    for version in ModuleVersion.objects.filter(agreed_at__isnull=False):
        round = ReviewRound.objects.get(version=version)
        assert round.status == RoundStatus.AGREED
        approval_hashes = set(
            Decision.objects.filter(round=round, kind=DecisionKind.APPROVE).values_list(
                "content_hash", flat=True
            )
        )
        assert approval_hashes == {version.content_hash}
        assert _entries(Action.REVIEW_AGREED, round) == 1
    for module in Module.all_objects.filter(agreed_version__isnull=False):
        assert module.agreed_version.agreed_at is not None
        assert module.agreed_version.module_id == module.pk
    for round in ReviewRound.objects.exclude(status=RoundStatus.AGREED).select_related("version"):
        assert round.version.agreed_at is None
    for module in Module.all_objects.all():
        open_rounds = ReviewRound.objects.filter(module=module, status=RoundStatus.OPEN).count()
        assert open_rounds <= 1
        assert module.versions.count() == module.review_rounds.count()


@pytest.mark.parametrize("carers,professionals", [(1, 1), (2, 2)])
def test_approvals_at_once_agree_round_exactly_once(carers, professionals):
    lead, workshop, reviewers = _team(carers=carers, professionals=professionals)

    for _ in range(REPEATS):
        module = _module(workshop, lead)
        round = review_round_open(module=module, reviewers=reviewers, actor=lead)
        mail.outbox.clear()

        results = _run_together(*(_approve_call(round, reviewer) for reviewer in reviewers))

        round.refresh_from_db()
        module = Module.all_objects.get(pk=module.pk)
        assert round.status == RoundStatus.AGREED
        assert module.agreed_version_id == round.version_id
        assert _entries(Action.REVIEW_AGREED, round) == 1
        # A late approval finds the round agreed and is refused, never counted twice.
        refusals = _errors(results)
        assert [type(error) for error in refusals] == [ValidationError] * len(refusals)
        assert [error.messages for error in refusals] == [["This review round has ended."]] * len(
            refusals
        )
        assert Decision.objects.filter(round=round).count() == len(results) - len(refusals)
        agreed_emails = [m for m in mail.outbox if m.subject == f"“{module.title}” is agreed"]
        assert sorted(m.to[0] for m in agreed_emails) == sorted(
            {lead.user.email, *(reviewer.user.email for reviewer in reviewers)}
        )
        _check_invariants()


def test_withdrawal_racing_approvals_either_withdraws_or_agrees():
    lead, workshop, reviewers = _team(carers=1, professionals=1)
    outcomes = []

    for _ in range(REPEATS * 2):
        module = _module(workshop, lead)
        round = review_round_open(module=module, reviewers=reviewers, actor=lead)

        withdraw, *approvals = _run_together(
            lambda round=round: review_round_withdraw(round=round, actor=lead),
            *(_approve_call(round, reviewer) for reviewer in reviewers),
        )

        round.refresh_from_db()
        round.version.refresh_from_db()
        module = Module.all_objects.get(pk=module.pk)
        outcomes.append(round.status)
        assert [type(error) for error in _errors(approvals)] == [ValidationError] * len(
            _errors(approvals)
        )
        if round.status == RoundStatus.WITHDRAWN:
            assert withdraw[0] == "ok"
            assert round.version.agreed_at is None
            assert module.agreed_version_id is None
            assert _entries(Action.REVIEW_AGREED, round) == 0
            assert _entries(Action.REVIEW_WITHDRAW, round) == 1
        else:
            assert round.status == RoundStatus.AGREED
            assert withdraw[0] == "error"
            assert isinstance(withdraw[1], ValidationError)
            assert round.version.agreed_at is not None
            assert module.agreed_version_id == round.version_id
            assert _entries(Action.REVIEW_AGREED, round) == 1
            assert _entries(Action.REVIEW_WITHDRAW, round) == 0
        _check_invariants()

    assert set(outcomes) <= {RoundStatus.WITHDRAWN, RoundStatus.AGREED}


@pytest.mark.parametrize("clicks", [2, 4])
def test_round_open_at_once_opens_one_round(clicks):
    lead, workshop, reviewers = _team(carers=1, professionals=1)
    module = _module(workshop, lead)

    results = _run_together(
        *(
            lambda: review_round_open(module=module, reviewers=reviewers, actor=lead)
            for _ in range(clicks)
        )
    )

    opened = [outcome for kind, outcome in results if kind == "ok"]
    refusals = _errors(results)
    assert len(opened) == 1
    assert [type(error) for error in refusals] == [ValidationError] * (clicks - 1)
    assert list(ReviewRound.objects.filter(module=module).values_list("pk", "status")) == [
        (opened[0].pk, RoundStatus.OPEN)
    ]
    assert ModuleVersion.objects.filter(module=module).count() == 1
    assert (
        ContributionEntry.objects.filter(action=Action.REVIEW_OPEN, module_id=module.pk).count()
        == 1
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.user.email for r in reviewers)
    _check_invariants()


def test_round_open_at_once_after_changes_requested_closes_old_round_once():
    lead, workshop, reviewers = _team(carers=1, professionals=1)
    module = _module(workshop, lead)
    first = review_round_open(module=module, reviewers=reviewers, actor=lead)
    review_decide(
        round=first,
        kind=DecisionKind.REQUEST_CHANGES,
        content_hash=first.version.content_hash,
        reason="Shorter, please.",
        actor=reviewers[0],
    )

    results = _run_together(
        *(lambda: review_round_open(module=module, reviewers=reviewers, actor=lead) for _ in "ab")
    )

    opened = [outcome for kind, outcome in results if kind == "ok"]
    assert len(opened) == 1
    assert [type(error) for error in _errors(results)] == [ValidationError]
    first.refresh_from_db()
    assert first.status == RoundStatus.CHANGES_REQUESTED
    rounds = list(ReviewRound.objects.filter(module=module).order_by("number"))
    assert [(r.number, r.status) for r in rounds] == [
        (1, RoundStatus.CHANGES_REQUESTED),
        (2, RoundStatus.OPEN),
    ]
    assert rounds[1] == opened[0]
    assert ModuleVersion.objects.filter(module=module).count() == 2
    assert _entries(Action.REVIEW_CLOSE, first) == 1
    _check_invariants()
