"""Every page of the app, checked with axe-core (WCAG 2.2 AA) at 1280 px and at 390 px, and for
width on a 390 px phone.

``VISITS`` is the table: for each URL name, who visits it (a person allowed to see it: the
organisation's lead, a family carer co-trainer, someone signed out, or a person with two-step
sign-in), which URL is opened and what kind of answer it is. A URL that only takes a POST is
checked on the page its form is on (``form_on``); a download, JSON or a fragment is checked for
its status and content type only. ``test_every_url_pattern_has_an_accessibility_visit`` walks
the URL configuration the same way the isolation test does and fails when a URL has no visit, or
a visit names a URL that is gone. ``OTHER_STATES`` adds the same pages in the other states people
meet them in (agreed then changed, a second round with its changes, a failed pack) and the error
pages.

Each page is opened in a browser context that bypasses the Content-Security-Policy (axe-core is
injected as an inline script), one context per person, in one browser for each width. Every
disclosure on a page is opened before it is checked, so what is inside counts. Every problem
found on every page is listed in one failure message.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    PackFactory,
    SectionFactory,
    UserFactory,
)
from tests.helpers import agree_module, edit_section, give_code, two_step_on
from tests.test_isolation import SKIPPED_NAMES, _url_names, app_url_names
from workshops.enums import PackState, Perspective, Role
from workshops.financial_year import financial_year_of
from workshops.models import Pack
from workshops.services import evaluation as evaluation_services
from workshops.services import pay as pay_services
from workshops.services import reviews as review_services
from workshops.services import time as time_services

from .conftest import REPO_ROOT
from .pages import WAIT_MS

AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE_WIDTH = 390
WIDTHS = {"desktop": (1280, 900), "phone": (PHONE_WIDTH, 844)}

# Who visits: the organisation's lead, its family carer co-trainer (who may do everything but
# manage the team), nobody signed in, a person with two-step sign-in before and after they
# have given their code, and the site's operator (a Django staff user in no organisation).
LEAD, CARER, ANONYMOUS, TWO_STEP_PENDING, TWO_STEP, OPERATOR = (
    "lead",
    "carer",
    "anonymous",
    "two-step, code not given",
    "two-step",
    "operator",
)

# What the answer is: a page (axe-core and the width check), or something else checked for its
# status and content type only (a file, JSON, or an HTML fragment shown inside another page).
PAGE, DATA, FRAGMENT = "page", "data", "fragment"
CSV = "text/csv; charset=utf-8"
ZIP = "application/zip"


@dataclass(frozen=True)
class Visit:
    """``person`` opens ``form_on`` (the URL itself unless it takes only a POST) with ``kwargs``
    built from the site's objects and ``query`` added."""

    person: str
    kwargs: Any = field(default=lambda site: {})
    form_on: str | None = None
    query: str = ""
    kind: str = PAGE
    content_type: str = "text/html"
    statuses: tuple = (200,)
    # Whether the page is reached through a redirect (otherwise one is a failure: the person was
    # sent somewhere else, and the page itself went unchecked).
    redirects: bool = False
    # A page that fills itself in after loading is checked once this selector matches.
    ready: str | None = None


def _org(site):
    return {"org_id": site.world.organisation.pk}


def _workshop(site):
    return {"pk": site.world.workshop.pk}


def _module(site):
    return {"pk": site.world.module.pk}


def _section(site):
    return {"pk": site.world.section.pk}


def _round(site):
    return {"pk": site.world.review_round.pk}


def _pack(site):
    return {"pk": site.world.pack.pk}


def _session(site):
    return {"pk": site.world.session.pk}


def _delivery(site):
    return {"pk": site.world.delivery.pk}


def _delivery_session(site):
    return {"pk": site.world.delivery_session.pk}


def _answer_key(site):
    return {"key": site.world.delivery.answer_key}


def _member(site):
    return {"org_id": site.world.organisation.pk, "pk": site.world.co_trainer.pk}


