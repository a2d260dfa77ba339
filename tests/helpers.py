"""Helpers shared by the tests.

Reading pages the way a browser does (form values, the errors shown beside fields, the heading);
counting a page's queries; small teams of members; signing a module off; and the database URL a
separate process (a Celery worker, daphne) needs to reach the test database.
"""

from html.parser import HTMLParser
from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MembershipFactory, OrganisationFactory
from workshops.enums import CreditPreference, DecisionKind, Perspective, Role
from workshops.services import reviews as review_services

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
            fields.setdefault(name, []).append(attrs.get("value", "on"))
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


# --- Sign-off ---------------------------------------------------------------------------------


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
