"""The whole loop by keyboard alone, on a 390 px phone: sign in, open a module, edit a section
and save it, open a review round, approve it as both reviewers it needs (a family carer and a
professional), and get a large-print pack.

Only the keyboard: Tab, the arrow keys, Enter, Space and typing (``pages.tab_to`` finds each
control by its accessible name, as a screen reader user would hear it), and the browser's
address bar for the sign-in page. Nothing is clicked. Every control reached must show that it
has focus.
"""

import re
from dataclasses import dataclass

import pytest

from tests.factories import (
    PASSWORD,
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    SectionFactory,
    WorkshopFactory,
)
from workshops.enums import DecisionKind, PackState, Perspective, PrintSize, Role
from workshops.models import Membership, Module, Pack, ReviewRound, Section, Workshop

from .pages import WAIT_MS, focus_is_visible, focused
from .pages import tab_to as tab_to_name

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ADDED = "We read this aloud together to check that it sounds kind."


@dataclass
class Team:
    carer: Membership
    lead: Membership
    workshop: Workshop
    module: Module
    section: Section


@pytest.fixture
def team(e2e_db, server_pack_files):
    organisation = OrganisationFactory(name="Keyboard Carers Together")
    lead = MembershipFactory(
        organisation=organisation,
        role=Role.LEAD,
        perspective=Perspective.PROFESSIONAL,
        user__full_name="Priya Lead",
    )
    carer = MembershipFactory(
        organisation=organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
        user__full_name="Sam Carer",
    )
    workshop = WorkshopFactory(organisation=organisation, actor=lead, title="Living well at home")
    module = ModuleFactory(workshop=workshop, actor=lead, title="Understanding behaviour")
    section = SectionFactory(
        module=module,
        actor=carer,
        title="What behaviour tells us",
        body="Behaviour is a way of telling us something.",
    )
    yield Team(carer, lead, workshop, module, section)


@pytest.fixture
def server_pack_files():
    """The server's pack files (it renders packs in its own process): removed after the test."""
    yield
    for pack in Pack.objects.all():
        pack.path.unlink(missing_ok=True)


async def tab_to(page, name, **options):
    """pages.tab_to, and the control reached shows that it has focus."""
    await tab_to_name(page, name, **options)
    if not await focus_is_visible(page):
        html = await page.evaluate("() => document.activeElement.outerHTML.slice(0, 300)")
        raise AssertionError(f"{(await focused(page))['name']!r} shows no focus: {html}")


async def press(page, key="Enter"):
    """Press a key that leads to another page, and wait for it."""
    async with page.expect_navigation():
        await page.keyboard.press(key)


async def sign_in_by_keyboard(browser, base_url, email):
    context = await browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    await page.goto("/accounts/login/")
    await tab_to(page, re.compile(r"^Email"))
    await page.keyboard.type(email)
    await tab_to(page, re.compile(r"^Password"))
    await page.keyboard.type(PASSWORD)
    await press(page)
    assert "/accounts/login/" not in page.url, f"Signing in as {email} did not work"
    return context, page


async def open_module(page, team):
    await tab_to(page, team.workshop.title)
    await press(page)
    await tab_to(page, team.module.title)
    await press(page)
    assert (await page.locator("h1").inner_text()) == team.module.title


async def approve(page):
    """On a review round's page: choose Approve and record it."""
    # Tab reaches the group's first choice; the arrow keys move between the choices.
    await tab_to(page, re.compile(r"^(Approve|Request changes)"))
    if not (await focused(page))["name"].startswith("Approve"):
        await tab_to(page, re.compile(r"^Approve"), limit=4, key="ArrowUp")
    await page.keyboard.press("Space")
    assert await page.evaluate("() => document.activeElement.checked") is True
    await tab_to(page, re.compile(r"my decision", re.I))
    await press(page)