def _expense(site):
    return {"org_id": site.world.organisation.pk, "pk": site.world.expense.pk}


def _month_close(site):
    return {"org_id": site.world.organisation.pk, "pk": site.world.month_close.pk}


VISITS = {
    # Django's sign-in and password pages, as the app styles them.
    "login": Visit(ANONYMOUS),
    "logout": Visit(CARER, _org, form_on="workshop_list"),  # the header's "Sign out"
    "password_change": Visit(CARER),
    "password_change_done": Visit(CARER),
    "password_reset": Visit(ANONYMOUS),
    "password_reset_done": Visit(ANONYMOUS),
    # Opens the link from the email, which goes on to the page that sets the new password.
    "password_reset_confirm": Visit(
        ANONYMOUS,
        lambda site: {"uidb64": site.reset_uid, "token": site.reset_token},
        redirects=True,
    ),
    "password_reset_complete": Visit(ANONYMOUS),
    # The person's own account.
    "sign_in_security": Visit(CARER),
    "sign_out_everywhere": Visit(CARER, form_on="sign_in_security"),
    "two_factor_manage": Visit(TWO_STEP),
    "two_factor_verify": Visit(TWO_STEP_PENDING),
    "two_factor_setup": Visit(CARER),
    "two_factor_recovery_codes": Visit(TWO_STEP),
    "two_factor_recovery_codes_new": Visit(TWO_STEP, form_on="two_factor_manage"),
    "two_factor_recovery_codes_download": Visit(
        TWO_STEP, kind=DATA, content_type="text/plain; charset=utf-8"
    ),
    "two_factor_turn_off": Visit(TWO_STEP),
    "notification_preferences": Visit(CARER),
    "my_data": Visit(CARER, kind=DATA, content_type=ZIP),
    "erase_account": Visit(CARER),
    "glossary": Visit(CARER),
    # The organisation.
    # Someone in one organisation is taken to its page.
    "home": Visit(CARER, redirects=True),
    # The switcher is in the header of someone who belongs to two organisations, as the lead does.
    "organisation_switch": Visit(LEAD, _org, form_on="workshop_list"),
    "invitation_accept": Visit(ANONYMOUS, lambda site: {"token": site.world.invitation.token}),
    "organisation_two_step": Visit(LEAD, _org),
    "workshop_list": Visit(CARER, _org),
    "workshop_create": Visit(CARER, _org),
    "member_list": Visit(LEAD, _org),
    "member_invite": Visit(LEAD, _org),
    "member_edit": Visit(LEAD, _member),
    "member_remove": Visit(LEAD, _member),
    "member_erase": Visit(LEAD, _member),
    "retention": Visit(LEAD, _org),
    "working_rules": Visit(LEAD, _org),
    "member_data": Visit(LEAD, _member, kind=DATA, content_type=ZIP),
    # Its button is beside a member who is locked out, on the team page.
    "member_unlock": Visit(LEAD, _org, form_on="member_list"),
    "credit_preference": Visit(CARER, _org),
    "contribution_log": Visit(CARER, _org),
    "contribution_log_csv": Visit(CARER, _org, kind=DATA, content_type="text/csv"),
    # For the lead to keep outside coprod.
    "contribution_log_checkpoint": Visit(LEAD, _org, kind=DATA, content_type="application/json"),
    "contribution_summary": Visit(CARER, _org),
    "time_records": Visit(CARER, _org),
    # Everyone's time, for the lead to pay from.
    "time_records_csv": Visit(LEAD, _org, kind=DATA, content_type="text/csv"),
    # Fair pay: the lead sees the rate card with its form; a carer their payments and expenses.
    "pay_rates": Visit(LEAD, _org),
    "pay_choices": Visit(CARER, _org),
    "pay_expenses": Visit(CARER, _org),
    "pay_expense_edit": Visit(CARER, _expense),
    "pay_expense_remove": Visit(CARER, _expense),
    "pay_months": Visit(LEAD, _org),
    "pay_month_reopen": Visit(LEAD, _month_close),
    "pay_funding": Visit(LEAD, _org),
    "pay_statement_csv": Visit(CARER, _org, kind=DATA, content_type=CSV),
    "pay_statement_pdf": Visit(CARER, _org, kind=DATA, content_type="application/pdf"),
    "pay_payroll_csv": Visit(LEAD, _org, kind=DATA, content_type=CSV),
    # Workshops and modules.
    "workshop_detail": Visit(CARER, _workshop),
    "workshop_edit": Visit(CARER, _workshop),
    "module_create": Visit(CARER, _workshop),
    "module_detail": Visit(CARER, _module),
    "module_edit": Visit(CARER, _module),
    "module_delete": Visit(CARER, _module),
    "module_move": Visit(CARER, _workshop, form_on="workshop_detail"),
    "deleted_sections": Visit(CARER, _module),
    # Sections.
    "section_create": Visit(CARER, _module),
    "section_edit": Visit(CARER, _section),
    "markdown_preview": Visit(CARER, _section, form_on="section_edit"),  # the live preview
    "section_delete": Visit(CARER, _section),
    "section_move": Visit(CARER, _module, form_on="module_detail"),
    "section_undelete": Visit(CARER, _module, form_on="deleted_sections"),
    "section_history": Visit(CARER, _section),
    "section_compare": Visit(CARER, _section, query="?old=1&new=2"),
    "section_authors": Visit(CARER, _section),
    "section_restore": Visit(CARER, lambda site: {"pk": site.world.section.pk, "version": 1}),
    # Review rounds: the world's module has an open round, so a round is opened on another.
    "review_round_open": Visit(CARER, lambda site: {"pk": site.unreviewed_module.pk}),
    "module_rounds": Visit(CARER, _module),
    "review_round_detail": Visit(CARER, _round),
    "review_decide": Visit(CARER, _round, form_on="review_round_detail"),
    "review_withdraw": Visit(CARER, _round, form_on="review_round_detail"),
    "comment_add": Visit(CARER, _round, form_on="review_round_detail"),
    "comment_resolve": Visit(CARER, _round, form_on="review_round_detail"),
    # Packs.
    "workshop_packs": Visit(CARER, _workshop),
    "pack_request": Visit(CARER, _workshop, form_on="workshop_packs"),
    "pack_detail": Visit(CARER, _pack),
    # Shown for a pack whose render failed; this one is ready, so its page is checked as it is.
    "pack_retry": Visit(CARER, _pack, form_on="pack_detail"),
    "pack_download": Visit(CARER, _pack, kind=DATA, content_type="application/pdf"),
    # Co-design sessions.
    "workshop_sessions": Visit(CARER, _workshop),
    "session_detail": Visit(CARER, _session),
    # Polled into the session page, which is checked whole.
    "session_presence": Visit(CARER, _session, kind=FRAGMENT),
    "session_record": Visit(CARER, _session, form_on="session_detail"),
    "session_end": Visit(CARER, _session, form_on="session_detail"),
    "session_confirm_time": Visit(CARER, _session, form_on="session_detail"),
    "live_section": Visit(
        CARER,
        lambda site: {"pk": site.world.session.pk, "section_id": site.world.section.pk},
        ready='#live-status[data-live-status="connected"]',
    ),
    # Deliveries.
    "workshop_deliveries": Visit(CARER, _workshop),
    "delivery_create": Visit(CARER, _workshop),
    "delivery_detail": Visit(CARER, _delivery),
    "delivery_edit": Visit(CARER, _delivery),
    "delivery_session_edit": Visit(CARER, _delivery_session),
    "attendee_create": Visit(CARER, _delivery),
    "attendee_edit": Visit(CARER, lambda site: {"pk": site.world.attendee.pk}),
    "attendee_delete": Visit(CARER, lambda site: {"pk": site.world.attendee.pk}),
    "delivery_register": Visit(CARER, _delivery_session),
    "delivery_sign_in_sheet": Visit(CARER, _delivery_session),
    # The evaluation: the answer pages anyone with the link reaches, then the team's pages.
    "answer_start": Visit(ANONYMOUS, _answer_key),
    "answer_form": Visit(ANONYMOUS, lambda site: {**_answer_key(site), "stage": "before"}),
    "answer_thanks": Visit(ANONYMOUS, _answer_key),
    "story_consent": Visit(CARER, lambda site: {"pk": site.world.story.pk}),
    "story_consent_withdraw": Visit(CARER, lambda site: {"pk": site.world.story.pk}),
    "evaluation_create": Visit(CARER, _workshop),
    "workshop_results": Visit(CARER, _workshop),
    "workshop_results_csv": Visit(CARER, _workshop, kind=DATA, content_type=CSV),
    "delivery_results": Visit(CARER, _delivery),
    "delivery_results_csv": Visit(CARER, _delivery, kind=DATA, content_type=CSV),
    "delivery_answer_sheet": Visit(CARER, _delivery),
    "paper_answers": Visit(CARER, lambda site: {**_delivery(site), "stage": "after"}),
    "answers_open": Visit(CARER, _delivery, form_on="delivery_results"),
    "feedback_action_create": Visit(CARER, _delivery),
    "feedback_action_done": Visit(CARER, lambda site: {"pk": site.world.feedback_action.pk}),
    # Browsers ask for it whatever a page links to; it redirects to the icon's static file.
    "favicon": Visit(ANONYMOUS, kind=DATA, content_type="image/svg+xml"),
    # For load balancers: without a worker or Redis it says so with 503.
    "healthz": Visit(ANONYMOUS, kind=DATA, content_type="application/json", statuses=(200, 503)),
    # The site's operator sets up a new organisation and its first lead.
    "operator_organisation_create": Visit(OPERATOR),
}


