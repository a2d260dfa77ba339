"""Fair pay: the rate card, months closed for payment, expenses and funding pots.

Payments for time are income to the person; expenses are not, so they are kept in their own
table and never summed with payments."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from workshops.enums import ExpenseKind, RateUnit, TimeActivity

# The most one row, expense or pot can hold: £1,000,000, far above any real figure.
MAX_PENCE = 100_000_000


class PayRate(models.Model):
    """One row of an organisation's rate card. Rows are never edited: a new row from a date
    replaces the old one from then on, so what was in force on any day can always be shown."""

    organisation = models.ForeignKey(
        "workshops.Organisation", on_delete=models.CASCADE, related_name="pay_rates"
    )
    # Blank for a row that covers any activity.
    activity = models.CharField(
        _("activity"),
        max_length=20,
        choices=[("", _("Any activity")), *TimeActivity.choices],
        blank=True,
    )
    unit = models.CharField(_("unit"), max_length=20, choices=RateUnit.choices)
    amount_pence = models.PositiveIntegerField(
        _("amount in pence"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PENCE)]
    )
    starts_on = models.DateField(_("starts on"))
    added_by = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="pay_rates_added"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "activity", "-pk"]

    def __str__(self):
        return f"{self.activity or 'any'} {self.unit} {self.amount_pence}p from {self.starts_on}"


class PayMonthClose(models.Model):
    """A month the lead has closed for payment: its choices and expenses no longer change."""

    organisation = models.ForeignKey(
        "workshops.Organisation", on_delete=models.CASCADE, related_name="pay_month_closes"
    )
    # The first day of the month.
    month = models.DateField(_("month"))
    closed_by = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="pay_months_closed"
    )
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="one_close_per_month")
        ]

    def __str__(self):
        return f"{self.month:%B %Y} closed"


class Expense(models.Model):
    """Money a person spent to take part, paid back to them. Not income."""

    membership = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="expenses"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=ExpenseKind.choices)
    miles = models.DecimalField(
        _("miles"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(9999)],
    )
    pence_per_mile = models.PositiveIntegerField(_("pence per mile"), null=True, blank=True)
    amount_pence = models.PositiveIntegerField(
        _("amount in pence"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PENCE)]
    )
    receipt_note = models.CharField(_("receipt"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_parents = ("membership",)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.amount_pence}p by {self.membership}"


class FundingPot(models.Model):
    """The money an organisation has for involvement payments and expenses in one financial
    year (``year`` is the year it starts: 2026 for 2026-27)."""

    organisation = models.ForeignKey(
        "workshops.Organisation", on_delete=models.CASCADE, related_name="funding_pots"
    )
    year = models.PositiveSmallIntegerField(
        _("financial year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField(_("name"), max_length=200)
    amount_pence = models.PositiveIntegerField(
        _("amount in pence"), validators=[MaxValueValidator(MAX_PENCE)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_pot_per_year")
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"
