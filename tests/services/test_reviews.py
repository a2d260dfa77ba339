"""The review services: frozen versions, decisions bound to the content hash, withdrawals,
comments and their log entries; and review actions racing each other.

The races run on PostgreSQL, in real threads with their own connections (so those tests commit:
``transaction=True``). Each race starts its threads together at a barrier; every thread closes
its connection at the end. After each race the invariants of sign-off are checked: an agreed
version is agreed once, only by approvals naming its hash, and a withdrawn round never has an
agreed version.
"""

import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    SectionFactory,
    WorkshopFactory,
)
from tests.helpers import (
    FIRST_BODY,
    SECOND_BODY,
    approve,
    edit_section,
    request_changes,
    review_actions,
    round_reloaded,
)
from workshops.enums import Action, DecisionKind, Perspective, Role, RoundStatus
from workshops.models import (
    Comment,
    ContributionEntry,
    Decision,
    Module,
    ModuleVersion,
    ReviewRound,
)
from workshops.models.reviews import content_hash_of
from workshops.services.content import section_delete
from workshops.services.reviews import (
    comment_add,
    comment_set_resolved,
    module_snapshot,
    review_decide,
    review_round_open,
    review_round_withdraw,
)


def _module_reloaded(module):
    """The module as stored now, deleted or not."""
    return Module.all_objects.get(pk=module.pk)


# Opening a round freezes the text


def test_round_open_snapshot_unchanged_when_draft_edited_afterwards(
    world, review_round, carer, review_section
):
    frozen_snapshot = review_round.version.snapshot
    frozen_hash = review_round.version.content_hash

    edit_section(review_section, SECOND_BODY, actor=carer)

    version = ModuleVersion.objects.get(pk=review_round.version_id)
    review_section.refresh_from_db()
    assert review_section.body == SECOND_BODY
    assert [s["body"] for s in version.snapshot["sections"]] == [FIRST_BODY]
    assert version.snapshot == frozen_snapshot
    assert version.content_hash == frozen_hash


def test_round_open_content_hash_is_hash_of_snapshot(review_round):
    version = ModuleVersion.objects.get(pk=review_round.version_id)

    assert version.content_hash == content_hash_of(version.snapshot)
    assert len(version.content_hash) == 64


def test_round_open_snapshot_leaves_out_deleted_sections(
    world, carer, professional, review_module, review_section
):
    deleted = SectionFactory(module=review_module, actor=world.lead, title="Not any more")
    later = SectionFactory(module=review_module, actor=carer, title="Kept")
    section_delete(section=deleted, actor=world.lead)

    round = review_round_open(
        module=review_module, reviewers=[carer, professional], actor=world.lead
    )

    sections = ModuleVersion.objects.get(pk=round.version_id).snapshot["sections"]
    assert [s["id"] for s in sections] == [review_section.pk, later.pk]


def test_round_open_by_observer_refused(world, observer, carer, review_module):
    with pytest.raises(PermissionDenied):
        review_round_open(module=review_module, reviewers=[carer], actor=observer)

    assert ReviewRound.objects.filter(module=review_module).count() == 0


# Decisions bound to the hash


def test_decide_with_stale_hash_refused_and_nothing_written(
    world, review_round, carer, review_module, review_section
):
    # The hash of the draft as edited after the round opened: text nobody is reviewing.
    edit_section(review_section, SECOND_BODY, actor=carer)
    stale_hash = content_hash_of(module_snapshot(review_module))
    entries_before = ContributionEntry.objects.count()

    with pytest.raises(ValidationError) as refused:
        approve(review_round, carer, content_hash=stale_hash)

    assert refused.value.messages == [
        "The text you read is not the text under review. Reload the page and read it again."
    ]
    assert Decision.objects.filter(round=review_round).count() == 0
    assert ContributionEntry.objects.count() == entries_before


def test_decide_by_observer_refused(review_round, observer):
    with pytest.raises(PermissionDenied):
        approve(review_round, observer)

    assert Decision.objects.filter(round=review_round).count() == 0


def test_decide_by_co_trainer_not_reviewer_refused(world, review_round):
    outsider_trainer = MembershipFactory(
        organisation=world.organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.PROFESSIONAL,
    )

    with pytest.raises(ValidationError) as refused:
        approve(review_round, outsider_trainer)

    assert refused.value.messages == ["Only the reviewers of this round can sign it off."]
    assert Decision.objects.filter(round=review_round).count() == 0