# The same pages in the other states people meet them in, and the error pages: (URL name, or
# None for a path that matches no URL, and the visit).
OTHER_STATES = {
    "module agreed, then changed": ("module_detail", Visit(CARER, lambda s: {"pk": s.changed.pk})),
    "round 2, its changes shown against round 1": (
        "review_round_detail",
        Visit(CARER, lambda s: {"pk": s.second_round.pk}),
    ),
    "compare formatted versions": (
        "section_compare",
        Visit(CARER, lambda s: {"pk": s.changed_section.pk}, query="?old=1&new=2"),
    ),
    "restore a formatted version": (
        "section_restore",
        Visit(CARER, lambda s: {"pk": s.changed_section.pk, "version": 1}),
    ),
    "who wrote what, two authors": (
        "section_authors",
        Visit(CARER, lambda s: {"pk": s.changed_section.pk}),
    ),
    "a pack being made": ("pack_detail", Visit(CARER, lambda s: {"pk": s.queued_pack.pk})),
    "a pack that failed": ("pack_detail", Visit(CARER, lambda s: {"pk": s.failed_pack.pk})),
    "page not found": (None, Visit(CARER, statuses=(404,))),
    "page not found, signed out": (None, Visit(ANONYMOUS, statuses=(404,))),
    # A co-trainer may not manage the team.
    "not allowed": ("member_invite", Visit(CARER, _org, statuses=(403,))),
}
MISSING_PATH = "/no-such-page/"


