"""A story's consent, the packs it decides, a person's own data and a donated payment, in a real
browser.

Rowan, a family carer, records consent for their story for facilitators only. The module is
then agreed; Rowan asks for a facilitator pack, which prints the story, and an attendee pack,
which leaves it out. Rowan withdraws the consent: the old facilitator pack can no longer be
downloaded, its download says why and offers a new pack, and the new pack leaves the story
out. Rowan downloads their data (the consent and their words are in it) and chooses to donate
the payment for their time in a co-design session. Priya, the lead, downloads the year's
payroll and Rowan's statement for the year: both show the payment as donated.
"""

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    WorkshopFactory,
)
from tests.helpers import agree_module, pdf_text, write_section
from workshops.enums import (
    ConsentAudience,
    PackKind,
    PackState,
    Payment,
    Perspective,
    RateUnit,
    Role,
    SectionKind,
    TimeActivity,
)
from workshops.financial_year import financial_year_label, financial_year_of
from workshops.models import Membership, Module, Pack, Section, StoryConsent, TimeEntry, Workshop
from workshops.services import pay as pay_services
from workshops.services import sessions as session_services
from workshops.services import time as time_services

from .pages import WAIT_MS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
CARER_NAME = "Rowan Hartley"
LEAD_NAME = "Priya Lakeside"
STORY_TITLE = "What my daughter taught us"
# One unusual word in each section, to find where (and whether) it was printed.
STORY_MARKER = "Larkspur"
STORY_BODY = f"{STORY_MARKER} was the first word she learned to sign, on a wet Tuesday."
KEY_MESSAGE_MARKER = "Marigold"
SESSION_MINUTES = 90
# £20 an hour, so the 90 minutes come to £30.00.
HOURLY_PENCE = 2000
AMOUNT = "30.00"
DONATED_LABEL = "Donated to the organisation"


@dataclass
class Team:
    carer: Membership
    lead: Membership
    workshop: Workshop
    module: Module
    story: Section
    time_entry: TimeEntry


@pytest.fixture
def team(e2e_db, server_pack_files):
    organisation = OrganisationFactory(name="Riverside Carers Together")
    lead = MembershipFactory(
        organisation=organisation,
        role=Role.LEAD,
        perspective=Perspective.PROFESSIONAL,
        user__full_name=LEAD_NAME,
        user__first_name="Priya",
    )
    carer = MembershipFactory(
        organisation=organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
        user__full_name=CARER_NAME,
        user__first_name="Rowan",
    )
    workshop = WorkshopFactory(organisation=organisation, actor=lead, title="Calm days together")
    module = ModuleFactory(workshop=workshop, actor=lead, title="Understanding behaviour")
    write_section(
        module,
        actor=lead,
        title="Key messages",
        kind=SectionKind.KEY_MESSAGES,
        body=f"{KEY_MESSAGE_MARKER}: behaviour is a way of **telling us** something.",
    )
    story = write_section(
        module,
        actor=carer,
        title=STORY_TITLE,
        kind=SectionKind.LIVED_EXPERIENCE_STORY,
        body=STORY_BODY,
    )
    # Time the carer gave in a co-design session today, confirmed from its attendance, priced
    # from the rate card.
    pay_services.pay_rate_add(
        organisation=organisation,
        activity="",
        unit=RateUnit.HOUR,
        amount_pence=HOURLY_PENCE,
        starts_on=date(2025, 4, 1),
        actor=lead,
    )
    session = session_services.session_create(
        workshop=workshop,
        title="Writing the first module together",
        starts_at=timezone.now(),
        agenda=[module],
        facilitator=lead,
        actor=lead,
    )
    time_entry = time_services.time_entry_create(
        membership=carer,
        date=timezone.localdate(session.starts_at),
        minutes=SESSION_MINUTES,
        activity=TimeActivity.CO_DESIGN,
        payment=Payment.PAID,
        session=session,
        actor=carer,
    )
    return Team(carer, lead, workshop, module, story, time_entry)


