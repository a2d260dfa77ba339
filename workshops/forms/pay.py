"""Fair pay forms. Money is typed in pounds and pence ("12.50") and kept as whole pence."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from workshops.enums import ExpenseKind, Payment, RateUnit
from workshops.models import PayRate

from .base import CrispyForm, date_input

MAX_POUNDS = Decimal("1000000")


def pounds_field(label, *, required=True, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_value=MAX_POUNDS,
        decimal_places=2,
        help_text=help_text,
        widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Enter an amount in pounds and pence, for example 12.50."),
            "max_decimal_places": _("Enter no more than 2 figures after the point."),
        },
    )


class PayRateForm(CrispyForm):
    activity = forms.ChoiceField(
        label=_("Activity"),
        choices=PayRate._meta.get_field("activity").choices,
        required=False,
        help_text=_("A row for one activity is used before a row for any activity."),
    )
    unit = forms.ChoiceField(label=_("Paid"), choices=RateUnit.choices)
    amount = pounds_field(_("Amount in pounds"), help_text=_("For example 25.00"))
    starts_on = forms.DateField(label=_("Starts on"), widget=date_input())


class PaymentChoiceForm(CrispyForm):
    """One time entry's choice, shown once per entry on the payments page."""

    entry = forms.IntegerField(widget=forms.HiddenInput)
    payment = forms.ChoiceField(label=_("Your choice"), choices=Payment.choices)
    reduced = pounds_field(
        _("Reduced amount in pounds (only if you chose reduced)"), required=False
    )


class MonthCloseForm(CrispyForm):
    month = forms.DateField(
        label=_("Month to close"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput({"type": "month"}, format="%Y-%m"),
        help_text=_("For example 2026-04. After closing, nobody can change that month's pay."),
        error_messages={"invalid": _("Enter a month as year and month, for example 2026-04.")},
    )


class ExpenseForm(CrispyForm):
    date = forms.DateField(label=_("Date"), widget=date_input())
    kind = forms.ChoiceField(label=_("Kind of expense"), choices=ExpenseKind.choices)
    amount = pounds_field(
        _("Amount in pounds"),
        required=False,
        help_text=_("Leave empty for mileage: it is worked out from the miles."),
    )
    miles = forms.DecimalField(
        label=_("Miles (mileage only)"),
        required=False,
        min_value=Decimal("0.1"),
        max_value=Decimal("9999"),
        decimal_places=1,
        widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"}),
    )
    receipt_note = forms.CharField(
        label=_("Receipt"),
        max_length=300,
        help_text=_("“Receipt kept by …”, or “no receipt:” and why."),
    )


class FundingPotForm(CrispyForm):
    name = forms.CharField(label=_("Name of the funding"), max_length=200)
    amount = forms.DecimalField(
        label=_("Amount in pounds"),
        min_value=Decimal("0"),
        max_value=MAX_POUNDS,
        decimal_places=2,
        widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter an amount in pounds and pence, for example 5000.00.")},
    )