def test_keyboard_carer_edits_saves_and_opens_a_round_then_both_approve_and_get_a_pack(
    team, run_in_browser, asgi_server
):
    async def carer_part(browser):
        from playwright.async_api import expect

        expect.set_options(timeout=WAIT_MS)
        context, page = await sign_in_by_keyboard(browser, asgi_server.url, team.carer.user.email)
        try:
            await open_module(page, team)
            # One Tab stop per section: its actions open from one disclosure.
            await tab_to(page, re.compile(rf"^Actions.*{team.section.title}"))
            await page.keyboard.press("Enter")
            await tab_to(page, re.compile(rf"^Edit\b.*{team.section.title}"))
            await press(page)

            await tab_to(page, re.compile(r"^Text\b"))
            await page.keyboard.press("Control+End")
            await page.keyboard.type(f"\n\n{ADDED}")
            await tab_to(page, "Save")
            await press(page)
            await expect(page.locator("#messages")).to_contain_text("Saved.")
            await expect(page.locator(f"#section-{team.section.pk}")).to_contain_text(ADDED)
            # The message has the focus (not the saved section the address points to), and the
            # module's next step is the first thing after it.
            await expect(page.locator("#messages .notification-banner")).to_be_focused()
            await tab_to(page, re.compile(r"^Ask for a review"), limit=1)
            await press(page)
            for reviewer in (team.carer, team.lead):
                await tab_to(page, re.compile(rf"^{reviewer.user.full_name}\b"))
                await page.keyboard.press("Space")
            await tab_to(page, re.compile(r"^Save$|^Open the (review )?round", re.I))
            await press(page)
            await expect(page.locator("#messages")).to_contain_text("Round 1 is open.")
            await expect(page.locator("h1")).to_contain_text("Review round 1")

            await approve(page)
            await expect(page.locator("#messages")).to_be_visible()
        finally:
            await context.close()

    run_in_browser(carer_part)

    section = Section.objects.get(pk=team.section.pk)
    # The words as typed, as a paragraph of their own (how many blank lines the editor keeps
    # between paragraphs is its own business).
    assert re.split(r"\n\s*\n", section.body.strip()) == [
        "Behaviour is a way of telling us something.",
        ADDED,
    ], repr(section.body)
    assert section.version == 2
    round = ReviewRound.objects.get(module=team.module)
    assert round.is_open
    assert {reviewer.membership_id for reviewer in round.reviewers.all()} == {
        team.carer.pk,
        team.lead.pk,
    }
    assert list(round.decisions.values_list("membership_id", "kind")) == [
        (team.carer.pk, DecisionKind.APPROVE)
    ]

    async def lead_part(browser):
        from playwright.async_api import expect

        expect.set_options(timeout=WAIT_MS)
        context, page = await sign_in_by_keyboard(browser, asgi_server.url, team.lead.user.email)
        try:
            await open_module(page, team)
            await tab_to(page, "Open the review round")
            await press(page)
            await approve(page)
            await expect(page.locator("main")).to_contain_text("Agreed")

            # Up the breadcrumbs to the workshop, and on to its packs.
            await tab_to(page, team.workshop.title)
            await press(page)
            await tab_to(page, "Print packs")
            await press(page)
            await tab_to(page, "What to print")
            await page.keyboard.type("Attendee pack")
            assert await page.evaluate("() => document.activeElement.value") == "attendee"
            await tab_to(page, "Standard print")
            await tab_to(page, "Large print", limit=3, key="ArrowDown")
            await tab_to(page, "Make the pack")
            await press(page)
            await expect(page.locator("#pack-status")).to_contain_text("Your pack is ready.")
            await tab_to(page, "Download the PDF")
            async with page.expect_download() as download_info:
                await page.keyboard.press("Enter")
            download = await download_info.value
            with open(await download.path(), "rb") as pdf:
                return download.suggested_filename, pdf.read(5)
        finally:
            await context.close()

    file_name, start = run_in_browser(lead_part)

    assert file_name.endswith(".pdf")
    assert start == b"%PDF-"
    module = Module.objects.get(pk=team.module.pk)
    assert module.agreed_version_id == ReviewRound.objects.get(module=module).version_id
    pack = Pack.objects.get(workshop=team.workshop)
    assert (pack.kind, pack.print_size, pack.state) == (
        "attendee",
        PrintSize.LARGE,
        PackState.READY,
    )
