"""Helpers shared by the tests.

Reading pages the way a browser does (form values, the errors shown beside fields, the heading,
table rows, an element's text); counting a page's queries; small teams of members; editing a
section; deciding on and signing a module off; the team whose workshop the pack tests print, and
reading a PDF; the contribution log behind the app's back; attendance stays; and the database URL
a separate process (a Celery worker, daphne) needs to reach the test database.
"""

import io
import re
import socket
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone
from pypdf import PdfReader

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    WorkshopFactory,
)
from workshops.enums import (
    ConsentAudience,
    ConsentMethod,
    CreditPreference,
    DecisionKind,
    Perspective,
    Role,
    SectionAudience,
    SectionKind,
)
from workshops.models import (
    Attendance,
    ContributionEntry,
    Membership,
    Module,
    Organisation,
    ReviewRound,
    Workshop,
)
from workshops.services import consent as consent_services
from workshops.services import content as content_services
from workshops.services import evaluation as evaluation_services
from workshops.services import reviews as review_services
from workshops.services import sessions as session_services

CREDIT_PREFERENCES = list(CreditPreference)


class _FormReader(HTMLParser):
    """Collects the values a browser would submit from the forms of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({})
            return
        if not self.forms:
            return
        fields = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            # A browser sends "on" for a checked box without a value, "" for an empty field.
            default = "on" if kind in ("checkbox", "radio") else ""
            fields.setdefault(name, []).append(attrs.get("value", default))
        elif tag == "textarea" and name:
            self._textarea = name
            fields.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            fields.setdefault(self._select, []).append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            values = self.forms[-1][self._textarea]
            values[-1] += data


def form_values(html, containing):
    """The values of the page's form that has a field named ``containing``, as a browser
    would submit them (a textarea's first newline dropped, as HTML says)."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if containing in form:
            values = {}
            for name, items in form.items():
                items = [item.removeprefix("\n") for item in items]
                values[name] = items if len(items) > 1 else items[0]
            return values
    raise AssertionError(f"No form with a field named {containing!r}")


class _ErrorReader(HTMLParser):
    """Texts of the error messages crispy-forms puts under each field (id="error_N_id_<f>")."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.errors = {}
        self._field = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if self._field:
            self._depth += 1
            return
        element_id = dict(attrs).get("id") or ""
        if element_id.startswith("error_") and "_id_" in element_id:
            self._field = element_id.split("_id_", 1)[1]
            self._depth = 1
            self.errors.setdefault(self._field, []).append("")

    def handle_endtag(self, tag):
        if self._field:
            self._depth -= 1
            if self._depth == 0:
                self._field = None

    def handle_data(self, data):
        if self._field:
            self.errors[self._field][-1] += data


def field_errors(html):
    """{field name: [error texts shown beside it]} for a rendered page."""
    reader = _ErrorReader()
    reader.feed(html)
    return {field: [text.strip() for text in texts] for field, texts in reader.errors.items()}


class _HeadingReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "h1":
            self._inside = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag == "h1":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.headings[-1] += data


def page_heading(response):
    """The text of the page's first <h1>, whitespace collapsed."""
    reader = _HeadingReader()
    reader.feed(response.content.decode())
    return " ".join(reader.headings[0].split()) if reader.headings else None


class _InvalidReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.names = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and "is-invalid" in (attrs.get("class") or ""):
            self.names.add(attrs.get("name"))


def invalid_fields(html):
    """Names of the inputs marked ``is-invalid`` (styled, and announced with their error)."""
    reader = _InvalidReader()
    reader.feed(html)
    return reader.names


class _TableReader(HTMLParser):
    """The text of each cell of each body row of the page's tables."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows = []
        self._in_body = False
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join(self._cell.split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def table_rows(response):
    """[[cell text, ...], ...] for the body rows of the page's tables, whitespace collapsed."""
    reader = _TableReader()
    reader.feed(response.content.decode())
    return reader.rows


def html_text(html):
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def html_element(html, start_marker, end_tag):
    """The HTML from ``start_marker`` to the first ``end_tag`` after it."""
    start = html.index(start_marker)
    return html[start : html.index(end_tag, start)]


def html_inner_text(html, start_marker, end_tag):
    """The text inside the element whose opening tag holds ``start_marker``."""
    return html_text(html_element(html, start_marker, end_tag).split(">", 1)[1])


# --- Queries ----------------------------------------------------------------------------------


def query_count(client, url):
    """How many queries a GET of ``url`` runs, on the second visit (the first must be a 200)."""
    # The first visit may set up the session; count the second, as any later visit would run.
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


# --- People -----------------------------------------------------------------------------------


def make_team():
    """(organisation, lead, carer): a new organisation with a professional lead and a family
    carer co-trainer."""
    organisation = OrganisationFactory()
    lead = MembershipFactory(
        organisation=organisation, role=Role.LEAD, perspective=Perspective.PROFESSIONAL
    )
    carer = MembershipFactory(
        organisation=organisation, role=Role.CO_TRAINER, perspective=Perspective.FAMILY_CARER
    )
    return organisation, lead, carer


def make_people(organisation, count, role=Role.CO_TRAINER):
    """``count`` members of both perspectives and every credit preference."""
    return [
        MembershipFactory(
            organisation=organisation,
            role=role,
            perspective=Perspective.FAMILY_CARER if n % 2 else Perspective.PROFESSIONAL,
            credit_preference=CREDIT_PREFERENCES[n % len(CREDIT_PREFERENCES)],
        )
        for n in range(count)
    ]


# --- Content ----------------------------------------------------------------------------------


def edit_section(section, body, *, actor, title=None):
    """Save a new text for the section as the actor, based on its current version (the section
    object is brought up to date first)."""
    section.refresh_from_db()
    return content_services.section_update(
        section=section,
        based_on_version=section.version,
        title=title or section.title,
        body=body,
        kind=section.kind,
        audience=section.audience,
        actor=actor,
    )


# --- Review and sign-off ----------------------------------------------------------------------

# The text of the review fixtures' section (tests/conftest.py), and the edit tests make to it.
FIRST_BODY = "Behaviour is a way of telling us something."
SECOND_BODY = "Behaviour is a way of gently telling us something."


def approve(round, actor, content_hash=None):
    return review_services.review_decide(
        round=round,
        kind=DecisionKind.APPROVE,
        content_hash=content_hash or round.version.content_hash,
        actor=actor,
    )


def request_changes(round, actor, reason="Please use the words families use."):
    return review_services.review_decide(
        round=round,
        kind=DecisionKind.REQUEST_CHANGES,
        content_hash=round.version.content_hash,
        reason=reason,
        actor=actor,
    )


def round_reloaded(round):
    """The round as stored now, with its version and module."""
    return ReviewRound.objects.select_related("version", "module").get(pk=round.pk)


def review_actions(module):
    """[(action, target type, target id, membership id)] of the module's review log entries."""
    return list(
        ContributionEntry.objects.filter(module_id=module.pk, action__startswith="review.")
        .order_by("pk")
        .values_list("action", "target_type", "target_id", "membership_id")
    )


def agree_module(module, *, reviewers, actor):
    """Open a review round on the module's current text and have every reviewer approve it, in
    order; the module's agreed version (checked to be that round's)."""
    round = review_services.review_round_open(module=module, reviewers=reviewers, actor=actor)
    for reviewer in reviewers:
        review_services.review_decide(
            round=round,
            kind=DecisionKind.APPROVE,
            content_hash=round.version.content_hash,
            actor=reviewer,
        )
    module.refresh_from_db()
    assert module.agreed_version_id == round.version_id
    return module.agreed_version


def agree_evaluation(workshop, *, reviewers):
    """The workshop's evaluation, started with the starter questions by the first reviewer and
    agreed by them all."""
    evaluation = evaluation_services.evaluation_create(workshop=workshop, actor=reviewers[0])
    agree_module(evaluation, reviewers=reviewers, actor=reviewers[0])
    return evaluation


# --- Packs ------------------------------------------------------------------------------------

ANONYMOUS_FULL_NAME = "Zenobia Quillfeather"


@dataclass
class PackTeam:
    """One organisation with four credited people and a workshop of three modules: the first two
    agreed, the third frozen in an open round but never agreed."""

    organisation: Organisation
    carer: Membership  # family carer, credited by full name
    professional: Membership  # lead, professional, credited by full name
    anonymous_carer: Membership  # family carer, credited as "a family carer"
    first_name_professional: Membership  # professional, credited by first name only
    workshop: Workshop
    understanding: Module
    routines: Module
    safety: Module


def write_section(module, *, actor, title, body, kind=SectionKind.EXPLANATION, **extra):
    """A new section through the service (everyone's, unless ``audience`` says otherwise)."""
    return content_services.section_create(
        module=module,
        title=title,
        body=body,
        kind=kind,
        audience=extra.pop("audience", SectionAudience.EVERYONE),
        actor=actor,
        **extra,
    )


def consent_for(story, *, teller, actor, audience=ConsentAudience.EVERYONE, days=365):
    """Written consent for the story, by ``teller``, for ``audience``, ending in ``days`` days."""
    return consent_services.consent_record(
        section=story,
        teller=teller,
        audience=audience,
        naming=CreditPreference.ANONYMOUS,
        expires_on=timezone.localdate() + timedelta(days=days),
        method=ConsentMethod.WRITTEN,
        actor=actor,
    )


def make_pack_team(name="Hillside Carers Together"):
    """A ``PackTeam``. Each section body carries one unusual marker word, so the pack tests can
    find where (and whether) it was printed."""
    organisation = OrganisationFactory(name=name)
    professional = MembershipFactory(
        organisation=organisation,
        role=Role.LEAD,
        perspective=Perspective.PROFESSIONAL,
        user__full_name=f"Priya Lakeside {organisation.pk}",
        user__first_name="Priya",
    )
    carer = MembershipFactory(
        organisation=organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
        user__full_name=f"Marion Hartwell {organisation.pk}",
        user__first_name="Marion",
    )
    anonymous_carer = MembershipFactory(
        organisation=organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
        credit_preference=CreditPreference.ANONYMOUS,
        user__full_name=ANONYMOUS_FULL_NAME,
        user__first_name="Zenobia",
    )
    first_name_professional = MembershipFactory(
        organisation=organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.PROFESSIONAL,
        credit_preference=CreditPreference.FIRST_NAME,
        user__full_name="Rupert Oakhampton",
        user__first_name="Rupert",
    )
    workshop = WorkshopFactory(organisation=organisation, title="Calm days at home", actor=carer)
    understanding = ModuleFactory(
        workshop=workshop,
        title="Understanding behaviour",
        learning_outcomes="- Notice patterns\n- Keep a simple diary",
        planned_minutes=45,
        actor=carer,
    )
    write_section(
        understanding,
        actor=carer,
        title="Key messages",
        kind=SectionKind.KEY_MESSAGES,
        body="Marigold: behaviour is a way of **telling us** something.",
    )
    story = write_section(
        understanding,
        actor=anonymous_carer,
        title="What my son was telling us",
        kind=SectionKind.LIVED_EXPERIENCE_STORY,
        content_note="Mentions a night in hospital.",
        body="Juniper was the first word he learned to sign.",
    )
    consent_for(story, teller=anonymous_carer, actor=professional)
    write_section(
        understanding,
        actor=professional,
        title="Setting up the room",
        kind=SectionKind.FACILITATOR_NOTES,
        audience=SectionAudience.FACILITATORS,
        body="Tamarind: arrive early and put the chairs in a circle.",
    )
    write_section(
        understanding,
        actor=first_name_professional,
        title="A good day",
        kind=SectionKind.ACTIVITY,
        body="Saffron activity: draw what a good day looks like.",
    )
    routines = ModuleFactory(
        workshop=workshop, title="Everyday routines", planned_minutes=30, actor=professional
    )
    write_section(
        routines, actor=professional, title="Why routines help", body="Hazelnut routines."
    )
    write_section(
        routines,
        actor=carer,
        title="A picture timetable",
        kind=SectionKind.HANDOUT_TEXT,
        body="Cardamom: a picture timetable on the fridge.",
    )
    safety = ModuleFactory(workshop=workshop, title="Staying safe", actor=carer)
    write_section(safety, actor=carer, title="Draft", body="Wolfsbane: words still being written.")

    agree_module(understanding, reviewers=[carer, professional], actor=professional)
    agree_module(routines, reviewers=[anonymous_carer, first_name_professional], actor=professional)
    # A frozen draft in an open round: not agreed, so its words must never be printed.
    review_services.review_round_open(module=safety, reviewers=[carer, professional], actor=carer)
    return PackTeam(
        organisation,
        carer,
        professional,
        anonymous_carer,
        first_name_professional,
        workshop,
        understanding,
        routines,
        safety,
    )


def pdf_text(source):
    """All the text of a PDF, in reading order, whitespace collapsed (list bullets dropped)."""
    reader = PdfReader(source if isinstance(source, io.IOBase) else str(source))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("•", " ").split())


