"""The error pages a person sees: the site's 400, 404, 403, 413 and 500, plain and without
details."""

import threading
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.helpers import form_values, html_text, page_heading
from tests.urls_with_error import FAILURE_DETAIL
from workshops.models import ContributionEntry
from workshops.views import errors


def test_unknown_page_shows_site_404(client_for, world):
    response = client_for(world.lead).get("/no-such-page/")

    assert response.status_code == 404
    assert page_heading(response) == "We can't find that page"


def test_other_organisation_object_shows_site_404(client_for, world, other_world):
    response = client_for(world.lead).get(
        reverse("workshop_detail", kwargs={"pk": other_world.workshop.pk})
    )

    assert response.status_code == 404
    assert page_heading(response) == "We can't find that page"


def test_forbidden_action_shows_site_403(client_for, world, observer):
    response = client_for(observer).post(reverse("section_delete", kwargs={"pk": world.section.pk}))

    assert response.status_code == 403
    assert page_heading(response) == "You can't do that here"


def test_observer_refusal_page_says_so(client_for, world, observer):
    response = client_for(observer).get(reverse("workshop_edit", kwargs={"pk": world.workshop.pk}))

    assert response.status_code == 403
    assert response.templates[0].name == "403.html"
    assert page_heading(response) == "You can't do that here"


@pytest.mark.urls("tests.urls_with_error")
def test_server_error_shows_plain_500_without_details(client_for, world):
    client = client_for(world.lead)
    client.raise_request_exception = False

    response = client.get("/test-only/fail/")

    assert response.status_code == 500
    html = response.content.decode()
    assert page_heading(response) == "Sorry, something went wrong on our side"
    assert "Anything you had already saved is safe." in html
    assert FAILURE_DETAIL not in html
    assert "Traceback" not in html
    assert "RuntimeError" not in html


@pytest.mark.urls("tests.urls_with_error")
def test_server_error_for_anonymous_shows_plain_500(client):
    client.raise_request_exception = False

    response = client.get("/test-only/fail/")

    assert response.status_code == 500
    assert page_heading(response) == "Sorry, something went wrong on our side"


# A form too big to take in, and requests Django cannot read: pages in the site's look


def _browser_client(membership):
    """A client that, like a browser, must send the CSRF token, so CsrfViewMiddleware reads
    the form as it does in production (the test client skips that by default)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(membership.user)
    return client


def test_form_over_the_upload_limit_shows_plain_413_and_saves_nothing(world):
    client = _browser_client(world.co_trainer)
    url = reverse("section_edit", kwargs={"pk": world.section.pk})
    form = form_values(client.get(url).content.decode(), "based_on_version")
    entries_before = ContributionEntry.objects.count()
    # A little over the limit once form-encoded (12 bytes a character).
    body = "🌱" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 12 + 1_000)
    encoded = urlencode({**form, "body": body, "save": ""})
    assert len(encoded) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = client.post(url, encoded, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert [t.name for t in response.templates][:2] == ["413.html", "base.html"]
    assert page_heading(response) == "That was too much to send at once"
    text = html_text(response.content.decode())
    assert "Nothing was saved." in text
    assert "your text may still be in the page" in text
    assert "save it in smaller parts" in text
    world.section.refresh_from_db()
    assert world.section.version == 1
    assert ContributionEntry.objects.count() == entries_before


def test_form_within_the_upload_limit_still_needs_its_csrf_token(world):
    client = _browser_client(world.co_trainer)
    url = reverse("section_edit", kwargs={"pk": world.section.pk})

    response = client.post(url, {"body": "Behaviour is communication."})

    assert response.status_code == 403
    world.section.refresh_from_db()
    assert world.section.version == 1


def test_form_with_too_many_fields_shows_plain_400(client_for, world):
    url = reverse("section_edit", kwargs={"pk": world.section.pk})
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = client_for(world.co_trainer).post(url, fields)

    assert response.status_code == 400
    assert [t.name for t in response.templates][:2] == ["400.html", "base.html"]
    assert page_heading(response) == "We couldn't read what was sent"
    assert "nothing was saved" in html_text(response.content.decode())
    world.section.refresh_from_db()
    assert world.section.version == 1


def test_unknown_host_shows_plain_400(client):
    response = client.get("/", headers={"host": "not-this-site.example"})

    assert response.status_code == 400
    assert page_heading(response) == "We couldn't read what was sent"
    assert "not-this-site.example" not in response.content.decode()


def test_an_error_page_rendered_off_the_requests_thread_gives_its_connection_back(
    flushable_log, make_world, rf
):
    # As Django 5.2 does under ASGI: the page is rendered on a thread that is not the request's,
    # which reads the header's organisations on a connection of its own (so the data commits).
    world = make_world()
    request = rf.get("/somewhere/")
    request.user = world.lead.user
    request.session = {}
    seen = {}

    def render_elsewhere():
        response = errors.page_not_found(request)
        seen["status"] = response.status_code
        seen["read_the_header"] = world.organisation.name in response.content.decode()
        seen["left_open"] = connection.connection is not None

    thread = threading.Thread(target=render_elsewhere)
    thread.start()
    thread.join(timeout=30)

    assert seen == {"status": 404, "read_the_header": True, "left_open": False}
