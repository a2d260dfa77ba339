"""A workshop's evaluation, the answer form anyone with a delivery's link reaches, results read
together, and the actions the team agrees from them."""

from typing import NamedTuple

from django.db.models import QuerySet

from workshops.attribution import words_by_author
from workshops.balance import balance_of, written_together
from workshops.charts import bar_chart_svg
from workshops.enums import Perspective
from workshops.evaluation import ANSWER_STAGES, SCALE, questions_of, stage_label
from workshops.evaluation_results import (
    question_results,
    response_counts,
    results_csv_rows,
)
from workshops.models import (
    Delivery,
    EvaluationResponse,
    FeedbackAction,
    Module,
    ModuleVersion,
    Organisation,
    User,
    Workshop,
)

from .base import get_or_404, workshops_visible
from .members import memberships_by_id


def evaluation_module(*, workshop: Workshop) -> Module | None:
    return workshop.modules.filter(is_evaluation=True).select_related("agreed_version").first()


def agreed_evaluation_version(*, workshop: Workshop) -> ModuleVersion | None:
    """The questions attendees answer: the evaluation's latest version both perspectives agreed."""
    module = evaluation_module(workshop=workshop)
    return module.agreed_version if module is not None else None


def delivery_by_answer_key(*, key: str) -> Delivery:
    """The delivery whose answer link this is, for anyone holding it: the key is the secret."""
    return get_or_404(Delivery.objects.select_related("workshop__organisation"), answer_key=key)


def feedback_action_get(*, user: User, pk: object) -> FeedbackAction:
    return get_or_404(
        FeedbackAction.objects.filter(module__workshop__in=workshops_visible(user)).select_related(
            "module__workshop__organisation", "delivery", "section"
        ),
        pk=pk,
    )


def open_feedback_actions(*, module: Module) -> QuerySet[FeedbackAction]:
    """Actions from attendees' answers not yet done: open items in the module's review rounds."""
    return module.feedback_actions.filter(done_at__isnull=True).select_related(
        "delivery", "section", "created_by__user", "meeting"
    )


def _charts(results: list) -> None:
    """Give each result a chart of its answers at each stage that has enough of them."""
    for result in results:
        shown = [stage for stage in result.stages if not stage.suppressed and stage.counts]
        result.chart = (
            bar_chart_svg(
                title=result.question["title"],
                groups=[(stage_label(stage.stage), stage.counts) for stage in shown],
                chart_id=f"chart-{result.question['id']}",
            )
            if shown
            else ""
        )


def _results(version: ModuleVersion | None, responses: list) -> dict:
    if version is None:
        return {"version": None, "results": [], "counts": response_counts(responses)}
    results = question_results(questions_of(version.snapshot), responses)
    _charts(results)
    return {"version": version, "results": results, "counts": response_counts(responses)}


class Answered(NamedTuple):
    """One response as the results read it: plain values, not a model instance, since a page
    across many deliveries reads thousands."""

    delivery_id: int
    stage: str
    code: str
    answers: dict


def _responses(queryset: QuerySet[EvaluationResponse]) -> list[Answered]:
    return [
        Answered(*row)
        for row in queryset.order_by().values_list("delivery_id", "stage", "code", "answers")
    ]


def delivery_results(*, delivery: Delivery) -> dict:
    """The delivery's results: counts, medians and before→after change per question of the
    agreed evaluation, with charts; answers to an earlier version count under the same
    question where it is still asked."""
    version = agreed_evaluation_version(workshop=delivery.workshop)
    return _results(version, _responses(delivery.responses.all()))


def action_form_choices(*, delivery: Delivery) -> dict:
    """What an action may be anchored to: the workshop's modules (its evaluation too) with their
    sections, and the co-design sessions where it may have been agreed."""
    workshop = delivery.workshop
    return {
        "modules": list(workshop.modules.prefetch_related("sections").order_by("position", "pk")),
        "meetings": list(workshop.sessions.order_by("-starts_at")),
    }


