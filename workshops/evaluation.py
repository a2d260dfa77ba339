"""A workshop's evaluation: what makes a question, the starter set, and what an attendee's answers
may hold. Pure: no ORM. The arithmetic of results is in evaluation_results.py."""

import re

from django.utils.translation import gettext as _

from workshops.enums import AnswerStage, QuestionStage, QuestionType

SCALE = range(1, 6)
YES, NO = "yes", "no"
ANSWER_STAGES = (AnswerStage.BEFORE, AnswerStage.AFTER)
CODE_MAX_LENGTH = 40
TEXT_ANSWER_MAX_LENGTH = 2000


def is_valid_question(question: dict) -> bool:
    choices = question.get("choices", [])
    return (
        question.get("type") in QuestionType.values
        and question.get("stage") in QuestionStage.values
        and isinstance(choices, list)
        and all(isinstance(choice, str) for choice in choices)
        and (question["type"] != QuestionType.CHOICE or 2 <= len(choices) <= 10)
    )


def asked_at(question: dict, stage: str) -> bool:
    return question["stage"] in (stage, QuestionStage.BOTH)


def questions_of(snapshot: dict, stage: str | None = None) -> list[dict]:
    """The questions of a frozen evaluation, in order; only those asked at ``stage`` if given."""
    return [
        section
        for section in snapshot["sections"]
        if section.get("question") and (stage is None or asked_at(section["question"], stage))
    ]


def fold_code(code: str) -> str:
    """The code an attendee made up, as it is kept and matched: lower case, letters and digits
    only, so "Blue cat 7" before and "bluecat7" after are the same person."""
    return re.sub(r"[\W_]+", "", code.casefold())[:CODE_MAX_LENGTH]


def clean_answer(question: dict, value):
    """An answer as kept, or None when it is empty or not one the question allows."""
    kind = question["type"]
    if kind == QuestionType.SCALE:
        text = str(value).strip()
        return int(text) if text.isdigit() and int(text) in SCALE else None
    if kind == QuestionType.YES_NO:
        return value if value in (YES, NO) else None
    if kind == QuestionType.CHOICE:
        return value if value in question["choices"] else None
    text = str(value).strip()[:TEXT_ANSWER_MAX_LENGTH]
    return text or None


def stage_label(stage: str) -> str:
    return dict(AnswerStage.choices).get(stage, stage)


def starter_questions() -> list[dict]:
    """A plain starter set for a team to rewrite together: reaction (useful, respectful, would
    recommend) after, and confidence and knowledge both before and after so change shows."""
    scale, yes_no, text = QuestionType.SCALE, QuestionType.YES_NO, QuestionType.TEXT
    both, after = QuestionStage.BOTH, QuestionStage.AFTER
    return [
        {
            "title": _("Confidence"),
            "body": _(
                "How confident do you feel about supporting your child when things get hard? "
                "1 is not at all, 5 is very confident."
            ),
            "question": {"type": scale, "stage": both, "choices": []},
        },
        {
            "title": _("Understanding behaviour"),
            "body": _(
                "How well do you understand why your child’s behaviour happens? "
                "1 is not at all, 5 is very well."
            ),
            "question": {"type": scale, "stage": both, "choices": []},
        },
        {
            "title": _("Knowing what to try"),
            "body": _(
                "How much do you know about things to try at home to prevent difficult moments? "
                "1 is nothing, 5 is a lot."
            ),
            "question": {"type": scale, "stage": both, "choices": []},
        },
        {
            "title": _("Useful"),
            "body": _("How useful was the workshop for you? 1 is not useful, 5 is very useful."),
            "question": {"type": scale, "stage": after, "choices": []},
        },
        {
            "title": _("Respected"),
            "body": _("Did you feel listened to and respected?"),
            "question": {"type": yes_no, "stage": after, "choices": []},
        },
        {
            "title": _("Would recommend"),
            "body": _("Would you recommend the workshop to another family carer?"),
            "question": {"type": yes_no, "stage": after, "choices": []},
        },
        {
            "title": _("What to change"),
            "body": _("Is there anything we should change or add?"),
            "question": {"type": text, "stage": after, "choices": []},
        },
    ]
