"""The Content-Security-Policy header (django-csp; CONTENT_SECURITY_POLICY in the settings), and
that the pages keep to it: no inline script, style or event handler anywhere in them.

The browser tests (tests/e2e) run every page they open with the policy enforced and fail on any
violation; these tests read the header and the HTML without a browser, for every page of the app.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PackFactory, UserFactory
from tests.test_isolation import ROUTES, _with_pay
from workshops.enums import PackState
from workshops.models import Pack

HEADER = "Content-Security-Policy"
NONCE = re.compile(r"^'nonce-([A-Za-z0-9+/]+={0,2})'$")


def policy(response):
    """{directive: [source, …]} from the response's header; fails if there is none."""
    assert HEADER in response.headers, f"no {HEADER} header on {response.request['PATH_INFO']}"
    directives = {}
    for part in response.headers[HEADER].split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice in the header"
        directives[name] = sources
    return directives


def nonces(sources):
    return [match.group(1) for source in sources if (match := NONCE.match(source))]


def assert_strict(directives):
    """What the policy must say on every page."""
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name], name
        assert "'unsafe-eval'" not in directives[name], name
        assert "'unsafe-hashes'" not in directives[name], name
        assert "'strict-dynamic'" not in directives[name], name
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert [s for s in directives["style-src"] if not NONCE.match(s)] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["font-src"] == ["'self'"]
    # htmx and the live room's websocket: 'self' matches ws: and wss: of the same host.
    assert directives["connect-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not [name for name in directives if name.endswith("-attr")]


class InlineFinder(HTMLParser):
    """Everything in a page that a policy without 'unsafe-inline' refuses, as readable lines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._script_start = None

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        where = f"<{tag}> at line {self.getpos()[0]}"
        for name, value in attrs:
            if name == "style":
                self.found.append(f"{where}: style attribute {value!r}")
            elif name.startswith("on") or name.startswith("hx-on") or name.startswith("data-hx-on"):
                self.found.append(f"{where}: event handler attribute {name}")
            elif (value or "").strip().lower().startswith(("javascript:", "js:")):
                self.found.append(f"{where}: script in {name}={value!r}")
        if tag == "style":
            self.found.append(f"{where}: <style> element")
        if tag == "script" and not names.get("src"):
            self.found.append(f"{where}: inline <script>")
        elif tag == "script":
            self._script_start = where

    def handle_data(self, data):
        if self._script_start and data.strip():
            self.found.append(f"{self._script_start}: <script src> with a body")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_start = None


def inline_parts(html):
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.found


@pytest.fixture
def full_world(make_world, settings, tmp_path):
    """One organisation with one of everything (a review round, a pack, a session), so that
    every page of the app has something to show."""
    settings.PACKS_ROOT = tmp_path
    world = make_world(complete=True)
    Pack.objects.filter(pk=world.pack.pk).update(state=PackState.READY, file_name="pack.pdf")
    world.pack.refresh_from_db()
    world.pack.path.write_bytes(b"%PDF-1.7 test pack")
    return _with_pay(world)


def _every_page(world):
    """(name, url) of every GET of the app (tests/test_isolation.py's table of URLs)."""
    for name, route in sorted(ROUTES.items()):
        if "GET" in route.methods:
            yield name, reverse(name, kwargs=route.kwargs(world))


def test_security_headers_every_page_has_the_strict_policy_and_nothing_inline(
    client_for, full_world
):
    client = client_for(full_world.lead)
    problems = []
    checked = 0

    for name, url in _every_page(full_world):
        response = client.get(url)
        assert_strict(policy(response))
        if response.get("Content-Type", "").startswith("text/html"):
            problems += [
                f"{name} {url}: {part}" for part in inline_parts(response.content.decode())
            ]
            checked += 1

    assert problems == []
    assert checked > 30


def test_security_headers_pages_for_people_without_an_account(client):
    problems = []

    for url in (
        reverse("login"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        "/no-such-page/",
        reverse("admin:login"),
    ):
        response = client.get(url)
        assert_strict(policy(response))
        problems += [f"{url}: {part}" for part in inline_parts(response.content.decode())]

    assert problems == []


def test_security_headers_live_page_has_a_new_nonce_each_time_on_its_editor_script(
    client_for, world, live_session
):
    url = reverse("live_section", args=[live_session.pk, world.section.pk])
    client = client_for(world.co_trainer)
    seen = []

    for _ in range(2):
        response = client.get(url)
        directives = policy(response)
        assert_strict(directives)
        (nonce,) = nonces(directives["style-src"])
        # The editor's <script> carries it, so that the editor can give it to its <style>.
        page = response.content.decode()
        assert re.search(rf'<script src="[^"]*live-editor\.js" nonce="{re.escape(nonce)}"', page)
        assert nonces(directives["script-src"]) == []
        seen.append(nonce)

    assert seen[0] != seen[1]
    assert len(seen[0]) >= 22  # 16 random bytes, base64


def test_security_headers_page_without_a_nonce_names_none(client_for, world):
    response = client_for(world.lead).get(world.workshop.get_absolute_url())

    directives = policy(response)
    assert_strict(directives)
    assert directives["style-src"] == ["'self'"]


def test_security_headers_live_page_websocket_is_on_the_pages_own_host(
    client_for, world, live_session
):
    """connect-src is only 'self': the live room's address must be on the page's own host."""
    url = reverse("live_section", args=[live_session.pk, world.section.pk])

    response = client_for(world.co_trainer).get(url, headers={"host": "localhost"})

    page = response.content.decode()
    (ws_url,) = re.findall(r'data-ws-url="([^"]+)"', page)
    assert ws_url.startswith("ws://localhost/ws/live/")
    assert policy(response)["connect-src"] == ["'self'"]


def test_security_headers_pack_progress_and_balance_use_no_style_attributes(client_for, world):
    pack = PackFactory(workshop=world.workshop, state=PackState.RENDERING)
    client = client_for(world.lead)

    progress = client.get(reverse("pack_detail", args=[pack.pk])).content.decode()
    balance = client.get(world.workshop.get_absolute_url()).content.decode()

    assert (
        'class="progress-bar progress-bar-striped progress-bar-animated pack-progress-working"'
        in (progress)
    )
    assert re.search(r'<svg class="balance-bar mb-2" aria-hidden="true"', balance)
    assert re.search(r'<rect class="carer" width="\d+%"', balance)
    assert inline_parts(progress) == []
    assert inline_parts(balance) == []


def test_security_headers_admin_change_page_has_the_policy_and_nothing_inline(world):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    problems = []

    for url in (
        reverse("admin:index"),
        reverse("admin:workshops_organisation_changelist"),
        reverse("admin:workshops_organisation_change", args=[world.organisation.pk]),
        reverse("admin:workshops_membership_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert_strict(policy(response))
        problems += [f"{url}: {part}" for part in inline_parts(response.content.decode())]

    assert problems == []


def test_security_headers_failed_csrf_check_shows_the_sites_page_without_inline_style(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.co_trainer.user)

    response = client.post(reverse("section_edit", kwargs={"pk": world.section.pk}), {})

    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403_csrf.html", "base.html"]
    assert "nothing was saved" in response.content.decode()
    assert_strict(policy(response))
    assert inline_parts(response.content.decode()) == []


def test_security_headers_inline_finder_finds_each_kind():
    found = inline_parts(
        '<p style="color: red">a</p><button onclick="go()">b</button><style>p{}</style>'
        '<script>go()</script><script src="/static/x.js">go()</script>'
        '<div hx-on:click="go()"></div><a href="javascript:go()">c</a>'
        '<script src="/static/ok.js"></script>'
    )

    assert [line.split(": ", 1)[1] for line in found] == [
        "style attribute 'color: red'",
        "event handler attribute onclick",
        "<style> element",
        "inline <script>",
        "<script src> with a body",
        "event handler attribute hx-on:click",
        "script in href='javascript:go()'",
    ]
