"""Rendering a pack: the PDF is tagged for screen readers, and a render reads nothing but the
app's print assets and calls nobody.

Hostile section content (local files, a canary HTTP server on 127.0.0.1, attachments, objects,
stylesheets) is put through the normal services, written straight into an agreed snapshot (as an
old or tampered row would hold it), and handed raw to the renderer. After each real render the
canary must have had no request, the PDF must hold no file's contents and no embedded file, and
the fetcher must have refused every URL that was not a print asset.
"""

import http.server
import io
import threading
import urllib.request
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.factories import MembershipFactory, ModuleFactory, OrganisationFactory, WorkshopFactory
from tests.helpers import agree_module
from workshops.enums import PackKind, PackState, Perspective, Role, SectionAudience, SectionKind
from workshops.models import ModuleVersion
from workshops.pdf.render import render_pdf
from workshops.services import content as content_services
from workshops.services import packs as pack_services

PASSWD_LINE = "root:x:0:0"


class _Recorder(http.server.BaseHTTPRequestHandler):
    def _record(self):
        self.server.requests.append((self.command, self.path))
        self.send_response(200)
        body = b"CANARY-BODY"
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _record

    def log_message(self, format, *args):  # quiet: the test reads the list instead
        pass


@pytest.fixture
def canary():
    """An HTTP server on a free port of 127.0.0.1 that records every request it gets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        # It really records: one probe, then a clean slate for the test.
        with urllib.request.urlopen(f"{base}/probe", timeout=5) as response:
            assert response.read() == b"CANARY-BODY"
        assert server.requests == [("GET", "/probe")]
        server.requests.clear()
        yield base, server.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def secrets(tmp_path):
    """Local files a hostile pack might try to read: their words must never reach a PDF."""
    marker = f"SECRET-{uuid.uuid4().hex}"
    text = tmp_path / "secret.txt"
    text.write_text(f"{marker} text file\n")
    stylesheet = tmp_path / "evil.css"
    stylesheet.write_text(f'body::before {{ content: "{marker} stylesheet"; }}')
    # Our own stand-in for /etc/hostname as a background: an image that would print the marker.
    image = tmp_path / "secret.svg"
    image.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40">'
        f'<text x="0" y="20">{marker} image</text></svg>'
    )
    try:
        hostname = Path("/etc/hostname").read_text().strip()
    except OSError:
        hostname = ""
    return {
        "marker": marker,
        "text": text,
        "stylesheet": stylesheet,
        "image": image,
        "hostname": hostname,
    }


def hostile_html(base, secrets):
    """Every way we know for HTML or CSS to make a renderer load something."""
    return f"""
