"""What every form shares: control characters removed, crispy layout without its own form tag."""

import re

from crispy_forms.helper import FormHelper
from django import forms


def date_input():
    """A browser's date box: it takes its value only in ISO form (2026-05-04), so a date given
    in the language's own form (04/05/2026) would show as an empty box."""
    return forms.DateInput({"type": "date"}, format="%Y-%m-%d")


# Control characters other than tab and newlines: invisible, never meant, and some databases
# refuse them. Removed rather than refused so a paste from another program still saves.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _without_control_characters(data):
    if hasattr(data, "lists"):
        data = data.copy()
        for key, values in list(data.lists()):
            data.setlist(
                key, [_CONTROL_CHARACTERS.sub("", v) if isinstance(v, str) else v for v in values]
            )
        return data
    return {k: _CONTROL_CHARACTERS.sub("", v) if isinstance(v, str) else v for k, v in data.items()}


class CleanTextMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Removed before the fields validate, so a NUL is not refused ("Null characters are not
        # allowed") and a field of only control characters counts as empty.
        if self.is_bound:
            self.data = _without_control_characters(self.data)

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = _CONTROL_CHARACTERS.sub("", value)
        return cleaned


class CrispyLayoutMixin:
    """Fields laid out by crispy-forms inside the page's own <form> (which has the CSRF token)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class CrispyForm(CleanTextMixin, CrispyLayoutMixin, forms.Form):
    pass


class CrispyModelForm(CleanTextMixin, CrispyLayoutMixin, forms.ModelForm):
    """A form whose fields, labels and help texts come from its model.

    Views pass the data on to a service, never ``save()`` it: every write goes through one.
    """