def positions(text, *needles):
    return [text.index(needle) for needle in needles]


def stamp_date(module):
    """The date of the module's sign-off, as its stamp prints it."""
    return dateformat.format(timezone.localtime(module.agreed_version.agreed_at), "j F Y")


def download(client, pack):
    """(response, PDF bytes) of the pack's download; no bytes unless it answered 200."""
    response = client.get(reverse("pack_download", args=[pack.pk]))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    response.close()
    return response, body


# --- The contribution log ---------------------------------------------------------------------


def contribution_log_sql(sql, params=()):
    """Run SQL on the contribution log with its append-only trigger switched off, as someone
    with table rights could behind the app's back (PostgreSQL only)."""
    table = ContributionEntry._meta.db_table
    with connection.cursor() as cursor:
        # The test's own inserts leave deferred foreign-key checks pending, which ALTER TABLE
        # refuses to run beside; check them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- Co-design sessions -----------------------------------------------------------------------


def stay(session, membership, start_minute, end_minute=None):
    """An attendance stay from start_minute to end_minute after the session starts (open if
    end_minute is None)."""
    attendance = session_services.attendance_join(session=session, membership=membership)
    Attendance.objects.filter(pk=attendance.pk).update(
        joined_at=session.starts_at + timedelta(minutes=start_minute),
        left_at=None if end_minute is None else session.starts_at + timedelta(minutes=end_minute),
    )
    return attendance


