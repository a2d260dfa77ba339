"""Forms for co-design sessions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workshops.models import CoDesignSession

from .base import CleanTextMixin, CrispyForm, CrispyModelForm
from .time import PAYMENT_WHEN_RECORDING


class SessionForm(CrispyForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput({"type": "datetime-local"})
    )
    agenda = forms.TypedMultipleChoiceField(
        label=_("Modules to work on"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    facilitator = forms.TypedChoiceField(label=_("Facilitator"), coerce=int)

    def __init__(self, *args, modules=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = {m.pk: m for m in modules}
        self.members = {m.pk: m for m in members}
        self.fields["agenda"].choices = [(m.pk, m.title) for m in modules]
        self.fields["facilitator"].choices = [(m.pk, m.user.full_name) for m in members]

    def clean_agenda(self):
        return [self.modules[pk] for pk in self.cleaned_data["agenda"]]

    def clean_facilitator(self):
        return self.members[self.cleaned_data["facilitator"]]


class SessionRecordForm(CrispyModelForm):
    class Meta:
        model = CoDesignSession
        fields = ["notes", "decisions", "actions"]
        labels = {"actions": _("Actions (who does what)")}
        widgets = {
            "notes": forms.Textarea({"rows": 4}),
            "decisions": forms.Textarea({"rows": 3}),
            "actions": forms.Textarea({"rows": 3}),
        }


class ConfirmSessionTimeForm(CleanTextMixin, forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    payment = forms.ChoiceField(label=_("Payment"), choices=PAYMENT_WHEN_RECORDING)
