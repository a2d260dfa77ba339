"""Review rounds: open, read, comment, decide, withdraw; round history and version diffs."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from workshops.forms.members import NotificationPreferenceForm
from workshops.forms.reviews import CommentForm, CompareForm, DecisionForm, ReviewRoundOpenForm
from workshops.rules import COMMENT, EDIT_CONTENT, SIGN_OFF, VIEW, can
from workshops.selectors.content import module_get
from workshops.selectors.reviews import (
    agreed_stamp,
    comment_get,
    module_rounds,
    module_version_get,
    open_round,
    previous_version_for_round,
    review_candidates,
    review_round_get,
    round_comments,
    version_comparison,
)
from workshops.services import accounts as account_services
from workshops.services import reviews as review_services

from .base import ScopedView, add_service_errors


class ReviewRoundOpenView(ScopedView):
    permission = EDIT_CONTENT

    scope = staticmethod(module_get)

    def _form(self, data=None):
        candidates = review_candidates(organisation=self.organisation)
        return ReviewRoundOpenForm(data, candidates=candidates)

    def get(self, request, pk):
        return self._render(self._form())

    def post(self, request, pk):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                round = review_services.review_round_open(
                    module=self.object, actor=self.membership, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Round %(number)s is open. The reviewers have been emailed.")
                    % {"number": round.number},
                )
                return redirect(round)
        return self._render(form, status=400)

    def _render(self, form, status=200):
        context = self.get_context_data(
            form=form,
            title=_("Open a review round on “%(title)s”") % {"title": self.object.title},
            module=self.object,
            workshop=self.object.workshop,
            back=self.object,
            open_round=open_round(module=self.object),
        )
        return render(self.request, "workshops/review_open.html", context, status=status)


class RoundScopedView(ScopedView):
    scope = staticmethod(review_round_get)

    def get_context_data(self, **kwargs):
        round = self.object
        return super().get_context_data(
            round=round, module=round.module, workshop=round.module.workshop, **kwargs
        )


class ReviewRoundDetailView(RoundScopedView):
    permission = VIEW

    def get(self, request, pk, decision_form=None, comment_form=None, status=200):
        round = self.object
        previous = previous_version_for_round(round=round)
        threads = round_comments(module=round.module)
        decisions = {d.membership_id: d for d in round.decisions.all()}
        reviewers = list(round.reviewers.select_related("membership__user"))
        for reviewer in reviewers:
            reviewer.decision = decisions.get(reviewer.membership_id)
        reviewer_ids = {r.membership_id for r in reviewers}
        changes = {}
        if previous is not None:
            changes = {
                row["id"]: row
                for row in version_comparison(old=previous, new=round.version)
            }
        sections = [
            {
                **section,
                "diff": changes[section["id"]]["diff"] if changes else [],
                "is_new": bool(changes) and changes[section["id"]]["status"] == "added",
                "threads": [t for t in threads if t.section_id == section["id"]],
            }
            for section in round.version.sections
        ]
        section_ids = {s["id"] for s in round.version.sections}
        my_decision = decisions.get(self.membership.pk)
        context = self.get_context_data(
            version=round.version,
            previous=previous,
            sections=sections,
            general_threads=[t for t in threads if t.section_id not in section_ids],
            open_items=[t for t in threads if not t.is_resolved and t.round.number < round.number],
            reviewers=reviewers,
            state=review_services.round_sign_off_state(round),
            is_reviewer=self.membership.pk in reviewer_ids,
            can_sign_off=can(request.user, SIGN_OFF, self.organisation)
            and self.membership.pk in reviewer_ids,
            can_comment=can(request.user, COMMENT, self.organisation),
            decision_form=decision_form
            or DecisionForm(
                initial={
                    "content_hash": round.version.content_hash,
                    "kind": my_decision.kind if my_decision else None,
                    "reason": my_decision.reason if my_decision else "",
                }
            ),
            comment_form=comment_form or CommentForm(),
            my_decision=my_decision,
            stamp=agreed_stamp(version=round.version),
        )
        return render(request, "workshops/review_round.html", context, status=status)


class ReviewDecideView(ReviewRoundDetailView):
    """Records a decision; on a form error, shows the round page again with the error."""

    permission = SIGN_OFF
    http_method_names = ["post"]

    def post(self, request, pk):
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                review_services.review_decide(
                    round=self.object, actor=self.membership, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                self.object.refresh_from_db()
                if self.object.status == "agreed":
                    messages.success(
                        request,
                        _(
                            "Thank you. Both perspectives have signed off: "
                            "this version is now agreed."
                        ),
                    )
                else:
                    messages.success(request, _("Thank you. Your decision is recorded."))
                return redirect(self.object)
        return self.get(request, pk, decision_form=form, status=400)


class ReviewWithdrawView(RoundScopedView):
    permission = EDIT_CONTENT
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            review_services.review_round_withdraw(round=self.object, actor=self.membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The round has been withdrawn. Nothing was signed off."))
        return redirect(self.object)


class CommentAddView(ReviewRoundDetailView):
    """Adds a comment; on a form error, shows the round page again with the error."""

    permission = COMMENT
    http_method_names = ["post"]

    def post(self, request, pk):
        form = CommentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            parent = None
            if data["parent_id"]:
                parent = comment_get(user=request.user, pk=data["parent_id"])
            try:
                comment = review_services.comment_add(
                    round=self.object,
                    body=data["body"],
                    quote=data["quote"],
                    section_id=data["section_id"],
                    parent=parent,
                    actor=self.membership,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Comment added."))
                return redirect(self.object.get_absolute_url() + f"#comment-{comment.pk}")
        return self.get(request, pk, comment_form=form, status=400)


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


class ModuleRoundsView(ScopedView):
    """Every round of a module with its decisions, and a diff between any two versions."""

    permission = VIEW

    scope = staticmethod(module_get)

    def get(self, request, pk):
        module = self.object
        rounds = list(module_rounds(module=module))
        numbers = [r.version.number for r in rounds]
        form = CompareForm(request.GET or None, versions=numbers)
        comparison = None
        if request.GET and form.is_valid():
            old = module_version_get(module=module, number=form.cleaned_data["old"])
            new = module_version_get(module=module, number=form.cleaned_data["new"])
            comparison = {
                "old": old,
                "new": new,
                "rows": version_comparison(old=old, new=new),
            }
        context = self.get_context_data(
            module=module,
            workshop=module.workshop,
            rounds=rounds,
            compare_form=form,
            comparison=comparison,
        )
        return render(request, "workshops/module_rounds.html", context, status=200)


class NotificationPreferenceView(LoginRequiredMixin, View):
    def get(self, request):
        form = NotificationPreferenceForm(
            initial={"email_notifications": request.user.email_notifications}
        )
        return render(request, "workshops/form_page.html", {"form": form, "title": _("Emails")})

    def post(self, request):
        form = NotificationPreferenceForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "workshops/form_page.html",
                {"form": form, "title": _("Emails")},
                status=400,
            )
        account_services.user_set_email_notifications(
            user=request.user, email_notifications=form.cleaned_data["email_notifications"]
        )
        messages.success(request, _("Saved."))
        return redirect("notification_preferences")