<img src="file:///etc/passwd">
<img src="file://{secrets["text"]}">
<style>@import url(file:///etc/passwd); @import url("file://{secrets["stylesheet"]}");
body {{ background: url(file:///etc/hostname), url(file://{secrets["image"]}) }}
@font-face {{ font-family: Canary; src: url({base}/font.woff) }}
p {{ font-family: Canary; background-image: url({base}/style-background.png) }}</style>
<link rel="attachment" href="file:///etc/passwd">
<link rel="attachment" href="file://{secrets["text"]}">
<a rel="attachment" href="file:///etc/passwd">attached?</a>
<a rel="attachment" href="{base}/anchor-attachment">attached?</a>
<link rel="stylesheet" href="{base}/x.css">
<link rel="stylesheet" href="file://{secrets["stylesheet"]}">
<img src="{base}/canary.png">
<img srcset="{base}/srcset.png 2x">
<object data="file:///etc/passwd"></object>
<object data="{base}/object.svg" type="image/svg+xml"></object>
<embed src="{base}/embed.svg">
<iframe src="{base}/iframe.html"></iframe>
<video poster="{base}/poster.png"></video>
<input type="image" src="{base}/input.png">
<svg xmlns="http://www.w3.org/2000/svg"><image href="{base}/svg-image.png"/></svg>
<p style="background: url({base}/inline-style.png)">Styled paragraph.</p>
<table background="{base}/table-background.png"><tr><td>cell</td></tr></table>
<base href="{base}/base/"><img src="relative.png">
<img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E\
%3Cimage href='{base}/data-svg.png'/%3E%3C/svg%3E">
<img src="ftp://127.0.0.1/ftp.png">
"""


def hostile_markdown(base, secrets):
    return (
        "Hostile words follow.\n\n"
        + hostile_html(base, secrets)
        + f"\n\n![canary image]({base}/markdown-image.png)\n\n"
        f"[canary link]({base}/markdown-link)\n\n"
        f"[file link](file://{secrets['text']})\n\n"
        f'<img src="{base}/inline-markdown.png"> and text.\n'
    )


def assert_leaked_nothing(pdf_bytes, requests, secrets):
    assert requests == [], f"the canary was called: {requests}"
    reader = PdfReader(io.BytesIO(pdf_bytes))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert PASSWD_LINE not in text
    assert "/bin/bash" not in text and "nologin" not in text
    assert secrets["marker"] not in text
    assert secrets["marker"].encode() not in pdf_bytes
    assert b"CANARY-BODY" not in pdf_bytes
    # The marker check above always runs, and covers our own background image in place of
    # /etc/hostname; the real hostname is checked as well when it is long enough to be told apart
    # from ordinary words.
    if len(secrets["hostname"]) >= 6:
        assert secrets["hostname"] not in text
    assert reader.attachments == {}
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    actions = [
        annotation.get_object().get("/A", {})
        for page in reader.pages
        for annotation in page.get("/Annots", [])
    ]
    # Links inside the pack jump to a page; a link out may only be to the web or an email address.
    links = [str(action["/URI"]) for action in actions if "/URI" in action]
    assert [u for u in links if not u.startswith(("http://", "https://", "mailto:"))] == []
    assert {str(action.get("/S")) for action in actions} <= {"/URI", "/GoTo", "None"}
    return text


def _agreed_team(db_name="Security Test Service"):
    organisation = OrganisationFactory(name=db_name)
    professional = MembershipFactory(
        organisation=organisation, role=Role.LEAD, perspective=Perspective.PROFESSIONAL
    )
    carer = MembershipFactory(
        organisation=organisation, role=Role.CO_TRAINER, perspective=Perspective.FAMILY_CARER
    )
    workshop = WorkshopFactory(organisation=organisation, title="Hostile workshop", actor=carer)
    module = ModuleFactory(workshop=workshop, title="Hostile module", actor=carer)
    return professional, carer, workshop, module


@pytest.fixture
def render_through_services(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.PACKS_ROOT = tmp_path / "packs"

    def render(workshop, actor, kind=PackKind.FACILITATOR):
        with django_capture_on_commit_callbacks(execute=True):
            pack = pack_services.pack_request(workshop=workshop, kind=kind, actor=actor)
        pack.refresh_from_db()
        assert pack.state == PackState.READY, pack.error
        return pack.path.read_bytes()

    return render


def test_pack_of_hostile_sections_saved_through_the_services_loads_nothing(
    db, canary, secrets, render_through_services
):
    base, requests = canary
    professional, carer, workshop, module = _agreed_team()
    section = content_services.section_create(
        module=module,
        title="Hostile section",
        body=hostile_markdown(base, secrets),
        kind=SectionKind.EXPLANATION,
        audience=SectionAudience.EVERYONE,
        content_note=f'<img src="{base}/content-note.png">',
        actor=carer,
    )
    content_services.section_update(
        section=section,
        based_on_version=section.version,
        title=f'Hostile <img src="{base}/title.png">',
        body=hostile_markdown(base, secrets) + "\n\nEdited once.",
        kind=SectionKind.EXPLANATION,
        audience=SectionAudience.FACILITATORS,
        content_note=f'<link rel="stylesheet" href="{base}/note.css">',
        actor=professional,
    )
    agree_module(module, reviewers=[carer, professional], actor=carer)

    pdf = render_through_services(workshop, carer)

    text = assert_leaked_nothing(pdf, requests, secrets)
    # The markdown was escaped, not dropped: the words are there, printed as text.
    assert "Edited once." in text
    assert "Hostile words follow." in text


def test_pack_of_a_snapshot_holding_raw_hostile_html_is_cleaned_again_and_loads_nothing(
    db, canary, secrets, render_through_services
):
    base, requests = canary
    professional, carer, workshop, module = _agreed_team()
    content_services.section_create(
        module=module,
        title="Soon to be replaced",
        body="Harmless words.",
        kind=SectionKind.EXPLANATION,
        audience=SectionAudience.EVERYONE,
        actor=carer,
    )
    version = agree_module(module, reviewers=[carer, professional], actor=carer)
    # As if a row had been written by an older, buggier sanitiser, or tampered with.
    snapshot = version.snapshot
    snapshot["sections"][0]["body_html"] = (
        "<p>Raw words survive.</p>"
        + hostile_html(base, secrets)
        + f'<p><a href="file://{secrets["text"]}">file link</a> '
        f"<a href=\"javascript:fetch('{base}/js')\">script link</a></p>"
        f'<script>fetch("{base}/script")</script>'
    )
    ModuleVersion.objects.filter(pk=version.pk).update(snapshot=snapshot)

    pdf = render_through_services(workshop, carer)

    text = assert_leaked_nothing(pdf, requests, secrets)
    assert "Raw words survive." in text
    assert b"javascript:" not in pdf
    assert f"file://{secrets['text']}".encode() not in pdf


def test_render_pdf_of_raw_hostile_html_refuses_every_url_and_loads_nothing(canary, secrets):
    """The last line of defence: even HTML that never met the sanitiser can't load anything."""
    base, requests = canary
    html = (
        '<!doctype html><html lang="en"><head><title>Raw</title>'
        '<link rel="stylesheet" href="coprod-static:packs/pack.css">'
        f'<link rel="stylesheet" href="{base}/head.css"></head><body>'
        "<p>Raw words survive.</p>" + hostile_html(base, secrets) + "</body></html>"
    )

    rendered = render_pdf(html)

    text = assert_leaked_nothing(rendered.data, requests, secrets)
    assert "Raw words survive." in text
    refused = set(rendered.refused_urls)
    for url in (
        "file:///etc/passwd",
        "file:///etc/hostname",
        f"file://{secrets['text']}",
        f"file://{secrets['stylesheet']}",
        f"file://{secrets['image']}",
        f"{base}/x.css",
        f"{base}/head.css",
        f"{base}/canary.png",
        f"{base}/font.woff",
        f"{base}/inline-style.png",
    ):
        assert url in refused, f"{url} was not refused (refused: {sorted(refused)})"
    assert all(not url.startswith("coprod-static:") for url in refused)


# Tagged for screen readers


def test_pack_pdf_is_tagged_for_screen_readers(team, request_pack):
    pack = request_pack(team)

    root = PdfReader(str(pack.path)).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