def delivery_results_page(*, delivery: Delivery) -> dict:
    return {
        **delivery_results(delivery=delivery),
        "actions": list(
            delivery.feedback_actions.select_related(
                "module", "section", "created_by__user", "meeting"
            )
        ),
        **action_form_choices(delivery=delivery),
    }


def workshop_results_page(*, workshop: Workshop) -> dict:
    """Results across all the workshop's deliveries, and how many answered in each."""
    deliveries = list(workshop.deliveries.order_by("created_at", "pk"))
    responses = _responses(EvaluationResponse.objects.filter(delivery__workshop=workshop))
    by_delivery = {delivery.pk: [] for delivery in deliveries}
    for response in responses:
        by_delivery[response.delivery_id].append(response)
    for delivery in deliveries:
        delivery.counts = response_counts(by_delivery[delivery.pk])
    version = agreed_evaluation_version(workshop=workshop)
    return {**_results(version, responses), "deliveries": deliveries}


def results_csv(*, delivery: Delivery | None = None, workshop: Workshop | None = None) -> list:
    """The rows of a results CSV: the same numbers as the page, suppressed where it is."""
    results = (
        delivery_results(delivery=delivery)
        if delivery is not None
        else workshop_results_page(workshop=workshop)
    )["results"]
    return results_csv_rows(results)


def answer_form_questions(*, version: ModuleVersion, stage: str) -> list[dict]:
    return questions_of(version.snapshot, stage)


def paper_form_page(*, delivery: Delivery) -> dict:
    """The printable answer sheet: the link and its QR code, and each stage's questions."""
    version = agreed_evaluation_version(workshop=delivery.workshop)
    stages = []
    if version is not None:
        for stage in ANSWER_STAGES:
            stages.append(
                {
                    "stage": stage,
                    "label": stage_label(stage),
                    "questions": questions_of(version.snapshot, stage),
                }
            )
    return {
        "version": version,
        "stages": stages,
        "scale": SCALE,
    }


def co_evaluation_record(
    *, organisation: Organisation, perspective_of: dict[int, str] | None = None
) -> dict:
    """Co-evaluation from the organisation's records, in three queries: its workshops'
    evaluations (how many are agreed, and how many of those both perspectives wrote at least
    the balance threshold of), and its deliveries with answers (how many had their results
    turned into actions by family carers and professionals together, counting who wrote each
    action and who came to the meeting where it was agreed). ``perspective_of`` (membership id
    to perspective) saves a query when the caller has it already."""
    evaluations = list(
        Module.objects.filter(
            workshop__organisation=organisation, is_evaluation=True, agreed_version__isnull=False
        ).select_related("agreed_version")
    )
    if perspective_of is None:
        perspective_of = {
            pk: m.perspective for pk, m in memberships_by_id(organisation=organisation).items()
        }
    threshold = organisation.balance_threshold_percent
    co_written = 0
    for evaluation in evaluations:
        runs = [
            run for section in evaluation.agreed_version.sections for run in section["attribution"]
        ]
        balance = balance_of(words_by_author(runs), perspective_of, None, threshold)
        co_written += written_together(balance)
    answered = Delivery.objects.filter(
        workshop__organisation=organisation, responses__isnull=False
    ).distinct()
    perspectives = {delivery.pk: set() for delivery in answered}
    actions = FeedbackAction.objects.filter(delivery__in=list(perspectives)).prefetch_related(
        "meeting__attendance"
    )
    for action in actions:
        seen = perspectives[action.delivery_id]
        seen.add(perspective_of.get(action.created_by_id))
        if action.meeting is not None:
            seen.update(
                perspective_of.get(a.membership_id) for a in action.meeting.attendance.all()
            )
    both = {Perspective.FAMILY_CARER, Perspective.PROFESSIONAL}
    return {
        "evaluations_agreed": len(evaluations),
        "evaluations_co_written": co_written,
        "deliveries_answered": len(perspectives),
        "deliveries_reviewed_together": sum(1 for seen in perspectives.values() if both <= seen),
    }
