"""Evaluation results: medians, counts and before-to-after change from a table worked by hand,
and the small-number rule (nothing under five answers, no change under five pairs)."""

from dataclasses import dataclass, field

import pytest

from workshops.evaluation_results import (
    MIN_ANSWERS,
    QuestionResult,
    StageResult,
    question_results,
    response_counts,
    results_csv_rows,
)


@dataclass
class Response:
    stage: str
    code: str
    answers: dict = field(default_factory=dict)


def _question(id_, kind="scale", stage="both", choices=None, title=None):
    return {
        "id": id_,
        "title": title or f"Question {id_}",
        "body": "",
        "question": {"type": kind, "stage": stage, "choices": choices or []},
    }


CONFIDENCE = _question(1)

# Worked by hand. Before: A..F; after: A..E and G, so A..E (five codes) pair.
#   before scores 2 3 3 4 1 5 -> sorted 1 2 3 3 4 5 -> median 3
#   after  scores 4 3 5 3 2 4 -> sorted 2 3 3 4 4 5 -> median 3.5
#   changes A +2, B 0, C +2, D -1, E +1 -> sorted -1 0 1 2 2 -> median 1
#   improved 3 (A, C, E), same 1 (B), worse 1 (D)
BEFORE = {"A": 2, "B": 3, "C": 3, "D": 4, "E": 1, "F": 5}
AFTER = {"A": 4, "B": 3, "C": 5, "D": 3, "E": 2, "G": 4}


def _responses(before, after, question_id=1):
    key = str(question_id)
    return [Response("before", code, {key: value}) for code, value in before.items()] + [
        Response("after", code, {key: value}) for code, value in after.items()
    ]


def _only(questions, responses):
    [result] = question_results(questions, responses)
    return result


def test_evaluation_results_scale_medians_counts_and_change_match_the_hand_worked_table():
    result = _only([CONFIDENCE], _responses(BEFORE, AFTER))

    before, after = result.stages
    assert before == StageResult(
        stage="before",
        answered=6,
        suppressed=False,
        median=3,
        counts=[("1", 1), ("2", 1), ("3", 2), ("4", 1), ("5", 1)],
        texts=[],
    )
    assert type(before.median) is int
    assert after.stage == "after"
    assert after.answered == 6
    assert after.median == 3.5
    assert after.counts == [("1", 0), ("2", 1), ("3", 2), ("4", 2), ("5", 1)]
    assert result.pairs == 5
    assert result.median_change == 1
    assert type(result.median_change) is int
    assert (result.improved, result.same, result.worse) == (3, 1, 1)
    assert result.question is CONFIDENCE


def test_evaluation_results_a_stage_with_four_answers_shows_nothing_but_that_there_were_too_few():
    assert MIN_ANSWERS == 5
    four = {"A": 1, "B": 2, "C": 3, "D": 4}
    result = _only([CONFIDENCE], _responses(four, AFTER))

    before, after = result.stages
    assert before == StageResult(stage="before", answered=4, suppressed=True)
    assert before.median is None
    assert before.counts == []
    assert not after.suppressed
    # Four codes pair, so there is no change to show either.
    assert result.pairs == 4
    assert result.median_change is None
    assert (result.improved, result.same, result.worse) == (None, None, None)


def test_evaluation_results_a_stage_with_five_answers_is_shown():
    five = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 4}
    result = _only([CONFIDENCE], _responses(five, five))

    before, _after = result.stages
    assert not before.suppressed
    assert before.median == 3
    assert before.counts == [("1", 1), ("2", 1), ("3", 1), ("4", 2), ("5", 0)]
    assert result.pairs == 5
    assert result.median_change == 0
    assert (result.improved, result.same, result.worse) == (0, 5, 0)


def test_evaluation_results_fewer_than_five_pairs_shows_stages_but_no_change():
    after = {"A": 4, "B": 3, "X": 5, "Y": 3, "Z": 2, "G": 4}
    result = _only([CONFIDENCE], _responses(BEFORE, after))

    assert [stage.suppressed for stage in result.stages] == [False, False]
    assert result.pairs == 2
    assert result.median_change is None
    assert result.improved is None


def test_evaluation_results_pair_codes_exactly_as_kept():
    # Codes are folded when answers are kept (services/evaluation.answers_submit), so results
    # compare them as they are.
    after = {"A": 4, "b": 3, "C": 5, "d": 3, "E": 2}
    result = _only([CONFIDENCE], _responses(BEFORE, after))

    assert result.pairs == 3


def test_evaluation_results_a_repeated_code_pairs_once_and_a_blank_code_never():
    before = [Response("before", code, {"1": 3}) for code in ("A", "A", "B", "C", "D", "")]
    after = [Response("after", code, {"1": 4}) for code in ("A", "B", "C", "D", "", "")]
    result = _only([CONFIDENCE], before + after)

    assert [stage.answered for stage in result.stages] == [6, 6]
    assert result.pairs == 4


def test_evaluation_results_yes_no_and_choice_are_counted_in_order():
    questions = [
        _question(2, kind="yes_no", stage="after"),
        _question(3, kind="choice", stage="before", choices=["Never", "Sometimes", "Often"]),
    ]
    yes_no = ["yes", "no", "yes", "yes", "no", "yes"]
    choice = ["Often", "Never", "Often", "Sometimes", "Often"]
    responses = [Response("after", f"a{n}", {"2": value}) for n, value in enumerate(yes_no)]
    responses += [Response("before", f"b{n}", {"3": value}) for n, value in enumerate(choice)]

    helpful, often = question_results(questions, responses)

    [after] = helpful.stages
    assert after.stage == "after"
    assert after.answered == 6
    assert after.counts == [("Yes", 4), ("No", 2)]
    assert after.median is None
    assert helpful.pairs == 0
    assert helpful.median_change is None
    [before] = often.stages
    assert before.stage == "before"
    assert before.counts == [("Never", 1), ("Sometimes", 1), ("Often", 3)]


