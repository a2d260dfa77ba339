"""No page or email says "you are signed in as ." because a variable it names does not exist.

Django renders a missing variable as an empty string, silently. Here ``string_if_invalid`` is an
object that records every miss instead (the template and the variable's name), and then every page
the isolation test knows is fetched as a lead and as a family carer, with the pages no URL table
lists (error pages, sign-in, a compare with two versions, a wrong-account invitation), and every
email is rendered through ``workshops/notifications.py``. The failure lists each template and
variable. Only the project's own templates count: a third-party template (crispy forms) may
leave its optional variables out.

A template that tests an optional variable with ``{% if %}`` or ``{% firstof %}`` is not
affected; ``{{ x|default:"" }}`` is (the default is never reached), so such a page is given the
variable explicitly.
"""

import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.template import loader
from django.template.base import Node
from django.urls import reverse
from django.views.csrf import csrf_failure

from tests import test_isolation
from tests.helpers import edit_section
from workshops import notifications
from workshops.enums import DecisionKind
from workshops.services import reviews as review_services
from workshops.throttle import too_many_tries
from workshops.views import errors

# The isolation test's table of every URL, and its world (complete, with a pack on disk).
ROUTES = test_isolation.ROUTES
world = test_isolation.world
packs_root = test_isolation.packs_root

PROJECT_TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
# A page that GETs as a file or data, not HTML from a template.
NOT_PAGES = {
    "contribution_log_csv",
    "contribution_log_checkpoint",
    "time_records_csv",
    "pack_download",
    "two_factor_recovery_codes_download",
    "healthz",
    "favicon",
}
# Last in the isolation table because it signs the person out; a GET is refused anyway.
SIGNS_OUT = {"sign_out_everywhere"}
# Not there (404) for members; checked as a staff user in tests/views/test_operator.py.
OPERATOR_PAGES = {"operator_organisation_create"}


class MissingVariables:
    """``string_if_invalid`` that writes down each variable a template names but is not there.

    Django checks ``"%s" in string_if_invalid`` and then formats it with the variable's name;
    the template being rendered is found in the caller's ``context``.
    """

    def __init__(self):
        self.missing = set()

    def __bool__(self):
        return True

    def __contains__(self, item):
        return item == "%s"

    def __mod__(self, name):
        template = _rendering_template()
        if template is not None and Path(template).is_relative_to(PROJECT_TEMPLATES):
            self.missing.add((str(Path(template).relative_to(PROJECT_TEMPLATES)), str(name)))
        return ""

    def __str__(self):
        return ""


def _rendering_template():
    """The file of the template node whose variable is being looked up, from the calling frames
    (each node knows the template it was parsed from, even inside an extended or included one)."""
    frame = sys._getframe(2)
    while frame is not None:
        node = frame.f_locals.get("self")
        if isinstance(node, Node):
            return node.origin.name
        frame = frame.f_back
    return None


@pytest.fixture
def missing(settings):
    recorder = MissingVariables()
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["OPTIONS"] = {**templates[0]["OPTIONS"], "string_if_invalid": recorder}
    # Changing TEMPLATES makes Django build its template engines again, with the recorder.
    settings.TEMPLATES = templates
    return recorder


def _page_names():
    return [
        name
        for name, route in ROUTES.items()
        if "GET" in route.methods and name not in NOT_PAGES | SIGNS_OUT | OPERATOR_PAGES
    ]


def _fetch_every_page(client, world):
    statuses = {}
    for name in _page_names():
        url = reverse(name, kwargs=ROUTES[name].kwargs(world))
        statuses[name] = client.get(url).status_code
    return statuses


def _with_two_versions(world):
    edit_section(world.section, "A second version, written by the lead.", actor=world.lead)
    world.section.refresh_from_db()
    return world


def _compare_url(world):
    url = reverse("section_compare", kwargs={"pk": world.section.pk})
    return f"{url}?old=1&new={world.section.version}"