def _visited_url_names():
    # The isolation test's walk, with Django's sign-in and password pages put back: people
    # without an account use those.
    every_name = set(_url_names(get_resolver().url_patterns))
    return app_url_names() | (SKIPPED_NAMES & every_name)


def test_every_url_pattern_has_an_accessibility_visit():
    names = _visited_url_names()

    assert sorted(names - set(VISITS)) == []
    assert sorted(set(VISITS) - names) == []


def test_a_visit_through_a_form_names_a_page_that_is_visited_itself():
    pages = {name for name, visit in VISITS.items() if visit.form_on is None}
    form_pages = {visit.form_on for visit in VISITS.values() if visit.form_on}

    assert sorted(form_pages - pages) == []


# --- The site the pages are about ---------------------------------------------------------------


@dataclass
class Site:
    world: Any
    unreviewed_module: Any
    changed: Any  # agreed, then a section changed
    changed_section: Any
    second_round: Any  # on a module agreed, then changed
    queued_pack: Any
    failed_pack: Any
    reset_uid: str
    reset_token: str
    cookies: dict  # person -> session cookie value (no entry: signed out)


def _session_cookie(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _two_step_people(organisation):
    """Session cookies for a person with two-step sign-in who has not given their code yet, and
    for one who has, with new recovery codes just made (so the codes page has them to show)."""
    pending = MembershipFactory(organisation=organisation, perspective=Perspective.FAMILY_CARER)
    two_step_on(pending.user)
    verified = MembershipFactory(organisation=organisation, perspective=Perspective.PROFESSIONAL)
    _, codes = two_step_on(verified.user)
    client = _signed_in(verified.user)
    assert give_code(client, codes[0]).status_code == 302
    assert client.post(reverse("two_factor_recovery_codes_new")).status_code == 302
    return _session_cookie(_signed_in(pending.user)), _session_cookie(client)


_FIRST_TEXT = "## Before we start\n\nA **calm** voice helps.\n\n- Breathe\n- Wait"
_SECOND_TEXT = (
    "## Before we start\n\nA **calm, slow** voice helps.\n\n> In our house we count to ten.\n\n"
    "- Breathe\n- Wait\n- Ask [for help](https://example.org/help)"
)


def _agreed_then_changed(world):
    """Two modules agreed and then changed by someone else, one of them in review again."""
    made = {}
    for key, title in (("changed", "Agreed, then changed"), ("in_review", "In review again")):
        module = ModuleFactory(workshop=world.workshop, actor=world.lead, title=title)
        section = SectionFactory(module=module, actor=world.co_trainer, body=_FIRST_TEXT)
        agree_module(module, reviewers=[world.lead, world.co_trainer], actor=world.lead)
        edit_section(section, _SECOND_TEXT, actor=world.lead)
        made[key], made[f"{key}_section"] = module, section
    second_round = review_services.review_round_open(
        module=made["in_review"], reviewers=[world.lead, world.co_trainer], actor=world.lead
    )
    return {
        "changed": made["changed"],
        "changed_section": made["changed_section"],
        "second_round": second_round,
    }


def _made_up_answer(question, n, stage):
    kind = question["question"]["type"]
    if kind == "scale":
        return str(1 + n % 4 + (stage == "after"))
    if kind == "yes_no":
        return "yes" if n % 3 else "no"
    return f"A made-up comment, number {n}."


def _six_pairs_of_answers(world):
    """Enough answers before and after for the results page to draw its charts."""
    version = world.evaluation.agreed_version
    for n in range(6):
        for stage in ("before", "after"):
            evaluation_services.answers_submit(
                delivery=world.delivery,
                version=version,
                stage=stage,
                code=f"code{n}",
                answers={str(q["id"]): _made_up_answer(q, n, stage) for q in version.sections},
            )


def _fair_pay(world):
    """A rate, the carer's time and an expense, and a pot nearly spent: the pay pages with a
    choice form, a row of each table and the low-funds warning."""
    today = timezone.localdate()
    pay_services.pay_rate_add(
        organisation=world.organisation,
        activity="",
        unit="hour",
        amount_pence=2000,
        starts_on=today.replace(day=1),
        actor=world.lead,
    )
    time_services.time_entry_create(
        membership=world.co_trainer,
        date=today,
        minutes=90,
        activity="review",
        payment="paid",
        actor=world.co_trainer,
    )
    world.expense = pay_services.expense_add(
        membership=world.co_trainer,
        date=today,
        kind="parking",
        amount_pence=450,
        receipt_note="receipt kept by the lead",
        actor=world.co_trainer,
    )
    # Last month closed, for the months page's "Reopen" and its confirmation.
    world.month_close = pay_services.pay_month_close(
        organisation=world.organisation,
        month=today.replace(day=1) - timedelta(days=1),
        actor=world.lead,
    )
    pay_services.funding_pot_set(
        organisation=world.organisation,
        year=financial_year_of(today),
        name="Involvement fund",
        amount_pence=3500,
        actor=world.lead,
    )


@pytest.fixture
def site(e2e_db, make_world):
    world = make_world(complete=True)
    # A second version, for the compare page.
    edit_section(
        world.section,
        world.section.body + "\n\nA second paragraph, added later.",
        actor=world.co_trainer,
    )
    world.section.refresh_from_db()
    unreviewed_module = ModuleFactory(
        workshop=world.workshop, actor=world.lead, title="Module not yet reviewed"
    )
    SectionFactory(module=unreviewed_module, actor=world.co_trainer)
    # The lead belongs to a second organisation, so the header shows the switcher.
    MembershipFactory(
        user=world.lead.user, organisation=OrganisationFactory(), role=Role.CO_TRAINER
    )
    pending, verified = _two_step_people(world.organisation)
    _six_pairs_of_answers(world)
    _fair_pay(world)
    user = world.co_trainer.user
    site = Site(
        world=world,
        unreviewed_module=unreviewed_module,
        **_agreed_then_changed(world),
        queued_pack=PackFactory(workshop=world.workshop, requested_by=world.lead),
        failed_pack=PackFactory(
            workshop=world.workshop,
            requested_by=world.lead,
            state=PackState.FAILED,
            error="The printer stopped.",
        ),
        reset_uid=urlsafe_base64_encode(force_bytes(user.pk)),
        reset_token=default_token_generator.make_token(user),
        cookies={
            LEAD: _session_cookie(_signed_in(world.lead.user)),
            CARER: _session_cookie(_signed_in(user)),
            TWO_STEP_PENDING: pending,
            TWO_STEP: verified,
            OPERATOR: _session_cookie(_signed_in(UserFactory(is_staff=True))),
        },
    )
    # The pack is ready, with its file where the server looks for it.
    Pack.objects.filter(pk=world.pack.pk).update(state=PackState.READY, file_name="pack.pdf")
    world.pack.refresh_from_db()
    pack_file = Path(world.pack.path)
    pack_file.parent.mkdir(parents=True, exist_ok=True)
    pack_file.write_bytes(b"%PDF-1.7 test pack")
    yield site
    pack_file.unlink(missing_ok=True)


def _planned_visits(site):
    """{(person, path): (url names, visit)}: a page that holds several forms is checked once, for
    every URL name it stands for. Grouped by person, so each has one browser context."""
    planned = {}
    every = [(name, visit.form_on or name, visit) for name, visit in VISITS.items()]
    every += [(about, name, visit) for about, (name, visit) in OTHER_STATES.items()]
    for name, url_name, visit in sorted(every, key=lambda row: row[2].person):
        if url_name is None:
            path = MISSING_PATH
        else:
            path = reverse(url_name, kwargs=visit.kwargs(site)) + visit.query
        names, _ = planned.setdefault((visit.person, path), ([], visit))
        names.append(name)
    return planned


# --- In the browser -----------------------------------------------------------------------------

_RUN_AXE = """async (tags) => {
  const results = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((violation) => ({
    id: violation.id,
    help: violation.help,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "),
      summary: (node.failureSummary || "").split("\\n").slice(0, 3).join(" "),
    })),
  }));
}"""

# The elements that stick out past the viewport's right edge while their parent does not: where
# the overflow starts, widest first.
_TOO_WIDE = """(width) => {
  const name = (element) => {
    let text = element.tagName.toLowerCase();
    if (element.id) text += `#${element.id}`;
    const classes = [...element.classList].slice(0, 3);
    if (classes.length) text += `.${classes.join(".")}`;
    return text;
  };
  const overflowing = (element) => element.getBoundingClientRect().right > width + 0.5;
  const starts = [...document.body.querySelectorAll("*")].filter(
    (element) => overflowing(element) && !overflowing(element.parentElement)
  );
  starts.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    widest: starts.slice(0, 5).map((element) => {
      const right = Math.round(element.getBoundingClientRect().right);
      return `${name(element)} (right edge at ${right} px)`;
    }),
  };
}"""


async def _context_for(browser, base_url, cookie, size):
    width, height = size
    context = await browser.new_context_bypassing_csp(
        base_url=base_url, viewport={"width": width, "height": height}
    )
    context.set_default_timeout(WAIT_MS)
    if cookie:
        await context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
        )
    return context