def test_evaluation_results_text_answers_are_listed_in_order_without_blanks():
    question = _question(4, kind="text", stage="after")
    texts = ["Clear", "  ", "Too long", "", "Useful handouts", "More breaks", "Good"]
    responses = [Response("after", f"c{n}", {"4": text}) for n, text in enumerate(texts)]

    [after] = _only([question], responses).stages

    assert after.answered == 5
    assert after.texts == ["Clear", "Too long", "Useful handouts", "More breaks", "Good"]
    assert after.counts == []


def test_evaluation_results_text_answers_are_held_back_under_five():
    question = _question(4, kind="text", stage="after")
    texts = ["Clear", "Too long", "Useful handouts", "More breaks", " "]
    responses = [Response("after", f"c{n}", {"4": text}) for n, text in enumerate(texts)]

    [after] = _only([question], responses).stages

    assert after == StageResult(stage="after", answered=4, suppressed=True)
    assert after.texts == []


@pytest.mark.parametrize(
    ("question", "wrong"),
    [
        (_question(1), [7, 0, -1, "3", 3.0, True, None, [3], {"a": 1}]),
        (_question(2, kind="yes_no"), ["Yes", "maybe", 1, True, None, ["yes"]]),
        (_question(3, kind="choice", choices=["Often"]), ["often", "Rarely", 1, ["Often"], {}]),
        (_question(4, kind="text"), [3, None, ["words"], {"a": "b"}]),
    ],
)
def test_evaluation_results_answers_of_the_wrong_kind_are_ignored(question, wrong):
    key = str(question["id"])
    responses = [Response("before", f"w{n}", {key: value}) for n, value in enumerate(wrong)]
    responses += [Response("before", "skipped", {}), Response("before", "none", None)]

    result = _only([question], responses)

    assert result.stages[0].answered == 0
    assert result.stages[0].suppressed


def test_evaluation_results_a_question_asked_only_after_has_one_stage_and_ignores_before():
    question = _question(5, stage="after")
    responses = _responses(BEFORE, AFTER, question_id=5)

    result = _only([question], responses)

    assert [stage.stage for stage in result.stages] == ["after"]
    assert result.stages[0].answered == 6
    assert result.pairs == 0
    assert result.median_change is None


def test_evaluation_results_come_back_in_the_questions_order_and_skip_unknown_stages():
    questions = [_question(9, stage="before"), CONFIDENCE]
    responses = _responses(BEFORE, AFTER) + [Response("during", "A", {"1": 5})]

    results = question_results(questions, responses)

    assert [result.question["id"] for result in results] == [9, 1]
    assert all(isinstance(result, QuestionResult) for result in results)
    assert results[0].stages[0].answered == 0
    assert [stage.answered for stage in results[1].stages] == [6, 6]


def test_evaluation_results_responses_are_read_once_so_a_generator_will_do():
    result = _only([CONFIDENCE], (response for response in _responses(BEFORE, AFTER)))

    assert result.pairs == 5


def test_evaluation_results_response_counts_count_each_stage_and_the_codes_at_both():
    responses = _responses(BEFORE, AFTER) + [Response("after", "a", {}), Response("later", "B")]

    assert response_counts(responses) == {"before": 6, "after": 7, "paired": 5}


def test_evaluation_results_csv_rows_show_shown_stages_and_blank_held_back_ones():
    four = {"A": 1, "B": 2, "C": 3, "D": 4}
    questions = [CONFIDENCE, _question(2, kind="yes_no", stage="after", title="=Helpful?")]
    responses = _responses(four, AFTER) + [
        Response("after", f"y{n}", {"2": "yes"}) for n in range(5)
    ]

    header, before, after, helpful = results_csv_rows(question_results(questions, responses))

    assert header == [
        "Question",
        "Stage",
        "Answered",
        "Median",
        "Scored 1",
        "Scored 2",
        "Scored 3",
        "Scored 4",
        "Scored 5",
        "Pairs",
        "Median change",
    ]
    assert before == ["Question 1", "Before the workshop", 4, "", "", "", "", "", "", "", ""]
    # Four pairs: the number of pairs is given, the change is not.
    assert after == ["Question 1", "After the workshop", 6, 3.5, 0, 1, 2, 2, 1, 4, ""]
    assert helpful == ["'=Helpful?", "After the workshop", 5, "", "", "", "", "", "", "", ""]


def test_evaluation_results_csv_rows_give_the_change_on_the_after_row():
    rows = results_csv_rows(question_results([CONFIDENCE], _responses(BEFORE, AFTER)))

    assert rows[1] == ["Question 1", "Before the workshop", 6, 3, 1, 1, 2, 1, 1, "", ""]
    assert rows[2] == ["Question 1", "After the workshop", 6, 3.5, 0, 1, 2, 2, 1, 5, 1]


def test_evaluation_results_stages_carry_a_label_for_readers():
    result = _only([CONFIDENCE], _responses(BEFORE, AFTER))

    labels = [stage.stage_label for stage in result.stages]
    assert labels == ["Before the workshop", "After the workshop"]
