"""A workshop's evaluation: its questions, the answers attendees give, and the actions the team
agrees after reading them together."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from workshops.enums import Action, SectionAudience, SectionKind, SourceTag
from workshops.evaluation import clean_answer, fold_code, questions_of, starter_questions
from workshops.models import (
    CoDesignSession,
    Delivery,
    EvaluationResponse,
    FeedbackAction,
    Membership,
    Module,
    ModuleVersion,
    Section,
    Workshop,
)
from workshops.rules import COMMENT, DELIVER, EDIT_CONTENT, RUN_DELIVERIES

from .content import section_add_source_tag, section_create
from .contributions import contribution_record
from .permissions import require


class AlreadyAnswered(Exception):
    """This code has already answered at this stage of this delivery. Nothing was written."""


@transaction.atomic
def evaluation_create(*, workshop: Workshop, actor: Membership) -> Module:
    """Start the workshop's evaluation with the starter questions, for the team to rewrite
    together and sign off like any module. The starter words are credited to ``actor``."""
    require(actor, EDIT_CONTENT, workshop)
    Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    existing = workshop.modules.filter(is_evaluation=True).first()
    if existing is not None:
        return existing
    last = workshop.modules.aggregate(last=Max("position"))["last"]
    module = Module.objects.create(
        workshop=workshop,
        position=0 if last is None else last + 1,
        title=_("Evaluation"),
        learning_outcomes="",
        planned_minutes=10,
        is_evaluation=True,
    )
    contribution_record(actor=actor, action=Action.EVALUATION_CREATE, target=module)
    for starter in starter_questions():
        section_create(
            module=module,
            kind=SectionKind.QUESTION,
            audience=SectionAudience.EVERYONE,
            actor=actor,
            **starter,
        )
    return module


def _answers_from(version: ModuleVersion, stage: str, answers: dict) -> dict:
    """Only answers to this stage's questions, each one the question allows; the rest dropped."""
    kept = {}
    for section in questions_of(version.snapshot, stage):
        value = clean_answer(section["question"], answers.get(str(section["id"]), ""))
        if value is not None:
            kept[str(section["id"])] = value
    return kept


def answers_submit(
    *,
    delivery: Delivery,
    version: ModuleVersion,
    stage: str,
    code: str,
    answers: dict,
    typed_by: Membership | None = None,
) -> EvaluationResponse:
    """Keep one attendee's answers at one stage, paired to their other stage by ``code`` only.

    Online answers need no account and write no log entry (there is no member to credit); a
    paper form typed in by a facilitator is logged against them. Raises AlreadyAnswered when
    the code has answered this stage already, and ValidationError when answering is closed.
    """
    if typed_by is not None:
        require(typed_by, DELIVER, delivery)
    elif not delivery.answers_open:
        raise ValidationError(_("This workshop is not taking answers at the moment."))
    if version.module.workshop_id != delivery.workshop_id or version.agreed_at is None:
        raise ValidationError(_("These questions are not the workshop’s agreed evaluation."))
    folded = fold_code(code)
    if not folded:
        raise ValidationError({"code": _("Make up a code with at least one letter or number.")})
    try:
        with transaction.atomic():
            response = EvaluationResponse.objects.create(
                delivery=delivery,
                version=version,
                stage=stage,
                code=folded,
                answers=_answers_from(version, stage, answers),
                typed_by=typed_by,
            )
            if typed_by is not None:
                contribution_record(
                    actor=typed_by, action=Action.EVALUATION_ANSWERS_TYPED, target=delivery
                )
    except IntegrityError as error:
        raise AlreadyAnswered(folded) from error
    return response


@transaction.atomic
def answers_open_set(*, delivery: Delivery, is_open: bool, actor: Membership) -> Delivery:
    """Turn the delivery's answer link on or off (for example when nobody can read the answers)."""
    require(actor, RUN_DELIVERIES, delivery)
    delivery.answers_open = is_open
    delivery.save(update_fields=["answers_open", "updated_at"])
    contribution_record(actor=actor, action=Action.EVALUATION_OPEN, target=delivery)
    return delivery


@transaction.atomic
def feedback_action_add(
    *,
    delivery: Delivery,
    module: Module,
    text: str,
    section: Section | None = None,
    meeting: CoDesignSession | None = None,
    actor: Membership,
) -> FeedbackAction:
    """Record what the team will change after reading a delivery's answers: it waits as an open
    item in the module's review rounds until it is done."""
    require(actor, COMMENT, delivery)
    if module.workshop_id != delivery.workshop_id:
        raise ValidationError({"module": _("Choose a module of this workshop.")})
    if section is not None and section.module_id != module.pk:
        raise ValidationError({"section": _("Choose a section of that module.")})
    if meeting is not None and meeting.workshop_id != delivery.workshop_id:
        raise ValidationError({"meeting": _("Choose a co-design session of this workshop.")})
    action = FeedbackAction.objects.create(
        delivery=delivery,
        module=module,
        section=section,
        meeting=meeting,
        text=text,
        created_by=actor,
    )
    contribution_record(actor=actor, action=Action.FEEDBACK_ACTION_ADD, target=module)
    return action


@transaction.atomic
def feedback_action_done(
    *, action: FeedbackAction, changed_section: Section | None = None, actor: Membership
) -> FeedbackAction:
    """Mark an action done. The section changed for it (if named) is tagged "attendee feedback"
    in a new version, so its sources say so and the action links back to it."""
    require(actor, COMMENT, action)
    action = FeedbackAction.objects.select_for_update().get(pk=action.pk)
    if action.is_done:
        return action
    if changed_section is not None:
        if changed_section.module_id != action.module_id:
            raise ValidationError({"section": _("Choose a section of the action’s module.")})
        action.section = section_add_source_tag(
            section=changed_section, tag=SourceTag.ATTENDEE_FEEDBACK, actor=actor
        )
    action.done_at = timezone.now()
    action.done_by = actor
    action.save(update_fields=["section", "done_at", "done_by"])
    contribution_record(actor=actor, action=Action.FEEDBACK_ACTION_DONE, target=action.module)
    return action
