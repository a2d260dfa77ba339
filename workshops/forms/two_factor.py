"""The code and rule forms of two-step sign-in (views/two_factor.py)."""

from django import forms
from django.utils.translation import gettext_lazy

from workshops.models import Organisation

from .base import CrispyForm, CrispyModelForm


class CodeForm(CrispyForm):
    code = forms.CharField(
        label=gettext_lazy("The code from your app, or a recovery code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class AppCodeForm(CrispyForm):
    code = forms.CharField(
        label=gettext_lazy("The 6-digit code the app shows"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class TwoStepRuleForm(CrispyModelForm):
    class Meta:
        model = Organisation
        fields = ["leads_need_two_step"]