async def _check_data(page, path, visit):
    response = await page.request.get(path)
    problems = []
    if response.status not in visit.statuses:
        problems.append(f"status {response.status}, expected {visit.statuses}")
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith(visit.content_type):
        problems.append(f"content type {content_type!r}, expected {visit.content_type!r}")
    return problems


async def _check_page(page, path, visit, axe_source, check_width):
    response = await page.goto(path, wait_until="load")
    if response is None or response.status not in visit.statuses:
        return [f"status {response and response.status}, expected {visit.statuses}"]
    problems = []
    landed = urlsplit(page.url).path
    if landed != urlsplit(path).path and not visit.redirects:
        problems.append(f"redirected to {landed}")
    if visit.ready:
        await page.locator(visit.ready).wait_for()
    # Every disclosure open (a section's actions menu, "what changed"), so what is inside is
    # checked too, and counts towards the width.
    await page.evaluate("() => document.querySelectorAll('details').forEach((d) => d.open = true)")
    await page.add_script_tag(content=axe_source)
    for violation in await page.evaluate(_RUN_AXE, AXE_TAGS):
        for node in violation["nodes"]:
            problems.append(f"axe {violation['id']}: {node['target']}: {node['summary']}")
    if check_width:
        width = await page.evaluate(_TOO_WIDE, PHONE_WIDTH)
        if width["scrollWidth"] > PHONE_WIDTH:
            problems.append(
                f"{width['scrollWidth']} px wide at {PHONE_WIDTH} px; sticking out: "
                + ", ".join(width["widest"])
            )
    return problems


