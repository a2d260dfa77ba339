"""Workshop evaluation results: what attendees answered before and after, summed up safely.

Attendees answer the same questions before and after a workshop under a code they make up, so a
"before" and an "after" response belong together only because their codes match; nobody's
identity is involved. Carers and professionals read the results together, so small numbers are
held back: a stage with fewer than ``MIN_ANSWERS`` answers shows only that there were too few,
and a change from before to after needs at least ``MIN_ANSWERS`` pairs. Otherwise one or two
people's answers could be picked out of a table by someone who was in the room.

Everything here is plain Python over already-loaded data, so it can be tested without a database
and reused by the page, the CSV download and the charts alike.
"""

import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from workshops.csv_export import csv_safe
from workshops.enums import QuestionStage
from workshops.evaluation import ANSWER_STAGES, NO, SCALE, YES, asked_at, stage_label

MIN_ANSWERS = 5
"""No breakdown under this many answers at a stage, and no change under this many pairs."""

STAGES = ANSWER_STAGES


@dataclass
class StageResult:
    """One question's answers at one stage. When ``suppressed`` only ``answered`` is filled in,
    so nothing but "too few answers" can be shown."""

    stage: str
    answered: int
    suppressed: bool
    median: float | int | None = None
    counts: list[tuple[str, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def stage_label(self) -> str:
        """The stage as readers see it: "Before the workshop" or "After the workshop"."""
        return stage_label(self.stage)


@dataclass
class QuestionResult:
    """One question's results: a ``StageResult`` per stage it is asked at and, for a scale asked
    at both stages, how the answers of people whose codes pair moved from before to after.

    "Improved" means a higher score after than before. The change figures are ``None`` when
    there are fewer than ``MIN_ANSWERS`` pairs (or the question has no pairs to speak of)."""

    question: dict
    stages: list[StageResult]
    pairs: int = 0
    median_change: float | int | None = None
    improved: int | None = None
    same: int | None = None
    worse: int | None = None


def _median(values: Iterable[int]) -> float | int:
    """The median, as a whole number when it is one (3 rather than 3.0; 3.5 stays 3.5)."""
    middle = statistics.median(values)
    return int(middle) if float(middle).is_integer() else middle


def _cleaner(question: dict) -> Callable[[list], list]:
    """A function that takes a stage's answers to this question and gives back each one fit to
    count, or ``None`` in its place when it is missing or of the wrong kind (answers are stored
    as JSON and may be anything). It takes a whole list at once, so checking a stage's answers
    costs one comprehension rather than a function call per answer."""
    kind = question["question"].get("type")
    if kind == "scale":
        # bool is an int in Python; True is not a score.
        return lambda raw: [v if type(v) is int and v in SCALE else None for v in raw]
    if kind == "yes_no":
        return lambda raw: [v if isinstance(v, str) and v in (YES, NO) else None for v in raw]
    if kind == "choice":
        allowed = frozenset(question["question"].get("choices") or ())
        return lambda raw: [v if isinstance(v, str) and v in allowed else None for v in raw]
    if kind == "text":
        return lambda raw: [(v.strip() or None) if isinstance(v, str) else None for v in raw]
    return lambda raw: [None] * len(raw)


def _stage_result(question: dict, stage: str, values: list) -> StageResult:
    answered = len(values)
    if answered < MIN_ANSWERS:
        return StageResult(stage=stage, answered=answered, suppressed=True)
    result = StageResult(stage=stage, answered=answered, suppressed=False)
    kind = question["question"].get("type")
    if kind == "text":
        result.texts = values
        return result
    tally = Counter(values)
    if kind == "scale":
        result.median = _median(values)
        result.counts = [(str(value), tally[value]) for value in SCALE]
    elif kind == "yes_no":
        result.counts = [(_("Yes"), tally["yes"]), (_("No"), tally["no"])]
    elif kind == "choice":
        choices = dict.fromkeys(question["question"].get("choices") or ())
        result.counts = [(choice, tally[choice]) for choice in choices]
    return result


def _add_change(result: QuestionResult, before: dict[str, int], after: dict[str, int]) -> None:
    changes = [after[code] - before[code] for code in before.keys() & after.keys()]
    result.pairs = len(changes)
    if result.pairs < MIN_ANSWERS:
        return
    result.median_change = _median(changes)
    result.improved = sum(1 for change in changes if change > 0)
    result.same = sum(1 for change in changes if change == 0)
    result.worse = sum(1 for change in changes if change < 0)


def _read(responses: Iterable[Any]) -> dict[str, tuple[list[str], list[dict]]]:
    """The responses' codes and answers, by stage, in the order given; unknown stages left out."""
    rows = {stage: ([], []) for stage in STAGES}
    for response in responses:
        row = rows.get(response.stage)
        if row is None:
            continue
        answers = response.answers
        row[0].append(response.code)  # kept folded (evaluation.fold_code)
        row[1].append(answers if isinstance(answers, dict) else {})
    return rows


def _by_code(codes: list[str], answers: list) -> dict:
    """Each code's answer. A dict keeps a code's last answer, so a repeated code pairs once."""
    return {code: v for code, v in zip(codes, answers, strict=True) if code and v is not None}


def _question_result(
    question: dict, rows: dict[str, tuple[list[str], list[dict]]]
) -> QuestionResult:
    setting = question["question"].get("stage")
    stages = tuple(
        stage
        for stage in STAGES
        if setting in QuestionStage.values and asked_at(question["question"], stage)
    )
    key = str(question["id"])
    clean = _cleaner(question)
    # Each stage's answers, lined up with that stage's codes.
    answers = {stage: clean([each.get(key) for each in rows[stage][1]]) for stage in stages}
    result = QuestionResult(
        question=question,
        stages=[
            _stage_result(question, stage, [v for v in answers[stage] if v is not None])
            for stage in stages
        ],
    )
    if question["question"].get("type") == "scale" and stages == STAGES:
        before, after = (_by_code(rows[stage][0], answers[stage]) for stage in STAGES)
        _add_change(result, before, after)
    return result


def question_results(questions: list[dict], responses: Iterable[Any]) -> list[QuestionResult]:
    """Each question's results, in the questions' order, reading the responses only once.

    A response's answers count only at the stages its question is asked at; a response at an
    unknown stage is passed over. Responses that share a code at one stage cannot both be
    paired: the later one is paired, though both count towards that stage's answers. A blank
    code is never paired."""
    rows = _read(responses)
    return [_question_result(question, rows) for question in questions]


def response_counts(responses: Iterable[Any]) -> dict[str, int]:
    """How many responses came in at each stage, and how many codes appear at both ("paired").
    These are totals of people taking part, not answers to any one question, so they are not
    held back."""
    counts = dict.fromkeys(STAGES, 0)
    codes = {stage: set() for stage in STAGES}
    for response in responses:
        if response.stage not in counts:
            continue
        counts[response.stage] += 1
        code = response.code
        if code:
            codes[response.stage].add(code)
    return {**counts, "paired": len(codes["before"] & codes["after"])}


def results_csv_rows(results: list[QuestionResult]) -> list[list]:
    """The results as CSV rows: a header, then one row per question per stage it is asked at.

    Columns: question title, stage, number answered, median, the number who chose each score
    from 1 to 5, pairs, median change. The median and score columns are filled in only for a
    scale question's stage with enough answers, and are blank otherwise, so a held-back stage
    shows its number answered and nothing more. Pairs and median change are on the "after" row
    of a scale question asked at both stages; the median change is blank with too few pairs.
    Yes/no, choice and written answers appear only as numbers answered. Titles are made safe to
    open in a spreadsheet."""
    header = [_("Question"), _("Stage"), _("Answered"), _("Median")]
    header += [_("Scored %(score)s") % {"score": value} for value in SCALE]
    header += [_("Pairs"), _("Median change")]
    rows = [header]
    for result in results:
        is_scale = result.question["question"].get("type") == "scale"
        paired = is_scale and len(result.stages) == len(STAGES)
        for stage in result.stages:
            shown = is_scale and not stage.suppressed
            row = [csv_safe(result.question["title"]), stage_label(stage.stage), stage.answered]
            row.append(stage.median if shown else "")
            row += [count for _label, count in stage.counts] if shown else [""] * 5
            if paired and stage.stage == "after":
                change = result.median_change
                row += [result.pairs, "" if change is None else change]
            else:
                row += ["", ""]
            rows.append(row)
    return rows
