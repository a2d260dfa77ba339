"""Request ids and log lines: every line written for a request carries its id, the response hands
the id back, a 403 or 404 is one line without a traceback, and a 500 keeps its traceback.

The lines are read from the console handler that settings.LOGGING configures (its stream swapped
for a buffer), so the filters and the format are the ones a deployment runs.
"""

import io
import logging
import re

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse

from coprod.request_logging import HEADER

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def console_lines():
    """The lines the configured console handler writes from now on."""
    (handler,) = [h for h in logging.getLogger().handlers if h.name == "console"]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield lambda: buffer.getvalue().splitlines()
    finally:
        handler.setStream(previous)


@pytest.fixture
def failing_disk(settings, tmp_path):
    """/healthz then fails (and logs why) without needing anything to be down."""
    settings.REDIS_URL = settings.CELERY_BROKER_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PACKS_ROOT = tmp_path
    settings.HEALTHZ_MIN_FREE_DISK_MB = 10**12


@pytest.mark.django_db
def test_request_id_given_plain_token_is_echoed(client):
    response = client.get("/no-such-page/", headers={HEADER: "Root=1-67891233-abc.def_42"})

    assert response[HEADER] == "Root=1-67891233-abc.def_42"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "given",
    [
        "abc\n2026-01-01 ERROR forged line",
        "two words",
        "<script>alert(1)</script>",
        "x" * 129,
        "",
        "caf\u00e9",
    ],
)
def test_request_id_given_unsafe_is_replaced_by_a_new_one(client, given):
    response = client.get("/no-such-page/", headers={HEADER: given})

    assert response[HEADER] != given
    assert NEW_ID.fullmatch(response[HEADER])


@pytest.mark.django_db
def test_request_id_none_given_each_request_gets_its_own(client):
    first = client.get("/no-such-page/")[HEADER]
    second = client.get("/no-such-page/")[HEADER]

    assert NEW_ID.fullmatch(first)
    assert NEW_ID.fullmatch(second)
    assert first != second


@pytest.mark.django_db
def test_log_line_written_inside_a_view_carries_the_request_id(client, console_lines, failing_disk):
    response = client.get("/healthz", headers={HEADER: "trace-7"})

    assert response.status_code == 503
    (line,) = [line for line in console_lines() if "Health check failing" in line]
    assert line.endswith(" WARNING workshops.views.health [trace-7] Health check failing: disk")


@pytest.mark.django_db
def test_log_line_under_asgi_carries_the_request_id(console_lines, failing_disk):
    response = async_to_sync(AsyncClient().get)("/healthz", headers={HEADER: "async-9"})

    assert response.status_code == 503
    assert response[HEADER] == "async-9"
    lines = console_lines()
    assert [line for line in lines if "Health check failing" in line][0].endswith(
        "[async-9] Health check failing: disk"
    )
    assert [line for line in lines if "django.request" in line][0].endswith(
        "ERROR django.request [async-9] Service Unavailable: /healthz"
    )


def test_log_line_outside_a_request_says_so(console_lines):
    logging.getLogger("workshops").warning("Between requests")

    assert console_lines()[-1].endswith(" WARNING workshops [-] Between requests")


def test_page_not_found_logs_one_line_without_traceback(client_for, world, console_lines):
    response = client_for(world.lead).get("/no-such-page/", headers={HEADER: "nf-1"})

    assert response.status_code == 404
    assert [line.split(" ", 2)[2] for line in console_lines()] == [
        "WARNING django.request [nf-1] Not Found: /no-such-page/ (GET, 404)"
    ]


def test_permission_denied_logs_one_line_without_traceback(
    client_for, world, observer, console_lines
):
    path = reverse("section_delete", kwargs={"pk": world.section.pk})

    response = client_for(observer).post(path, headers={HEADER: "pd-1"})

    assert response.status_code == 403
    assert [line.split(" ", 2)[2] for line in console_lines()] == [
        f"WARNING django.request [pd-1] Forbidden (Permission denied): {path} (POST, 403)"
    ]


def test_permission_denied_under_asgi_logs_one_line_without_traceback(
    world, observer, console_lines
):
    client = AsyncClient()
    client.force_login(observer.user)
    path = reverse("member_invite", kwargs={"org_id": world.organisation.pk})

    response = async_to_sync(client.get)(path, headers={HEADER: "pd-2"})

    assert response.status_code == 403
    assert [line.split(" ", 2)[2] for line in console_lines() if "django.request" in line] == [
        f"WARNING django.request [pd-2] Forbidden (Permission denied): {path} (GET, 403)"
    ]
    assert not [line for line in console_lines() if line.startswith("Traceback")]


@pytest.mark.urls("tests.urls_with_error")
def test_server_error_logs_its_traceback(client_for, world, console_lines):
    client = client_for(world.lead)
    client.raise_request_exception = False

    response = client.get("/test-only/fail/", headers={HEADER: "se-1"})

    assert response.status_code == 500
    lines = console_lines()
    assert lines[0].endswith(" ERROR django.request [se-1] Internal Server Error: /test-only/fail/")
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "RuntimeError: KeyError in the secret internal machinery"
