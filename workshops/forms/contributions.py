"""The contribution log's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workshops.enums import (
    Action,
)

from .base import date_input


class ContributionLogFilterForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    module = forms.TypedChoiceField(label=_("Module"), coerce=int, required=False, empty_value=None)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=date_input())

    def __init__(self, *args, memberships=(), modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Everyone"))]
        self.fields["person"].choices = everyone + [(m.pk, m.user.full_name) for m in memberships]
        self.fields["module"].choices = [("", _("All modules"))] + [
            (m.pk, f"{m.workshop.title} — {m.title}") for m in modules
        ]
        self.fields["action"].choices = [("", _("All actions"))] + list(Action.choices)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters, as ``contribution_log`` takes them; none while the form is
        unbound or invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "membership_id": data["person"],
            "module_id": data["module"],
            "action": data["action"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
