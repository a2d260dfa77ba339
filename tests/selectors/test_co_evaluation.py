"""Co-evaluation as the organisation's page shows it: counted from its own records only."""

import pytest

from tests.helpers import agree_module, edit_section
from workshops.selectors.deliveries import co_production_record
from workshops.selectors.evaluation import co_evaluation_record
from workshops.services import evaluation as evaluation_services

pytestmark = pytest.mark.django_db


def test_nothing_recorded_counts_nothing(world):
    assert co_evaluation_record(organisation=world.organisation) == {
        "evaluations_agreed": 0,
        "evaluations_co_written": 0,
        "deliveries_answered": 0,
        "deliveries_reviewed_together": 0,
    }


def test_an_evaluation_counts_as_written_by_both_only_when_both_wrote_the_threshold(make_world):
    world = make_world(complete=True)  # its evaluation's starter words are all the lead's
    record = co_evaluation_record(organisation=world.organisation)
    assert (record["evaluations_agreed"], record["evaluations_co_written"]) == (1, 0)

    question = world.evaluation.sections.get(title="What to change")
    edit_section(
        question,
        "What would make the workshop better for families like yours? Anything at all, big or "
        "small, that we should change, add or leave out next time, in your own words, please. "
        "You can also tell us what helped you most and what we should keep just as it is.",
        actor=world.co_trainer,
    )
    agree_module(world.evaluation, reviewers=[world.lead, world.co_trainer], actor=world.lead)

    record = co_evaluation_record(organisation=world.organisation)
    assert (record["evaluations_agreed"], record["evaluations_co_written"]) == (1, 1)


def test_results_count_as_reviewed_together_when_both_perspectives_acted_on_them(make_world):
    world = make_world(complete=True)  # one action, written by the lead (a professional)
    evaluation_services.answers_submit(
        delivery=world.delivery,
        version=world.evaluation.agreed_version,
        stage="after",
        code="a1",
        answers={},
    )
    record = co_evaluation_record(organisation=world.organisation)
    assert (record["deliveries_answered"], record["deliveries_reviewed_together"]) == (1, 0)

    evaluation_services.feedback_action_add(
        delivery=world.delivery, module=world.module, text="Slower", actor=world.co_trainer
    )

    record = co_evaluation_record(organisation=world.organisation)
    assert (record["deliveries_answered"], record["deliveries_reviewed_together"]) == (1, 1)


def test_the_organisations_record_reads_its_members_once(make_world, django_assert_num_queries):
    world = make_world(complete=True)
    evaluation_services.answers_submit(
        delivery=world.delivery,
        version=world.evaluation.agreed_version,
        stage="before",
        code="q1",
        answers={},
    )
    # Sections, members, sessions held and their teams; evaluations, deliveries answered and
    # their actions (none agreed at a meeting here, so no meetings are read).
    with django_assert_num_queries(7):
        co_production_record(organisation=world.organisation)
