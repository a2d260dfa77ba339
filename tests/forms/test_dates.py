"""Every date a form shows goes into a browser's date box in the one form it takes (ISO): a date
in the language's own form (04/12/2026) leaves the box empty, and an edit form would lose it."""

import datetime

import pytest
from django import forms

from tests.forms.test_limits import FORM_CLASSES

DATE_FIELDS = [
    pytest.param(form_class, name, id=f"{form_class.__name__}.{name}")
    for form_class in FORM_CLASSES
    for name, field in form_class.base_fields.items()
    if isinstance(field, forms.DateField) and field.widget.input_type == "date"
]


def test_dates_walk_finds_the_date_boxes():
    assert len(DATE_FIELDS) >= 5


@pytest.mark.parametrize(("form_class", "name"), DATE_FIELDS)
def test_dates_a_date_box_shows_its_date_in_iso_form(form_class, name):
    widget = form_class.base_fields[name].widget

    html = widget.render(name, datetime.date(2026, 12, 4))

    assert 'value="2026-12-04"' in html
