import hashlib
import json

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workshops.enums import DecisionKind, Perspective, RoundStatus


def content_hash_of(snapshot) -> str:
    """SHA-256 over the canonical JSON of a frozen module: the thing every approval names."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class ModuleVersion(models.Model):
    """A module's sections frozen at the opening of a review round. Never changed afterwards.

    ``snapshot`` holds the module's title, outcomes and minutes and every section's text and
    settings, in order; ``content_hash`` is computed from it once. An agreed version is the only
    material that may reach a printed pack.
    """

    module = models.ForeignKey(
        "workshops.Module", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    content_hash = models.CharField(max_length=64)
    frozen_by = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="+"
    )
    frozen_at = models.DateTimeField(auto_now_add=True)
    agreed_at = models.DateTimeField(null=True, blank=True)

    scope_parents = ("module",)

    class Meta:
        ordering = ["module", "number"]
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="one_version_number")
        ]

    def __str__(self):
        return f"{self.module} version {self.number}"

    @property
    def sections(self):
        return self.snapshot["sections"]

    def section_snapshot(self, section_id):
        return next((s for s in self.sections if s["id"] == section_id), None)


class ReviewRound(models.Model):
    module = models.ForeignKey(
        "workshops.Module", on_delete=models.PROTECT, related_name="review_rounds"
    )
    number = models.PositiveIntegerField()
    version = models.OneToOneField(
        ModuleVersion, on_delete=models.PROTECT, related_name="review_round"
    )
    status = models.CharField(max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_by = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("message to reviewers"), blank=True, max_length=5000)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    scope_parents = ("module",)

    class Meta:
        ordering = ["module", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="one_round_number"),
            # A double click, or two people at once, can never open two rounds on one module.
            models.UniqueConstraint(
                fields=["module"],
                condition=models.Q(status="open"),
                name="one_open_round_per_module",
            ),
        ]

    def __str__(self):
        return f"{self.module} round {self.number}"

    def get_absolute_url(self):
        return reverse("review_round_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self):
        return self.status == RoundStatus.OPEN


class Reviewer(models.Model):
    """A person asked to review a round. Only those whose role allows it can sign off."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="reviewers")
    membership = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="review_assignments"
    )

    scope_parents = ("round",)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "membership"], name="one_reviewer_per_round")
        ]

    def __str__(self):
        return f"{self.membership} on {self.round}"


class Decision(models.Model):
    """A reviewer's current decision in a round, bound to the frozen version's hash."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="decisions")
    membership = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="decisions"
    )
    # The reviewer's perspective when deciding; sign-off counts it, not a later change.
    perspective = models.CharField(max_length=20, choices=Perspective.choices)
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    reason = models.TextField(blank=True, max_length=5000)
    content_hash = models.CharField(max_length=64)
    decided_at = models.DateTimeField(auto_now=True)

    scope_parents = ("round",)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "membership"], name="one_decision_per_reviewer"
            )
        ]

    def __str__(self):
        return f"{self.membership}: {self.kind} on {self.round}"

    @property
    def is_approval(self):
        return self.kind == DecisionKind.APPROVE


class Comment(models.Model):
    """A comment on a section of a round's frozen version, or a reply to one.

    Unresolved top-level comments stay open items in later rounds of the same module.
    """

    module = models.ForeignKey(
        "workshops.Module", on_delete=models.PROTECT, related_name="comments"
    )
    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="comments")
    section_id = models.BigIntegerField(null=True, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="comments"
    )
    quote = models.TextField(_("quoted passage"), blank=True, max_length=2000)
    body = models.TextField(_("comment"), max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_parents = ("module",)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Comment {self.pk} on {self.module}"

    @property
    def is_resolved(self):
        return self.resolved_at is not None
