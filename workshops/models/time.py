from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from workshops.enums import Payment, TimeActivity


class TimeEntry(models.Model):
    """Time a member gave, and whether it is to be paid. Family carers may decline payment, for
    example to protect their benefits; that choice is theirs and is recorded as such."""

    membership = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="time_entries"
    )
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    activity = models.CharField(_("activity"), max_length=20, choices=TimeActivity.choices)
    payment = models.CharField(_("payment"), max_length=20, choices=Payment.choices)
    # The full amount at the rate in force on ``date``, set when the entry is recorded and again
    # when a rate card row is added for its date while its month is open.
    amount_pence = models.PositiveIntegerField(_("amount in pence"), default=0)
    # What the person chose to take instead, when their choice is "reduced".
    reduced_pence = models.PositiveIntegerField(_("reduced amount in pence"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Set when the entry was pre-filled from a session's attendance and then confirmed.
    session = models.ForeignKey(
        "workshops.CoDesignSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_parents = ("membership",)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "time entries"
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "session"],
                condition=models.Q(session__isnull=False),
                name="one_confirmed_entry_per_session",
            )
        ]

    def __str__(self):
        return f"{self.minutes} min {self.activity} by {self.membership}"
