"""A workshop's evaluation: questions written and agreed like a module's, answers paired by the
attendee's own code and kept once per stage, and actions that wait in the next review round."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import MembershipFactory
from tests.helpers import agree_evaluation, agree_module
from workshops.enums import (
    Action,
    PackKind,
    Perspective,
    QuestionType,
    Role,
    SectionKind,
    SourceTag,
)
from workshops.models import ContributionEntry, EvaluationResponse
from workshops.pdf.assemble import pack_contents
from workshops.selectors.content import module_page
from workshops.selectors.evaluation import agreed_evaluation_version
from workshops.selectors.reviews import review_round_page
from workshops.services import content as content_services
from workshops.services import evaluation as evaluation_services
from workshops.services import reviews as review_services
from workshops.services.evaluation import AlreadyAnswered

pytestmark = pytest.mark.django_db

SCALE = {"type": QuestionType.SCALE, "stage": "both", "choices": []}


def _actions(organisation, action):
    return ContributionEntry.objects.filter(organisation=organisation, action=action)


def _questions(version):
    return {s["title"]: str(s["id"]) for s in version.sections}


def test_evaluation_starts_with_the_starter_questions_credited_and_logged(world):
    evaluation = evaluation_services.evaluation_create(workshop=world.workshop, actor=world.lead)

    sections = list(evaluation.sections.order_by("position"))
    assert evaluation.is_evaluation
    assert [s.kind for s in sections] == [SectionKind.QUESTION] * 7
    assert {s.question["stage"] for s in sections} == {"both", "after"}
    assert {s.question["type"] for s in sections} == {"scale", "yes_no", "text"}
    assert all(s.attribution[0][0] == world.lead.pk for s in sections)
    assert _actions(world.organisation, Action.EVALUATION_CREATE).count() == 1
    assert (
        _actions(world.organisation, Action.SECTION_CREATE).filter(module_id=evaluation.pk).count()
        == 7
    )
    # Asking again opens the same evaluation: a workshop has one.
    assert evaluation_services.evaluation_create(workshop=world.workshop, actor=world.lead) == (
        evaluation
    )


def test_only_those_who_edit_content_start_an_evaluation(world, observer):
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_create(workshop=world.workshop, actor=observer)


def test_questions_belong_only_to_an_evaluation(world):
    with pytest.raises(ValueError, match="evaluation"):
        content_services.section_create(
            module=world.module,
            title="Sneaked in",
            kind=SectionKind.EXPLANATION,
            audience="everyone",
            question=SCALE,
            actor=world.lead,
        )
    evaluation = evaluation_services.evaluation_create(workshop=world.workshop, actor=world.lead)
    with pytest.raises(ValueError, match="valid question"):
        content_services.section_create(
            module=evaluation,
            title="No choices",
            kind=SectionKind.QUESTION,
            audience="everyone",
            question={"type": QuestionType.CHOICE, "stage": "after", "choices": ["Only one"]},
            actor=world.lead,
        )


def test_a_question_is_frozen_with_how_it_is_answered_and_other_sections_are_not_changed(world):
    evaluation = evaluation_services.evaluation_create(workshop=world.workshop, actor=world.lead)

    version = agree_module(evaluation, reviewers=[world.lead, world.co_trainer], actor=world.lead)
    module_version = agree_module(
        world.module, reviewers=[world.lead, world.co_trainer], actor=world.lead
    )

    assert all("question" in s for s in version.sections)
    assert all("question" not in s for s in module_version.sections)
    assert agreed_evaluation_version(workshop=world.workshop) == version


def test_two_keys_agree_the_evaluation_like_any_module(world):
    evaluation = evaluation_services.evaluation_create(workshop=world.workshop, actor=world.lead)
    round = review_services.review_round_open(
        module=evaluation, reviewers=[world.lead, world.co_trainer], actor=world.lead
    )
    review_services.review_decide(
        round=round, kind="approve", content_hash=round.version.content_hash, actor=world.lead
    )

    assert agreed_evaluation_version(workshop=world.workshop) is None


def test_the_evaluation_is_never_printed_in_a_pack(world):
    agree_evaluation(world.workshop, reviewers=[world.lead, world.co_trainer])
    agree_module(world.module, reviewers=[world.lead, world.co_trainer], actor=world.lead)

    contents = pack_contents(workshop=world.workshop, kind=PackKind.ATTENDEE)

    assert [item["module_id"] for item in contents["versions"]] == [world.module.pk]
    assert contents["not_agreed"] == []


@pytest.fixture
def answering(make_world):
    world = make_world(complete=True)
    world.version = world.evaluation.agreed_version
    return world


def _answer(world, stage, code, answers=None, **kwargs):
    return evaluation_services.answers_submit(
        delivery=world.delivery,
        version=world.version,
        stage=stage,
        code=code,
        answers=answers or {},
        **kwargs,
    )


def test_answers_pair_by_the_attendees_code_never_by_identity(answering):
    q = _questions(answering.version)
    before = _answer(answering, "before", "Blue Cat 7", {q["Confidence"]: "2"})
    after = _answer(answering, "after", "bluecat7", {q["Confidence"]: "4"})

    assert before.code == after.code == "bluecat7"
    assert before.typed_by is None and after.typed_by is None
    assert before.answers == {q["Confidence"]: 2}


def test_one_answer_per_code_per_stage(answering):
    _answer(answering, "before", "blue7")

    with pytest.raises(AlreadyAnswered):
        _answer(answering, "before", "BLUE 7")

    _answer(answering, "after", "blue7")
    assert EvaluationResponse.objects.filter(delivery=answering.delivery).count() == 2


def test_answers_keep_only_what_the_stages_questions_allow(answering):
    q = _questions(answering.version)
    response = _answer(
        answering,
        "before",
        "red3",
        {
            q["Confidence"]: "9",  # not on the scale
            q["Understanding behaviour"]: "3",
            q["Useful"]: "5",  # asked only after
            q["Respected"]: "yes",  # asked only after
            "999999": "5",  # no such question
        },
    )

    assert response.answers == {q["Understanding behaviour"]: 3}


def test_a_code_needs_a_letter_or_number(answering):
    with pytest.raises(ValidationError):
        _answer(answering, "before", " -- ")


def test_no_answers_while_the_link_is_off_and_turning_it_off_is_logged(answering):
    evaluation_services.answers_open_set(
        delivery=answering.delivery, is_open=False, actor=answering.lead
    )

    with pytest.raises(ValidationError):
        _answer(answering, "before", "green1")
    assert _actions(answering.organisation, Action.EVALUATION_OPEN).count() == 1


def test_answers_only_to_the_workshops_agreed_evaluation(answering, make_world):
    other = make_world(complete=True)
    with pytest.raises(ValidationError):
        evaluation_services.answers_submit(
            delivery=answering.delivery,
            version=other.evaluation.agreed_version,
            stage="before",
            code="x1",
            answers={},
        )


def test_paper_answers_are_typed_in_by_the_team_and_logged(answering, observer):
    response = _answer(answering, "after", "paper1", typed_by=answering.co_trainer)

    assert response.typed_by == answering.co_trainer
    entry = _actions(answering.organisation, Action.EVALUATION_ANSWERS_TYPED).get()
    assert entry.membership_id == answering.co_trainer.pk
    with pytest.raises(PermissionDenied):
        _answer(answering, "after", "paper2", typed_by=observer)


def test_an_action_waits_as_an_open_item_in_the_modules_next_round(answering):
    # The complete world has an open round on its module and an action added by the lead.
    round = answering.review_round

    page = review_round_page(round=round, membership=answering.lead, user=answering.lead.user)

    assert [a.pk for a in page["feedback_actions"]] == [answering.feedback_action.pk]
    assert [a.pk for a in module_page(module=answering.module)["feedback_open"]] == [
        answering.feedback_action.pk
    ]
    assert _actions(answering.organisation, Action.FEEDBACK_ACTION_ADD).count() == 1


def test_an_action_is_anchored_to_this_workshops_modules(answering, make_world):
    other = make_world()
    with pytest.raises(ValidationError):
        evaluation_services.feedback_action_add(
            delivery=answering.delivery, module=other.module, text="x", actor=answering.lead
        )
    with pytest.raises(ValidationError):
        evaluation_services.feedback_action_add(
            delivery=answering.delivery,
            module=answering.module,
            section=other.section,
            text="x",
            actor=answering.lead,
        )


def test_done_action_tags_the_changed_section_and_links_back(answering):
    section = answering.section
    version_before = section.version

    action = evaluation_services.feedback_action_done(
        action=answering.feedback_action, changed_section=section, actor=answering.co_trainer
    )

    section.refresh_from_db()
    assert action.is_done and action.section == section
    assert SourceTag.ATTENDEE_FEEDBACK in section.source_tags
    assert section.version == version_before + 1
    page = module_page(module=answering.module)
    assert page["feedback_open"] == []
    changed = next(s for s in page["sections"] if s.pk == section.pk)
    assert changed.feedback_done == [action]
    assert _actions(answering.organisation, Action.FEEDBACK_ACTION_DONE).count() == 1


def test_staff_add_actions_but_only_those_who_edit_tag_a_section(answering):
    staff = MembershipFactory(
        organisation=answering.organisation, role=Role.STAFF, perspective=Perspective.PROFESSIONAL
    )
    action = evaluation_services.feedback_action_add(
        delivery=answering.delivery, module=answering.module, text="Slower pace", actor=staff
    )

    with pytest.raises(PermissionDenied):
        evaluation_services.feedback_action_done(
            action=action, changed_section=answering.section, actor=staff
        )
    assert evaluation_services.feedback_action_done(action=action, actor=staff).is_done


def test_nobody_from_another_organisation_adds_an_action(answering, make_world):
    other = make_world()
    with pytest.raises(PermissionDenied):
        evaluation_services.feedback_action_add(
            delivery=answering.delivery, module=answering.module, text="x", actor=other.lead
        )