def _axe_source(path=AXE_PATH):
    if not path.exists():
        pytest.fail(
            f"axe-core is not installed: {path} is missing. Run `npm ci --no-audit --no-fund` in "
            "the repository first (.ci/run does)."
        )
    return path.read_text()


def test_missing_axe_core_fails_with_a_plain_message(tmp_path):
    with pytest.raises(pytest.fail.Exception) as failed:
        _axe_source(tmp_path / "axe.min.js")

    assert str(failed.value).startswith("axe-core is not installed:")
    assert "npm ci --no-audit --no-fund" in str(failed.value)


@pytest.mark.e2e
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_every_page_passes_axe_and_fits_a_phone(site, run_in_browser, asgi_server, width_name):
    axe_source = _axe_source()
    planned = _planned_visits(site)
    size = WIDTHS[width_name]

    async def scenario(browser):
        found = {}
        pages = {}
        try:
            for (person, path), (names, visit) in planned.items():
                if person not in pages:
                    context = await _context_for(
                        browser, asgi_server.url, site.cookies.get(person), size
                    )
                    pages[person] = await context.new_page()
                page = pages[person]
                if visit.kind == PAGE:
                    problems = await _check_page(
                        page, path, visit, axe_source, check_width=size[0] == PHONE_WIDTH
                    )
                else:
                    problems = await _check_data(page, path, visit)
                if problems:
                    found[f"{', '.join(names)} ({path} as {person})"] = problems
        finally:
            for page in pages.values():
                await page.context.close()
        return found

    found = run_in_browser(scenario)

    report = "\n".join(
        f"{where}:\n" + "\n".join(f"    {problem}" for problem in problems)
        for where, problems in found.items()
    )
    assert found == {}, f"At {size[0]} px, {len(found)} pages have problems:\n{report}"
