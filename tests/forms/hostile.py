"""Hostile and malformed input posted to a form: what every case of the tests/forms tables says
and how it is checked.

Each case posts as the person the form is for and says the status and the exact errors shown
beside each field (read from the page, as crispy-forms renders them). Control characters are
removed rather than refused (see ``CleanTextMixin``), so they save; a field holding nothing else
counts as empty.
"""

from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from tests.helpers import field_errors, form_values, invalid_fields
from workshops.models import ContributionEntry

REQUIRED = "This field is required."
HUGE_TITLE = "t" * 10_000
HUGE_BODY = "word " * 139_999 + "word!"  # 700,000 characters, nothing to strip
CONTROL = "\x00\x01\x07\x0b\x1b\x7f"
CONFLICT = "Someone else saved this section"


def too_long(limit, length):
    return f"Ensure this value has at most {limit} characters (it has {length})."


def bad_choice(value):
    return f"Select a valid choice. {value} is not one of the available choices."


@dataclass(frozen=True)
class Case:
    url: Any  # world -> url
    data: Any  # world -> POST data
    status: int
    errors: dict = field(default_factory=dict)  # field -> the errors shown beside it
    who: str = "lead"  # "lead", "co_trainer", or "anonymous"


def _client(world, who):
    client = Client()
    client.raise_request_exception = False
    if who != "anonymous":
        client.force_login(getattr(world, who).user)
    return client


def check_hostile_case(world, case):
    """Post the case's data as its person: a 4xx (or the form again), never a 500, with the
    errors beside the fields, the person's text kept on a conflict, and nothing logged."""
    client = _client(world, case.who)
    log_before = ContributionEntry.objects.count()
    data = case.data(world)

    response = client.post(case.url(world), data)

    assert response.status_code < 500
    assert response.status_code == case.status
    if case.status in (200, 400):
        html = response.content.decode()
        assert field_errors(html) == case.errors
        # Each field in error is marked invalid for styling and assistive technology.
        assert invalid_fields(html) == set(case.errors)
    if case.status == 409:
        # The conflict page, with the person's text still in the box.
        html = response.content.decode()
        assert CONFLICT in html
        assert form_values(html, "body")["body"] == data["body"]
    if case.status != 302:
        assert ContributionEntry.objects.count() == log_before