# --- Other processes --------------------------------------------------------------------------


def database_url(settings_dict=None):
    """A postgres:// URL for the database in ``settings_dict`` (by default the test database),
    user name and password URL-quoted."""
    settings_dict = settings_dict or connection.settings_dict
    user = quote(settings_dict["USER"] or "postgres", safe="")
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now: for a server a test starts itself,
    or, left closed, for a service that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process(process, timeout=10):
    """Stop a server a test started: politely, then, after ``timeout`` seconds, for good."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def sign_in(client, email, password):
    """Sign in through the sign-in page, as a person does (throttling included). True if it
    worked."""
    from django.urls import reverse

    response = client.post(reverse("login"), {"username": email, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


# Two-step sign-in


def code_for(key: bytes, *, ahead: int = 0) -> str:
    """The 6-digit code an authenticator app shows for ``key``, ``ahead`` time steps from now."""
    from django_otp.oath import totp

    return f"{totp(key, step=30, t0=-30 * ahead, digits=6):06d}"


def two_step_on(user):
    """Two-step sign-in turned on for ``user`` as the set-up page does: (device, codes)."""
    from django_otp.util import random_hex

    from workshops.services import two_factor as two_factor_services

    key = random_hex(20)
    return two_factor_services.totp_device_confirm(
        user=user, key=key, code=code_for(bytes.fromhex(key))
    )


def give_code(client, code, next_url=""):
    """Post ``code`` to the two-step sign-in page, as a person typing it does."""
    from django.urls import reverse

    return client.post(reverse("two_factor_verify"), {"code": code, "next": next_url})