def test_request_changes_without_reason_refused_by_service(review_round, carer):
    with pytest.raises(ValidationError) as refused:
        request_changes(review_round, carer, reason="  ")

    assert refused.value.message_dict == {"reason": ["Please say what should change."]}


def test_decide_twice_while_open_keeps_one_decision_with_latest_kind(review_round, carer):
    approve(review_round, carer)
    request_changes(review_round, carer, reason="The story needs the parent's consent note.")

    decisions = list(Decision.objects.filter(round=review_round))
    assert len(decisions) == 1
    assert decisions[0].kind == DecisionKind.REQUEST_CHANGES
    assert decisions[0].reason == "The story needs the parent's consent note."

    approve(review_round, carer)

    decision = Decision.objects.get(round=review_round)
    assert (decision.kind, decision.reason) == (DecisionKind.APPROVE, "")
    assert Decision.objects.filter(round=review_round).count() == 1


def test_decide_both_perspectives_agree_version(
    world, review_round, carer, professional, review_module
):
    approve(review_round, carer)
    assert round_reloaded(review_round).status == RoundStatus.OPEN

    approve(review_round, professional)

    round = round_reloaded(review_round)
    assert round.status == RoundStatus.AGREED
    assert round.closed_at is not None
    assert round.version.agreed_at is not None
    assert _module_reloaded(review_module).agreed_version == round.version


def test_decide_after_agreement_refused(review_round, carer, professional):
    approve(review_round, carer)
    approve(review_round, professional)

    with pytest.raises(ValidationError) as refused:
        request_changes(review_round, carer)

    assert refused.value.messages == ["This review round has ended."]
    decision = Decision.objects.get(round=review_round, membership=carer)
    assert decision.kind == DecisionKind.APPROVE
    assert round_reloaded(review_round).status == RoundStatus.AGREED


def test_withdraw_ends_round_without_sign_off(
    world, review_round, carer, professional, review_module
):
    approve(review_round, carer)

    review_round_withdraw(round=review_round, actor=world.lead)

    with pytest.raises(ValidationError):
        approve(review_round, professional)
    round = round_reloaded(review_round)
    assert round.status == RoundStatus.WITHDRAWN
    assert round.closed_at is not None
    assert round.version.agreed_at is None
    assert _module_reloaded(review_module).agreed_version is None
    assert Decision.objects.filter(round=review_round).count() == 1


def test_withdraw_twice_refused(world, review_round):
    review_round_withdraw(round=review_round, actor=world.lead)

    with pytest.raises(ValidationError):
        review_round_withdraw(round=review_round, actor=world.lead)

    withdrawals = ContributionEntry.objects.filter(
        action=Action.REVIEW_WITHDRAW, target_id=review_round.pk
    ).count()
    assert withdrawals == 1


# Opening a second round


def test_round_open_while_round_open_without_changes_requested_refused(
    world, review_round, carer, professional, review_module
):
    approve(review_round, carer)

    with pytest.raises(ValidationError) as refused:
        review_round_open(module=review_module, reviewers=[carer, professional], actor=world.lead)

    assert refused.value.messages == [
        "Round 1 is still open. Withdraw it before opening a new one."
    ]
    assert ReviewRound.objects.filter(module=review_module).count() == 1
    assert ModuleVersion.objects.filter(module=review_module).count() == 1
    assert round_reloaded(review_round).status == RoundStatus.OPEN


def test_round_open_with_changes_requested_closes_previous_round(
    world, review_round, carer, professional, review_module, review_section
):
    request_changes(review_round, professional)
    edit_section(review_section, SECOND_BODY, actor=carer)

    second = review_round_open(
        module=review_module, reviewers=[carer, professional], actor=world.lead
    )

    first = round_reloaded(review_round)
    assert first.status == RoundStatus.CHANGES_REQUESTED
    assert first.closed_at is not None
    assert (second.status, second.number, second.version.number) == (RoundStatus.OPEN, 2, 2)
    assert list(ReviewRound.objects.filter(module=review_module, status=RoundStatus.OPEN)) == [
        second
    ]
    assert (
        ContributionEntry.objects.filter(
            action=Action.REVIEW_CLOSE, target_id=review_round.pk
        ).count()
        == 1
    )


