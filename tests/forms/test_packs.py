"""The form for asking for a pack: what to print, which module, and the print size."""

from workshops.enums import PackKind, PrintSize
from workshops.forms.packs import PackRequestForm


class _Module:
    """Just what the form reads of a module: its id and title."""

    def __init__(self, pk, title):
        self.pk, self.title = pk, title


MODULES = [_Module(7, "Understanding behaviour"), _Module(8, "Everyday routines")]


def _form(data=None):
    return PackRequestForm(data, modules=MODULES)


def test_pack_request_form_offers_standard_and_large_print_with_standard_chosen():
    choices = _form().print_size_choices()

    assert [(c["value"], c["label"], c["checked"]) for c in choices] == [
        (PrintSize.STANDARD, "Standard print", True),
        (PrintSize.LARGE, "Large print", False),
    ]
    assert "18 point" in str(choices[1]["hint"])


def test_pack_request_form_keeps_the_print_size_chosen_when_shown_again():
    form = _form({"kind": PackKind.MODULE_HANDOUT, "module": "", "print_size": "large"})

    assert not form.is_valid()
    assert [c["checked"] for c in form.print_size_choices()] == [False, True]


def test_pack_request_form_with_large_print_cleans_to_large():
    form = _form({"kind": PackKind.ATTENDEE, "module": "", "print_size": "large"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["print_size"] == PrintSize.LARGE
    assert form.cleaned_data["module"] is None


def test_pack_request_form_without_a_print_size_asks_for_standard_print():
    form = _form({"kind": PackKind.MODULE_HANDOUT, "module": "8"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["print_size"] == PrintSize.STANDARD
    assert form.cleaned_data["module"] is MODULES[1]


def test_pack_request_form_refuses_an_unknown_print_size_beside_the_field():
    form = _form({"kind": PackKind.ATTENDEE, "print_size": "huge"})

    assert not form.is_valid()
    assert form.errors == {
        "print_size": ["Select a valid choice. huge is not one of the available choices."]
    }