@pytest.fixture
def server_pack_files():
    """The server's pack files (it renders packs in its own process): removed after the test."""
    yield
    for pack in Pack.objects.all():
        pack.path.unlink(missing_ok=True)


# --- What the person does ----------------------------------------------------------------------


async def main_menu(page, name):
    await page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


async def open_module(page, team_titles):
    """From the site's menu to the module's page."""
    workshop_title, module_title = team_titles
    await main_menu(page, "Workshops")
    await page.get_by_role("link", name=workshop_title, exact=True).click()
    await page.get_by_role("link", name=module_title, exact=True).click()


async def open_consent(page, team_titles):
    from playwright.async_api import expect

    await open_module(page, team_titles)
    # The link's name ends with the story's title, visually hidden (one link per story).
    name = re.compile(rf"^Record or change consent\b.*{re.escape(STORY_TITLE)}$")
    await page.get_by_role("link", name=name).click()
    await expect(page.locator("h1")).to_have_text(f"Consent for “{STORY_TITLE}”")


async def open_packs(page, team_titles):
    from playwright.async_api import expect

    workshop_title, _module_title = team_titles
    await main_menu(page, "Workshops")
    await page.get_by_role("link", name=workshop_title, exact=True).click()
    await page.get_by_role("link", name="Print packs").click()
    await expect(page.locator("h1")).to_have_text("Printable packs")


async def wait_and_download_pack(page):
    """On a pack's page: wait until it is ready (the page polls), then download it; the PDF's
    bytes and the pack page's address."""
    from playwright.async_api import expect

    status = page.locator("#pack-status")
    await expect(status).to_contain_text("Your pack is ready.")
    async with page.expect_download() as download_info:
        await status.get_by_role("link", name="Download the PDF").click()
    download = await download_info.value
    return await read_download(download), page.url


async def make_pack(page, team_titles, kind_label):
    """Ask for a pack of the workshop, standard print; (PDF bytes, pack page address)."""
    from playwright.async_api import expect

    await open_packs(page, team_titles)
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Make a pack"))
    await form.get_by_label("What to print").select_option(label=kind_label)
    await form.get_by_label("Standard print").check()
    await form.get_by_role("button", name="Make the pack").click()
    await expect(page.locator("h1")).to_have_text(kind_label)
    return await wait_and_download_pack(page)


async def read_download(download):
    failure = await download.failure()
    assert failure is None, f"The download of {download.suggested_filename} failed: {failure}"
    with open(await download.path(), "rb") as file:
        return file.read()


# --- The journey -------------------------------------------------------------------------------