def _missing_report(recorder):
    """Each template and missing variable, one a line, so a failure reads as a list."""
    return "\n".join(f"{template}: {name}" for template, name in sorted(recorder.missing))


@pytest.mark.parametrize("person", ["lead", "co_trainer"])
def test_every_page_names_only_variables_it_has(client_for, world, missing, person):
    _with_two_versions(world)
    client = client_for(getattr(world, person))

    statuses = _fetch_every_page(client, world)
    compare = client.get(_compare_url(world))

    # The pages rendered (a role may be refused some: its 403 page is rendered and checked too).
    assert set(statuses.values()) <= {200, 302, 400, 403, 405}
    assert compare.status_code == 200
    assert _missing_report(missing) == ""


def test_pages_without_a_signed_in_person_name_only_variables_they_have(client, world, missing):
    responses = [
        client.get(reverse("login")),
        client.get(reverse("password_reset")),
        client.get(reverse("password_reset_done")),
        client.get(reverse("password_reset_complete")),
        client.get(reverse("password_reset_confirm", kwargs={"uidb64": "x", "token": "y"})),
        client.get(reverse("glossary")),
        client.get(reverse("invitation_accept", kwargs={"token": world.invitation.token})),
        client.get("/no-such-page/"),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200, 200, 200, 404]
    assert _missing_report(missing) == ""


def test_wrong_account_invitation_names_only_variables_it_has(client_for, world, missing):
    response = client_for(world.lead).get(
        reverse("invitation_accept", kwargs={"token": world.invitation.token})
    )

    assert response.status_code == 403
    assert _missing_report(missing) == ""


def test_error_pages_name_only_variables_they_have(world, missing, rf):
    request = rf.get("/")
    request.user = world.lead.user
    request.session = {}

    statuses = [
        errors.bad_request(request).status_code,
        errors.permission_denied(request).status_code,
        errors.page_not_found(request).status_code,
        errors.request_too_big(request).status_code,
        too_many_tries(request).status_code,
        csrf_failure(request, reason="CSRF cookie not set.").status_code,
        errors.server_error(request).status_code,
    ]

    assert statuses == [400, 403, 404, 413, 429, 403, 500]
    assert _missing_report(missing) == ""


def test_every_email_names_only_variables_it_has(
    world, missing, django_capture_on_commit_callbacks
):
    round = world.review_round
    # Reminders go to reviewers who have not decided yet: before anyone does.
    notifications.review_reminder_email(round)
    # Both reviewers approve, so the module is agreed and its email has a sign-off to tell of.
    with django_capture_on_commit_callbacks(execute=True):
        for reviewer in (world.co_trainer, world.lead):
            decision = review_services.review_decide(
                round=round,
                kind=DecisionKind.APPROVE,
                content_hash=round.version.content_hash,
                actor=reviewer,
            )
    mail.outbox[:] = [m for m in mail.outbox if m.subject.startswith("Reminder")]
    round.refresh_from_db()
    round.version.refresh_from_db()
    assert round.version.agreed_at is not None

    notifications.invitation_email(world.invitation)
    notifications.review_round_opened_email(round)
    notifications.review_decision_email(decision)
    notifications.comment_email(world.comment)
    notifications.module_agreed_email(round)
    notifications.password_reset_email(email=world.lead.user.email)
    notifications.log_checkpoint_email(world.organisation)
    consent = world.story.consent
    notifications.consent_withdrawn_email(consent)
    notifications.consent_ending_email(consent)
    notifications.consent_ended_email(consent)

    # One of each of the eleven emails.
    assert len({m.subject for m in mail.outbox}) == 11
    assert _missing_report(missing) == ""


def test_recorder_catches_a_missing_variable(missing):
    # The check itself can fail: a sentence with a hole in it is found.
    template = loader.get_template("registration/invitation_wrong_account.html")
    template.render({"invitation": None, "user": None, "csrf_token": "x"})

    assert ("registration/invitation_wrong_account.html", "signed_in_email") in missing.missing
