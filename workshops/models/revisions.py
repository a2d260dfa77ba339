from django.db import models


class SectionRevision(models.Model):
    """The full text of a section at one save. Revisions are never changed or deleted."""

    section = models.ForeignKey(
        "workshops.Section", on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField()
    author = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="revisions"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # Who wrote each word of ``body`` at this revision: runs of [membership id, word count].
    attribution = models.JSONField(default=list, blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_parents = ("section",)

    class Meta:
        ordering = ["section", "version"]
        constraints = [
            models.UniqueConstraint(fields=["section", "version"], name="one_revision_per_version")
        ]

    def __str__(self):
        return f"{self.section} v{self.version}"
