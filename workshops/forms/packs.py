"""Asking for a printable pack."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workshops.enums import (
    PackKind,
)


class PackRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to print"),
        choices=PackKind.choices,
        widget=forms.Select({"class": "form-select"}),
    )
    module = forms.TypedChoiceField(
        label=_("Module (for a one-module handout)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = {m.pk: m for m in modules}
        self.fields["module"].choices = [("", "—")] + [(m.pk, m.title) for m in modules]

    def clean(self):
        cleaned = super().clean()
        kind, module_id = cleaned.get("kind"), cleaned.get("module")
        if kind == PackKind.MODULE_HANDOUT:
            if module_id is None:
                self.add_error("module", _("Choose the module to print."))
            cleaned["module"] = self.modules.get(module_id)
        else:
            cleaned["module"] = None
        return cleaned
