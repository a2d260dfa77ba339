"""Recording time."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workshops.enums import (
    Payment,
    TimeActivity,
)

from .base import CrispyForm, date_input

# A reduced amount is chosen afterwards, on the payments page, once the full amount is known.
PAYMENT_WHEN_RECORDING = [
    (value, label) for value, label in Payment.choices if value != Payment.REDUCED
]


class TimeEntryForm(CrispyForm):
    date = forms.DateField(label=_("Date"), widget=date_input())
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    activity = forms.ChoiceField(label=_("Activity"), choices=TimeActivity.choices)
    payment = forms.ChoiceField(
        label=_("Payment"),
        choices=PAYMENT_WHEN_RECORDING,
        widget=forms.RadioSelect,
        help_text=_(
            "You can decline payment or donate it, for example if it could affect your "
            "benefits. To take a smaller amount, choose it afterwards on Your payments."
        ),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)