def test_open_round_constraint_refuses_second_open_round(world, review_round, review_module):
    version = ModuleVersion.objects.create(
        module=review_module,
        number=2,
        snapshot=review_round.version.snapshot,
        content_hash=review_round.version.content_hash,
        frozen_by=world.lead,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewRound.objects.create(
            module=review_module, number=2, version=version, opened_by=world.lead
        )

    assert ReviewRound.objects.filter(module=review_module, status=RoundStatus.OPEN).count() == 1


# Comments


def test_comment_on_section_added_after_round_opened_refused(
    world, review_round, observer, review_module
):
    later = SectionFactory(module=review_module, actor=world.lead)

    with pytest.raises(ValidationError) as refused:
        comment_add(round=review_round, body="Hello", section_id=later.pk, actor=observer)

    assert refused.value.message_dict == {"section_id": ["That section is not part of this round."]}
    assert Comment.objects.filter(module=review_module).count() == 0


def test_comment_with_blank_body_refused(review_round, observer, review_module):
    with pytest.raises(ValidationError):
        comment_add(round=review_round, body="   ", actor=observer)

    assert Comment.objects.filter(module=review_module).count() == 0


def test_comment_resolve_twice_logs_once(world, review_round, observer, carer):
    comment = comment_add(round=review_round, body="Typo here.", actor=observer)

    comment_set_resolved(comment=comment, resolved=True, actor=carer)
    comment_set_resolved(comment=comment, resolved=True, actor=carer)

    resolved = ContributionEntry.objects.filter(
        action=Action.REVIEW_RESOLVE, target_id=comment.pk
    ).count()
    assert resolved == 1


# The contribution log


def test_review_actions_each_write_contribution_entry(
    world, review_round, observer, carer, professional, review_module
):
    lead = world.lead
    comment = comment_add(round=review_round, body="A thought.", actor=observer)
    comment_set_resolved(comment=comment, resolved=True, actor=carer)
    comment_set_resolved(comment=comment, resolved=False, actor=carer)
    changes = request_changes(review_round, professional)
    second = review_round_open(module=review_module, reviewers=[carer, professional], actor=lead)
    review_round_withdraw(round=second, actor=lead)
    third = review_round_open(module=review_module, reviewers=[carer, professional], actor=lead)
    carer_approval = approve(third, carer)
    professional_approval = approve(third, professional)

    assert review_actions(review_module) == [
        (Action.REVIEW_OPEN, "reviewround", review_round.pk, lead.pk),
        (Action.REVIEW_COMMENT, "comment", comment.pk, observer.pk),
        (Action.REVIEW_RESOLVE, "comment", comment.pk, carer.pk),
        (Action.REVIEW_REOPEN, "comment", comment.pk, carer.pk),
        (Action.REVIEW_REQUEST_CHANGES, "decision", changes.pk, professional.pk),
        (Action.REVIEW_CLOSE, "reviewround", review_round.pk, lead.pk),
        (Action.REVIEW_OPEN, "reviewround", second.pk, lead.pk),
        (Action.REVIEW_WITHDRAW, "reviewround", second.pk, lead.pk),
        (Action.REVIEW_OPEN, "reviewround", third.pk, lead.pk),
        (Action.REVIEW_APPROVE, "decision", carer_approval.pk, carer.pk),
        (Action.REVIEW_APPROVE, "decision", professional_approval.pk, professional.pk),
        (Action.REVIEW_AGREED, "reviewround", third.pk, professional.pk),
    ]


def test_review_log_entries_name_workshop_and_module(world, review_round, review_module):
    entry = ContributionEntry.objects.get(action=Action.REVIEW_OPEN, target_id=review_round.pk)

    assert (entry.workshop_id, entry.module_id) == (world.workshop.pk, review_module.pk)


# Another organisation


def test_decide_by_other_organisations_member_refused(other_world, review_round):
    with pytest.raises(PermissionDenied):
        approve(review_round, other_world.lead)

    assert Decision.objects.count() == 0


def test_round_open_with_reviewer_from_other_organisation_refused(
    world, other_world, review_module
):
    with pytest.raises(ValidationError) as refused:
        review_round_open(
            module=review_module, reviewers=[other_world.co_trainer], actor=world.lead
        )

    assert refused.value.message_dict == {
        "reviewers": ["Reviewers must be members of the organisation."]
    }
    assert ReviewRound.objects.filter(module=review_module).count() == 0


# Opening a round its reviewers could never agree


def _refused_open(module, reviewers, actor):
    """The reviewers' error of a refused opening, after checking that nothing was made."""
    entries_before = ContributionEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        review_round_open(module=module, reviewers=reviewers, actor=actor)
    assert ReviewRound.objects.filter(module=module).count() == 0
    assert ModuleVersion.objects.filter(module=module).count() == 0
    assert ContributionEntry.objects.count() == entries_before
    return refused.value.message_dict


def test_round_open_without_family_carer_who_can_sign_off_refused(
    world, professional, observer, review_module, review_section, django_capture_on_commit_callbacks
):
    # The observer is a family carer, but observers comment: they cannot sign off.
    with django_capture_on_commit_callbacks(execute=True):
        errors = _refused_open(review_module, [professional, observer], world.lead)

    assert errors == {"reviewers": ["Add at least one family carer who can sign off."]}
    assert mail.outbox == []


def test_round_open_with_external_supporter_as_only_professional_refused(
    world, carer, external_supporter, review_module, review_section
):
    errors = _refused_open(review_module, [carer, external_supporter], world.lead)

    assert errors == {"reviewers": ["Add at least one professional who can sign off."]}


def test_round_open_with_reviewers_of_one_perspective_names_both_missing(
    world, observer, external_supporter, review_module, review_section
):
    errors = _refused_open(review_module, [observer, external_supporter], world.lead)

    assert errors == {
        "reviewers": [
            "Add at least one family carer who can sign off.",
            "Add at least one professional who can sign off.",
        ]
    }


@pytest.mark.parametrize(
    ("extra_professionals", "message"),
    [
        (0, "Add at least 2 professionals who can sign off."),
        (1, "Add at least one more professional who can sign off."),
    ],
)
def test_round_open_under_organisation_rule_of_two_professionals_says_how_many_to_add(
    world, carer, review_module, review_section, extra_professionals, message
):
    world.organisation.professional_approvals_needed = 2
    world.organisation.save(update_fields=["professional_approvals_needed"])
    professionals = [
        MembershipFactory(
            organisation=world.organisation,
            role=Role.CO_TRAINER,
            perspective=Perspective.PROFESSIONAL,
        )
        for _ in range(extra_professionals)
    ]

    errors = _refused_open(review_module, [carer, *professionals], world.lead)

    assert errors == {"reviewers": [message]}


def test_round_open_under_organisation_rule_of_two_carers_opens_with_two(
    world, carer, professional, review_module, review_section
):
    world.organisation.family_carer_approvals_needed = 2
    world.organisation.save(update_fields=["family_carer_approvals_needed"])
    second_carer = MembershipFactory(
        organisation=world.organisation, role=Role.LEAD, perspective=Perspective.FAMILY_CARER
    )

    round = review_round_open(
        module=review_module, reviewers=[carer, second_carer, professional], actor=world.lead
    )

    assert round.status == RoundStatus.OPEN
    assert review_actions(review_module) == [
        (Action.REVIEW_OPEN, "reviewround", round.pk, world.lead.pk)
    ]


def test_round_open_with_inactive_account_as_only_family_carer_refused(
    world, carer, professional, review_module, review_section
):
    carer.user.is_active = False
    carer.user.save(update_fields=["is_active"])

    errors = _refused_open(review_module, [carer, professional], world.lead)

    assert errors == {"reviewers": ["Add at least one family carer who can sign off."]}


# Racing, on PostgreSQL


def _racing(test):
    """A race: committed data, real threads, PostgreSQL (the log emptied after, see conftest)."""
    marks = (
        pytest.mark.postgres,
        pytest.mark.django_db(transaction=True),
        pytest.mark.usefixtures("flushable_log"),
    )
    for mark in marks:
        test = mark(test)
    return test


# Each race is run several times: the order the database serialises the threads in varies.
REPEATS = 4


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


def _racing_team(*, carers=2, professionals=2):
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


def _racing_module(workshop, lead):
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


@_racing
@pytest.mark.parametrize("carers,professionals", [(1, 1), (2, 2)])
def test_approvals_at_once_agree_round_exactly_once(carers, professionals):
    lead, workshop, reviewers = _racing_team(carers=carers, professionals=professionals)

    for _ in range(REPEATS):
        module = _racing_module(workshop, lead)
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


@_racing
def test_withdrawal_racing_approvals_either_withdraws_or_agrees():
    lead, workshop, reviewers = _racing_team(carers=1, professionals=1)
    outcomes = []

    for _ in range(REPEATS * 2):
        module = _racing_module(workshop, lead)
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


@_racing
@pytest.mark.parametrize("clicks", [2, 4])
def test_round_open_at_once_opens_one_round(clicks):
    lead, workshop, reviewers = _racing_team(carers=1, professionals=1)
    module = _racing_module(workshop, lead)

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


@_racing
def test_round_open_at_once_after_changes_requested_closes_old_round_once():
    lead, workshop, reviewers = _racing_team(carers=1, professionals=1)
    module = _racing_module(workshop, lead)
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
