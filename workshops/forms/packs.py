"""Asking for a printable pack."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workshops.enums import (
    PackKind,
    PrintSize,
)

# What each print size is, in the words of the person choosing it.
PRINT_SIZE_HINTS = {
    PrintSize.STANDARD: _("Clear text in a size most people read comfortably."),
    PrintSize.LARGE: _(
        "Bigger, bolder text (18 point) on more pages, for anyone who finds small print hard "
        "to read."
    ),
}


class PackRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to print"),
        choices=PackKind.choices,
        widget=forms.Select({"class": "form-select"}),
    )
    module = forms.TypedChoiceField(
        label=_("Module (for a one-module handout)"), coerce=int, required=False, empty_value=None
    )
    # Not required: a form sent without it (from a page made before large print) asks for the
    # standard pack, as it always did.
    print_size = forms.ChoiceField(
        label=_("Print size"),
        choices=PrintSize.choices,
        required=False,
        initial=PrintSize.STANDARD,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = {m.pk: m for m in modules}
        self.fields["module"].choices = [("", "—")] + [(m.pk, m.title) for m in modules]

    def print_size_choices(self):
        """Each print size with its hint and whether it is chosen, for the radios on the page."""
        chosen = self["print_size"].value() or PrintSize.STANDARD
        return [
            {
                "value": value,
                "label": label,
                "hint": PRINT_SIZE_HINTS[value],
                "checked": value == chosen,
            }
            for value, label in PrintSize.choices
        ]

    def clean_print_size(self):
        return self.cleaned_data["print_size"] or PrintSize.STANDARD

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
