from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workshops.enums import AnswerStage


class EvaluationResponse(models.Model):
    """One attendee's answers at one stage of a delivery, to the agreed evaluation version.

    No account and no name: before and after pair only by the ``code`` the attendee made up,
    kept folded (lower case, no spaces) so "Blue Cat 7" and "bluecat7" are one person.
    """

    delivery = models.ForeignKey(
        "workshops.Delivery", on_delete=models.CASCADE, related_name="responses"
    )
    version = models.ForeignKey(
        "workshops.ModuleVersion", on_delete=models.PROTECT, related_name="responses"
    )
    stage = models.CharField(max_length=10, choices=AnswerStage.choices)
    code = models.CharField(max_length=40)
    # Question (section) id as a string -> the answer: 1-5, "yes"/"no", a choice, or text.
    answers = models.JSONField(default=dict)
    # Set when a facilitator typed in a paper form; empty when the attendee answered online.
    typed_by = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_parents = ("delivery",)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "stage", "code"], name="one_answer_per_code_per_stage"
            )
        ]

    def __str__(self):
        return f"{self.get_stage_display()} answers to {self.delivery}"


class FeedbackAction(models.Model):
    """Something the team agreed to change after reading attendees' answers together.

    Anchored to a module (and perhaps one of its sections), it waits as an open item in that
    module's review rounds until someone marks it done, naming the section changed for it.
    """

    module = models.ForeignKey(
        "workshops.Module", on_delete=models.PROTECT, related_name="feedback_actions"
    )
    section = models.ForeignKey(
        "workshops.Section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_actions",
    )
    delivery = models.ForeignKey(
        "workshops.Delivery", on_delete=models.PROTECT, related_name="feedback_actions"
    )
    meeting = models.ForeignKey(
        "workshops.CoDesignSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_actions",
        verbose_name=_("evaluation meeting"),
    )
    text = models.TextField(_("what to change"), max_length=5000)
    created_by = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_parents = ("module",)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Action on {self.module}: {self.text[:40]}"

    def get_absolute_url(self):
        return reverse("delivery_results", kwargs={"pk": self.delivery_id}) + f"#action-{self.pk}"

    @property
    def is_done(self):
        return self.done_at is not None
