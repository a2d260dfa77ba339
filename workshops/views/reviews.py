"""Review rounds: open, read, comment, decide, withdraw; round history and version diffs."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from workshops.enums import RoundStatus
from workshops.forms.members import NotificationPreferenceForm
from workshops.forms.reviews import CommentForm, CompareForm, DecisionForm, ReviewRoundOpenForm
from workshops.rules import COMMENT, EDIT_CONTENT, SIGN_OFF, VIEW
from workshops.selectors.content import module_get
from workshops.selectors.reviews import (
    comment_get,
    module_rounds,
    module_version_comparison,
    open_round,
    review_candidates,
    review_round_get,
    review_round_page,
)
from workshops.services import accounts as account_services
from workshops.services import reviews as review_services

from .base import ScopedConfirmView, ScopedFormView, ScopedTemplateView, ScopedView


class ReviewRoundOpenView(ScopedFormView):
    permission = EDIT_CONTENT
    scope = staticmethod(module_get)
    template_name = "workshops/review_open.html"
    form_class = ReviewRoundOpenForm

    def get_form_kwargs(self):
        candidates = review_candidates(organisation=self.organisation)
        return {
            **super().get_form_kwargs(),
            "candidates": candidates,
            "organisation": self.organisation,
        }

    def get_title(self):
        return _("Open a review round on “%(title)s”") % {"title": self.object.title}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            back=self.object, open_round=open_round(module=self.object), **kwargs
        )

    def save(self, form):
        return review_services.review_round_open(
            module=self.object, actor=self.membership, **form.cleaned_data
        )

    def get_success_message(self):
        return _("Round %(number)s is open. The reviewers have been emailed.") % {
            "number": self.result.number
        }


class RoundScopedMixin:
    scope = staticmethod(review_round_get)

    def get_context_data(self, **kwargs):
        return super().get_context_data(round=self.object, **kwargs)


class RoundPageMixin(RoundScopedMixin):
    """The round page: its data, the decision form and the comment form.

    The views that take either form show this page again when it is not valid, with the
    person's input and errors in that form (``form_context_name``) and the other one empty.
    """

    template_name = "workshops/review_round.html"
    form_context_name = None

    def get_context_data(self, **kwargs):
        page = review_round_page(
            round=self.object, membership=self.membership, user=self.request.user
        )
        if self.form_context_name and "form" in kwargs:
            kwargs[self.form_context_name] = kwargs["form"]
        kwargs.setdefault("decision_form", self._unbound_decision_form(page["my_decision"]))
        kwargs.setdefault("comment_form", CommentForm())
        return super().get_context_data(**page, **kwargs)

    def _unbound_decision_form(self, my_decision):
        return DecisionForm(
            initial={
                "content_hash": self.object.version.content_hash,
                "kind": my_decision.kind if my_decision else None,
                "reason": my_decision.reason if my_decision else "",
            }
        )


class ReviewRoundDetailView(RoundPageMixin, ScopedTemplateView):
    permission = VIEW


class ReviewDecideView(RoundPageMixin, ScopedFormView):
    """Records a decision; on an error, shows the round page again with it."""

    permission = SIGN_OFF
    http_method_names = ["post"]
    form_class = DecisionForm
    form_context_name = "decision_form"

    def save(self, form):
        return review_services.review_decide(
            round=self.object, actor=self.membership, **form.cleaned_data
        )

    def get_success_message(self):
        # The decision may have been the last one needed: the round says whether it was.
        self.object.refresh_from_db()
        if self.object.status == RoundStatus.AGREED:
            return _("Thank you. Both perspectives have signed off: this version is now agreed.")
        return _("Thank you. Your decision is recorded.")

    def get_success_url(self):
        return self.object.get_absolute_url()


class CommentAddView(RoundPageMixin, ScopedFormView):
    """Adds a comment; on an error, shows the round page again with it."""

    permission = COMMENT
    http_method_names = ["post"]
    form_class = CommentForm
    form_context_name = "comment_form"
    success_message = gettext_lazy("Comment added.")

    def save(self, form):
        data = form.cleaned_data
        parent = None
        if data["parent_id"]:
            parent = comment_get(user=self.request.user, pk=data["parent_id"])
        return review_services.comment_add(
            round=self.object,
            body=data["body"],
            quote=data["quote"],
            section_id=data["section_id"],
            parent=parent,
            actor=self.membership,
        )

    def get_success_url(self):
        return self.object.get_absolute_url() + f"#comment-{self.result.pk}"


class ReviewWithdrawView(RoundScopedMixin, ScopedConfirmView):
    """GET asks "are you sure?" and says what withdrawing does; the POST withdraws."""

    permission = EDIT_CONTENT
    template_name = "workshops/review_withdraw.html"
    success_message = gettext_lazy("The round has been withdrawn. Nothing was signed off.")

    def get(self, request, *args, **kwargs):
        if not self.object.is_open:
            messages.info(
                request, _("This round has already ended, so there is nothing to withdraw.")
            )
            return redirect(self.object)
        return super().get(request, *args, **kwargs)

    def get_title(self):
        return _("Withdraw round %(number)s?") % {"number": self.object.number}

    def save(self, form):
        return review_services.review_round_withdraw(round=self.object, actor=self.membership)

    def form_invalid(self, form):
        # Refused (the round has ended meanwhile): say why on the round page.
        messages.error(self.request, " ".join(form.non_field_errors()))
        return redirect(self.object)


class CommentResolveView(ScopedView):
    permission = COMMENT
    http_method_names = ["post"]
    scope = staticmethod(comment_get)

    def post(self, request, pk):
        resolved = request.POST.get("resolved") == "1"
        review_services.comment_set_resolved(
            comment=self.object, resolved=resolved, actor=self.membership
        )
        messages.success(request, _("Marked as resolved.") if resolved else _("Reopened."))
        return redirect(self.object.round.get_absolute_url() + f"#comment-{self.object.pk}")


class ModuleRoundsView(ScopedTemplateView):
    """Every round of a module with its decisions, and a diff between any two versions."""

    permission = VIEW
    scope = staticmethod(module_get)
    template_name = "workshops/module_rounds.html"

    def get_context_data(self, **kwargs):
        rounds = list(module_rounds(module=self.object))
        form = CompareForm(self.request.GET or None, versions=[r.version.number for r in rounds])
        comparison = None
        if form.is_bound and form.is_valid():
            comparison = module_version_comparison(module=self.object, **form.cleaned_data)
        return super().get_context_data(
            rounds=rounds, compare_form=form, comparison=comparison, **kwargs
        )


class NotificationPreferenceView(LoginRequiredMixin, FormView):
    """A person's own choice of emails; not about any organisation, so not a scoped view."""

    template_name = "workshops/form_page.html"
    form_class = NotificationPreferenceForm
    success_url = reverse_lazy("notification_preferences")

    def get_initial(self):
        return {"email_notifications": self.request.user.email_notifications}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Emails"), submit_label=_("Save my email choice"), **kwargs
        )

    def form_valid(self, form):
        account_services.user_set_email_notifications(
            user=self.request.user, email_notifications=form.cleaned_data["email_notifications"]
        )
        messages.success(self.request, _("Saved."))
        return super().form_valid(form)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
