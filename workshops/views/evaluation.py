"""A workshop's evaluation: starting its questions, the answer pages attendees reach without an
account, paper answers typed in, results read together (page and CSV), and the actions agreed
from them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from workshops.csv_export import csv_response
from workshops.evaluation import ANSWER_STAGES, stage_label
from workshops.forms.evaluation import (
    AnswerForm,
    AnswersOpenForm,
    FeedbackActionForm,
    FeedbackDoneForm,
)
from workshops.qr import qr_svg
from workshops.rules import COMMENT, DELIVER, EDIT_CONTENT, RUN_DELIVERIES, VIEW, can
from workshops.selectors.content import module_sections, workshop_get
from workshops.selectors.deliveries import delivery_get
from workshops.selectors.evaluation import (
    action_form_choices,
    agreed_evaluation_version,
    answer_form_questions,
    delivery_by_answer_key,
    delivery_results_page,
    feedback_action_get,
    paper_form_page,
    results_csv,
    workshop_results_page,
)
from workshops.services import evaluation as evaluation_services
from workshops.services.evaluation import AlreadyAnswered
from workshops.throttle import address_key, throttle_allows, too_many_tries

from .base import ScopedConfirmView, ScopedFormView, ScopedTemplateView, add_service_errors


def answer_url(request, delivery) -> str:
    return request.build_absolute_uri(reverse("answer_start", kwargs={"key": delivery.answer_key}))


# The pages anyone holding a delivery's link reaches, without an account. They show the
# workshop's name and its agreed questions, and nothing else of the organisation.


@require_http_methods(["GET"])
def answer_start(request, key):
    delivery = delivery_by_answer_key(key=key)
    version = agreed_evaluation_version(workshop=delivery.workshop)
    return render(
        request,
        "evaluation/answer_start.html",
        {
            "delivery": delivery,
            "is_open": delivery.answers_open and version is not None,
            "stages": [(stage, stage_label(stage)) for stage in ANSWER_STAGES],
        },
    )


@require_http_methods(["GET", "POST"])
def answer_form(request, key, stage):
    delivery = delivery_by_answer_key(key=key)
    version = agreed_evaluation_version(workshop=delivery.workshop)
    if version is None or not delivery.answers_open:
        return redirect("answer_start", key=key)
    questions = answer_form_questions(version=version, stage=stage)
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST":
        if not throttle_allows(
            address_key("answer", request), limit=settings.ANSWER_THROTTLE_PER_ADDRESS
        ) or not throttle_allows(
            f"answer:delivery:{delivery.pk}", limit=settings.ANSWER_THROTTLE_PER_DELIVERY
        ):
            return too_many_tries(request)
        if form.is_valid() and _submit(form, delivery, version, stage, typed_by=None):
            return redirect("answer_thanks", key=key)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "evaluation/answer_form.html",
        {"delivery": delivery, "form": form, "stage": stage, "stage_label": stage_label(stage)},
        status=status,
    )


@require_http_methods(["GET"])
def answer_thanks(request, key):
    delivery = delivery_by_answer_key(key=key)
    return render(request, "evaluation/answer_thanks.html", {"delivery": delivery})


def _submit(form, delivery, version, stage, *, typed_by) -> bool:
    """Keep the answers; False (with the reason beside the field) when they cannot be kept."""
    try:
        evaluation_services.answers_submit(
            delivery=delivery,
            version=version,
            stage=stage,
            code=form.cleaned_data["code"],
            answers=form.answers(),
            typed_by=typed_by,
        )
    except AlreadyAnswered:
        form.add_error(
            "code",
            _(
                "Answers with this code were already given %(stage)s. If that was not you, "
                "make up a different code."
            )
            % {"stage": stage_label(stage).lower()},
        )
        return False
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


# The team's pages.


class EvaluationCreateView(ScopedConfirmView):
    permission = EDIT_CONTENT
    scope = staticmethod(workshop_get)
    title = gettext_lazy("Start the evaluation questions")
    submit_label = gettext_lazy("Start with the starter questions")
    success_message = gettext_lazy(
        "The evaluation has starter questions. Rewrite them together, then sign them off."
    )

    def save(self, form):
        return evaluation_services.evaluation_create(workshop=self.object, actor=self.membership)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            back=self.object,
            intro=_(
                "Attendees answer these questions before and after the workshop, on their phone "
                "or on paper. You write and sign them off together, like a module."
            ),
            **kwargs,
        )


class DeliveryResultsView(ScopedTemplateView):
    permission = VIEW
    scope = staticmethod(delivery_get)
    template_name = "evaluation/delivery_results.html"

    def get_context_data(self, **kwargs):
        page = delivery_results_page(delivery=self.object)
        user = self.request.user
        action_form = kwargs.pop("action_form", None) or FeedbackActionForm(
            modules=page["modules"], meetings=page["meetings"]
        )
        return super().get_context_data(
            delivery=self.object,
            action_form=action_form,
            can_comment=can(user, COMMENT, self.organisation),
            can_deliver=can(user, DELIVER, self.organisation),
            can_run_deliveries=can(user, RUN_DELIVERIES, self.organisation),
            answer_url=answer_url(self.request, self.object),
            **page,
            **kwargs,
        )


class WorkshopResultsView(ScopedTemplateView):
    permission = VIEW
    scope = staticmethod(workshop_get)
    template_name = "evaluation/workshop_results.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            workshop=self.object, **workshop_results_page(workshop=self.object), **kwargs
        )


class _ResultsCsvView(ScopedTemplateView):
    permission = VIEW

    def get(self, request, *args, **kwargs):
        rows = self.rows()  # its text cells are already safe for a spreadsheet
        return csv_response(filename=self.filename(), header=rows[0], rows=rows[1:])


class DeliveryResultsCsvView(_ResultsCsvView):
    scope = staticmethod(delivery_get)

    def rows(self):
        return results_csv(delivery=self.object)

    def filename(self):
        return f"results-delivery-{self.object.pk}.csv"


class WorkshopResultsCsvView(_ResultsCsvView):
    scope = staticmethod(workshop_get)

    def rows(self):
        return results_csv(workshop=self.object)

    def filename(self):
        return f"results-workshop-{self.object.pk}.csv"


class AnswerSheetView(ScopedTemplateView):
    """The printable sheet for a delivery: its link and QR code, and the questions on paper."""

    permission = VIEW
    scope = staticmethod(delivery_get)
    template_name = "evaluation/answer_sheet.html"

    def get_context_data(self, **kwargs):
        url = answer_url(self.request, self.object)
        return super().get_context_data(
            delivery=self.object,
            answer_url=url,
            qr=qr_svg(url, title=_("QR code for the answer page"), svgclass="answer-qr"),
            **paper_form_page(delivery=self.object),
            **kwargs,
        )


class PaperAnswersView(ScopedFormView):
    """A facilitator types in one paper form; the same questions and checks as online."""

    permission = DELIVER
    scope = staticmethod(delivery_get)
    form_class = AnswerForm
    template_name = "evaluation/paper_answers.html"
    success_message = gettext_lazy("Answers kept. You can type in the next form.")

    def dispatch(self, request, *args, **kwargs):
        self.stage = kwargs["stage"]  # "before" or "after": the URL allows no other
        return super().dispatch(request, *args, **kwargs)

    def load_related_objects(self):
        self.version = agreed_evaluation_version(workshop=self.object.workshop)
        if self.version is None:
            raise Http404

    def get_form_kwargs(self):
        questions = answer_form_questions(version=self.version, stage=self.stage)
        return {**super().get_form_kwargs(), "questions": questions}

    def get_title(self):
        return _("Type in a paper form: %(stage)s") % {"stage": stage_label(self.stage).lower()}

    def form_valid(self, form):
        if not _submit(form, self.object, self.version, self.stage, typed_by=self.membership):
            return self.form_invalid(form)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.request.path)

    def get_context_data(self, **kwargs):
        return super().get_context_data(delivery=self.object, stage=self.stage, **kwargs)


class AnswersOpenView(ScopedFormView):
    permission = RUN_DELIVERIES
    scope = staticmethod(delivery_get)
    form_class = AnswersOpenForm
    http_method_names = ["post"]

    def save(self, form):
        return evaluation_services.answers_open_set(
            delivery=self.object, is_open=form.cleaned_data["is_open"], actor=self.membership
        )

    def get_success_message(self):
        if self.result.answers_open:
            return _("Attendees can answer again.")
        return _("The answer link is turned off.")

    def get_success_url(self):
        return reverse("delivery_results", kwargs={"pk": self.object.pk})


class FeedbackActionCreateView(ScopedFormView):
    permission = COMMENT
    scope = staticmethod(delivery_get)
    form_class = FeedbackActionForm
    title = gettext_lazy("Turn a result into an action")
    submit_label = gettext_lazy("Add the action")
    success_message = gettext_lazy(
        "Action added. It waits as an open item in the module’s next review round."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **action_form_choices(delivery=self.object)}

    def save(self, form):
        return evaluation_services.feedback_action_add(
            delivery=self.object, actor=self.membership, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.object, **kwargs)


class FeedbackActionDoneView(ScopedFormView):
    permission = COMMENT
    scope = staticmethod(feedback_action_get)
    form_class = FeedbackDoneForm
    title = gettext_lazy("Mark the action done")
    submit_label = gettext_lazy("Mark it done")
    success_message = gettext_lazy("Action marked done.")

    def get_form_kwargs(self):
        sections = list(module_sections(module=self.object.module))
        return {**super().get_form_kwargs(), "sections": sections}

    def get_initial(self):
        return {"changed_section": self.object.section_id}

    def save(self, form):
        return evaluation_services.feedback_action_done(
            action=self.object, actor=self.membership, **form.cleaned_data
        )

    def get_success_url(self):
        return self.object.module.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.object.module, intro=self.object.text, **kwargs)
