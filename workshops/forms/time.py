"""Recording time."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workshops.enums import (
    Payment,
    TimeActivity,
)

from .base import CrispyForm


class TimeEntryForm(CrispyForm):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput({"type": "date"}))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    activity = forms.ChoiceField(label=_("Activity"), choices=TimeActivity.choices)
    payment = forms.ChoiceField(
        label=_("Payment"),
        choices=Payment.choices,
        widget=forms.RadioSelect,
        help_text=_("You can decline payment, for example if it could affect your benefits."),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)
