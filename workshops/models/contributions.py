import hashlib
import json

from django.db import models

from workshops.enums import Perspective

from .organisations import perspective_label


class ContributionEntry(models.Model):
    """One change made through the app: who, with which perspective, did what to which object.

    Entries hold ids and counts, never text, so erasing a person never means rewriting the log.
    Each entry's hash covers its canonical content and the previous entry's hash in the same
    organisation, so any later change to a row breaks the chain.
    """

    organisation = models.ForeignKey(
        "workshops.Organisation", on_delete=models.PROTECT, related_name="contributions"
    )
    membership = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="contributions"
    )
    # The perspective at the moment of the change; a later change of perspective keeps history.
    perspective = models.CharField(max_length=20, choices=Perspective.choices)
    action = models.CharField(max_length=40)
    target_type = models.CharField(max_length=30)
    target_id = models.BigIntegerField()
    workshop_id = models.BigIntegerField(null=True, blank=True)
    module_id = models.BigIntegerField(null=True, blank=True)
    words_added = models.PositiveIntegerField(default=0)
    words_removed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["organisation", "pk"]
        indexes = [models.Index(fields=["organisation", "created_at"])]
        verbose_name_plural = "contribution entries"

    def __str__(self):
        return f"{self.action} {self.target_type}:{self.target_id} by {self.membership_id}"

    @property
    def perspective_label(self):
        return perspective_label(self.perspective)

    def canonical_content(self):
        """The fields the hash covers, in a fixed order and format."""
        return json.dumps(
            {
                "organisation": self.organisation_id,
                "membership": self.membership_id,
                "perspective": self.perspective,
                "action": self.action,
                "target_type": self.target_type,
                "target_id": self.target_id,
                "workshop": self.workshop_id,
                "module": self.module_id,
                "words_added": self.words_added,
                "words_removed": self.words_removed,
                "created_at": self.created_at.isoformat(),
                "previous_hash": self.previous_hash,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def compute_hash(self):
        return hashlib.sha256(self.canonical_content().encode()).hexdigest()