def test_consent_for_facilitators_then_withdrawn_decides_packs_and_the_carer_donates_their_pay(
    team, run_in_browser, asgi_server
):
    titles = (team.workshop.title, team.module.title)
    carer_email, lead_email = team.carer.user.email, team.lead.user.email
    ends_on = timezone.localdate() + timedelta(days=365)
    ends_on_text = f"{ends_on.day} {ends_on:%B %Y}"

    # 1. The carer records the consent for their story: facilitators only.
    async def record_consent(browser):
        from playwright.async_api import expect

        expect.set_options(timeout=WAIT_MS)
        context, page = await sign_in(browser, asgi_server.url, carer_email)
        try:
            await open_consent(page, titles)
            await expect(
                page.get_by_text("No consent is recorded for this story yet.")
            ).to_be_visible()
            await page.get_by_label("Whose story is it? (a member)").select_option(label=CARER_NAME)
            await (
                page.get_by_role("group", name="Who may read it")
                .get_by_label("Facilitators only")
                .check()
            )
            await (
                page.get_by_role("group", name="How they are named")
                .get_by_label("First name only")
                .check()
            )
            await page.get_by_label("Consent ends on").fill(ends_on.isoformat())
            await (
                page.get_by_role("group", name="How it was given")
                .get_by_label("In writing")
                .check()
            )
            await page.get_by_role("button", name="Save the consent").click()
            await expect(page.locator("#messages")).to_contain_text("Consent saved.")
            story = page.locator(f"#section-{team.story.pk}")
            await expect(story).to_contain_text(
                f"Consent: facilitators only, until {ends_on_text}."
            )
        finally:
            await context.close()

    run_in_browser(record_consent)

    consent = StoryConsent.objects.get(section=team.story)
    assert (consent.teller_id, consent.recorded_by_id) == (team.carer.pk, team.carer.pk)
    assert (consent.audience, consent.expires_on, consent.withdrawn_at) == (
        ConsentAudience.FACILITATORS,
        ends_on,
        None,
    )
    # With the consent recorded, the module can be signed off by both perspectives.
    agree_module(team.module, reviewers=[team.carer, team.lead], actor=team.lead)

    # 2. The carer asks for a facilitator pack and an attendee pack.
    async def make_both_packs(browser):
        from playwright.async_api import expect

        expect.set_options(timeout=WAIT_MS)
        context, page = await sign_in(browser, asgi_server.url, carer_email)
        try:
            facilitator = await make_pack(page, titles, "Facilitator pack")
            attendee = await make_pack(page, titles, "Attendee pack")
            return facilitator, attendee
        finally:
            await context.close()

    (facilitator_pdf, facilitator_url), (attendee_pdf, attendee_url) = run_in_browser(
        make_both_packs
    )

    old_facilitator = Pack.objects.get(kind=PackKind.FACILITATOR)
    old_attendee = Pack.objects.get(kind=PackKind.ATTENDEE)
    assert facilitator_url.endswith(old_facilitator.get_absolute_url())
    assert attendee_url.endswith(old_attendee.get_absolute_url())
    assert old_facilitator.contents["stories"] == [team.story.pk]
    assert old_attendee.contents["stories"] == []
    facilitator_text = pdf_text(io.BytesIO(facilitator_pdf))
    attendee_text = pdf_text(io.BytesIO(attendee_pdf))
    assert STORY_MARKER in facilitator_text
    assert STORY_TITLE in facilitator_text
    assert KEY_MESSAGE_MARKER in attendee_text
    assert STORY_MARKER not in attendee_text
    assert STORY_TITLE not in attendee_text

    old_download = f"/packs/{old_facilitator.pk}/download/"

    # 3. The carer withdraws the consent, keeping the words; the old pack is refused and a new
    # one leaves the story out. Then they download their data and donate their payment.
    async def withdraw_then_data_and_pay(browser):
        from playwright.async_api import expect

        expect.set_options(timeout=WAIT_MS)
        seen = {}
        context, page = await sign_in(browser, asgi_server.url, carer_email)
        try:
            await open_consent(page, titles)
            await expect(page.locator("main")).to_contain_text(
                f"Consent is recorded for facilitators only, until {ends_on_text}."
            )
            await page.get_by_role("link", name="Withdraw the consent").click()
            await expect(page.locator("h1")).to_have_text(f"Withdraw consent for “{STORY_TITLE}”")
            await page.get_by_label(
                "Keep the words in the section (no pack will print them)"
            ).check()
            await page.get_by_role("button", name="Withdraw the consent").click()
            await expect(page.locator("#messages")).to_contain_text("Consent withdrawn.")
            story = page.locator(f"#section-{team.story.pk}")
            await expect(story).to_contain_text("Consent withdrawn. No pack holds this story.")
            await expect(story).to_contain_text(STORY_MARKER)

            # The old facilitator pack's page no longer offers the file, and says why.
            await page.goto(facilitator_url)
            status = page.locator("#pack-status")
            await expect(status).to_contain_text("This pack can no longer be downloaded.")
            await expect(status.get_by_role("link", name="Download the PDF")).to_have_count(0)
            # Its old download address (a bookmark, a link in an email) explains it plainly.
            response = await page.goto(old_download)
            seen["old_download_status"] = response.status
            refusal = page.get_by_role("alert")
            await expect(refusal).to_contain_text("This pack can no longer be downloaded.")
            await expect(refusal).to_contain_text(
                f"It holds the story “{STORY_TITLE}”, whose consent was withdrawn or has ended"
            )
            await expect(refusal).to_contain_text("Please stop using printed copies of it.")
            seen["refusal"] = await refusal.inner_text()
            await refusal.get_by_role("button", name="Make a new pack without it").click()
            await expect(page.locator("h1")).to_have_text("Facilitator pack")
            seen["new_facilitator_pdf"], seen["new_facilitator_url"] = await wait_and_download_pack(
                page
            )

            # The attendee pack never held the story: it still downloads.
            await page.goto(attendee_url)
            await expect(
                page.locator("#pack-status").get_by_role("link", name="Download the PDF")
            ).to_be_visible()

            # Their own data.
            await page.get_by_role("link", name="Signing in").click()
            await expect(page.locator("h1")).to_have_text("Signing in")
            async with page.expect_download() as download_info:
                await page.get_by_role("link", name="Download my data").click()
            download = await download_info.value
            seen["data_file_name"] = download.suggested_filename
            seen["data_zip"] = await read_download(download)

            # Their payment for the session's time, donated. The account pages show no
            # organisation's links in the menu, so home first.
            await page.get_by_role("link", name="coprod", exact=True).click()
            await main_menu(page, "Time")
            await page.get_by_role("link", name="Your payments and statement").click()
            await expect(page.locator("h1")).to_have_text("Your payments")
            entry = page.get_by_role("region", name=f"Co-design session, {SESSION_MINUTES}")
            await expect(entry).to_contain_text(f"Full amount: £{AMOUNT}")
            await entry.get_by_label("Your choice").select_option(label=DONATED_LABEL)
            await entry.get_by_role("button", name="Save this choice").click()
            await expect(page.locator("#messages")).to_contain_text("Your choice is saved.")

            # The same page on a phone: the choice as saved, and nothing wider than the screen.
            await page.set_viewport_size(PHONE)
            await page.reload()
            entry = page.get_by_role("region", name=f"Co-design session, {SESSION_MINUTES}")
            await expect(entry.get_by_label("Your choice")).to_have_value(Payment.DONATED)
            await expect(entry.get_by_role("button", name="Save this choice")).to_be_visible()
            seen["phone_width"] = await page.evaluate("document.documentElement.scrollWidth")
        finally:
            await context.close()
        return seen

    seen = run_in_browser(withdraw_then_data_and_pay)

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by_id == team.carer.pk
    assert seen["old_download_status"] == 410
    assert "Make a new pack without it" in seen["refusal"]
    new_facilitator = Pack.objects.filter(kind=PackKind.FACILITATOR).exclude(pk=old_facilitator.pk)
    assert new_facilitator.count() == 1
    new_facilitator = new_facilitator.get()
    assert seen["new_facilitator_url"].endswith(new_facilitator.get_absolute_url())
    assert (new_facilitator.state, new_facilitator.contents["stories"]) == (PackState.READY, [])
    new_text = pdf_text(io.BytesIO(seen["new_facilitator_pdf"]))
    assert KEY_MESSAGE_MARKER in new_text
    assert STORY_MARKER not in new_text
    assert STORY_TITLE not in new_text

    assert seen["data_file_name"] == "my-coprod-data.zip"
    with zipfile.ZipFile(io.BytesIO(seen["data_zip"])) as archive:
        data = json.loads(archive.read("data.json"))
        consent_rows = list(csv.DictReader(io.StringIO(archive.read("consents.csv").decode())))
        page_text = archive.read("index.html").decode()
    assert [
        (row["story"], row["your_part"], row["who_may_read"], row["ends"])
        for row in data["consents"]
    ] == [(STORY_TITLE, "whose story, recorded it", "Facilitators only", ends_on.isoformat())]
    assert data["consents"][0]["withdrawn"] == consent.withdrawn_at.isoformat()
    assert [row["story"] for row in consent_rows] == [STORY_TITLE]
    assert [(row["section"], row["text"]) for row in data["words"]] == [(STORY_TITLE, STORY_BODY)]
    assert STORY_MARKER in page_text
    assert [(row["minutes"], row["amount"]) for row in data["time"]] == [(SESSION_MINUTES, AMOUNT)]

    assert seen["phone_width"] <= PHONE["width"]
    team.time_entry.refresh_from_db()
    assert (team.time_entry.payment, team.time_entry.amount_pence) == (Payment.DONATED, 3000)

    # 4. The lead exports the year's payroll and the carer's statement for the year.
    this_year = financial_year_of(team.time_entry.date)

    async def lead_exports(browser):
        from playwright.async_api import expect

        expect.set_options(timeout=WAIT_MS)
        exported = {}
        context, page = await sign_in(browser, asgi_server.url, lead_email)
        try:
            await main_menu(page, "Time")
            await page.get_by_role("link", name="Your payments and statement").click()
            pay_nav = page.get_by_role("navigation", name="Fair pay")
            await pay_nav.get_by_role("link", name="Close months and payroll").click()
            await expect(page.locator("h1")).to_have_text("Close months and payroll")
            year = page.get_by_label("Or a whole financial year, month by month")
            exported["year"] = await year.input_value()  # this financial year is offered first
            async with page.expect_download() as download_info:
                await page.get_by_role("button", name="Download the year's payroll (CSV)").click()
            download = await download_info.value
            exported["payroll_name"] = download.suggested_filename
            exported["payroll"] = (await read_download(download)).decode()

            await pay_nav.get_by_role("link", name="Your payments").click()
            await expect(page.locator("h1")).to_have_text("Your payments")
            # This financial year is the one offered first.
            await expect(page.get_by_label("Financial year")).to_have_value(str(this_year))
            await page.get_by_label("Person").select_option(label=CARER_NAME)
            async with page.expect_download() as download_info:
                await page.get_by_role("button", name="Download as a spreadsheet (CSV)").click()
            download = await download_info.value
            exported["statement_name"] = download.suggested_filename
            exported["statement"] = (await read_download(download)).decode()
        finally:
            await context.close()
        return exported

    exported = run_in_browser(lead_exports)

    this_month = f"{team.time_entry.date:%Y-%m}"
    year_label = financial_year_label(this_year)
    assert exported["year"] == str(this_year)
    assert exported["payroll_name"] == f"payroll-{team.workshop.organisation_id}-{year_label}.csv"
    payroll = list(csv.DictReader(io.StringIO(exported["payroll"])))
    # Only the carer gave time this year; all of it donated, so nothing to transfer.
    paid_columns = ("month", "person", "to_pay", "donated", "total_to_transfer")
    assert [tuple(row[column] for column in paid_columns) for row in payroll] == [
        (this_month, CARER_NAME, "0.00", AMOUNT, "0.00")
    ]
    assert exported["statement_name"] == f"statement-{team.carer.pk}-{year_label}.csv"
    statement = list(csv.DictReader(io.StringIO(exported["statement"])))
    payments = [row for row in statement if row["section"] == "payment (income)"]
    assert [
        (row["financial_year"], row["person"], row["date"], row["full_amount"], row["choice"])
        for row in payments
    ] == [(year_label, CARER_NAME, team.time_entry.date.isoformat(), AMOUNT, Payment.DONATED)]
    assert payments[0]["paid_amount"] == "0.00"
    totals = {row["section"]: row["paid_amount"] for row in statement}
    assert totals["total payments (income)"] == "0.00"
