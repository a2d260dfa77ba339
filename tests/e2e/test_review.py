"""A review round in a real browser, on the demo organisation (seed_demo), on a phone's width.

Helen (the lead) tries to open a round with no family carer who can sign off and is told whom
to add; she adds Sam and opens it. Sam reads the text first, chooses "Approve" by tapping its
card's words and records it. Helen is asked to confirm before the round is withdrawn.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from workshops.demo_content import DEMO_PASSWORD, GARETH, HELEN, RIVERSIDE, SAM, TOM
from workshops.enums import DecisionKind, RoundStatus
from workshops.models import Membership, Module, ReviewRound

from .pages import WAIT_MS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# A module the demo has not put in review yet (the one before it has a round open).
MODULE_TITLE = "Staying safe in difficult moments"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_module(e2e_db):
    call_command("seed_demo", stdout=StringIO())
    return Module.objects.get(title=MODULE_TITLE, workshop__organisation__name=RIVERSIDE)


def _name(email):
    return Membership.objects.get(user__email=email).user.full_name


async def _page_width(page):
    return await page.evaluate("document.documentElement.scrollWidth")


def test_review_round_refused_then_opened_approved_on_cards_and_withdrawn_after_confirming(
    demo_module, run_in_browser, asgi_server
):
    names = {email: _name(email) for email in (SAM, TOM, GARETH)}
    open_url = f"/modules/{demo_module.pk}/review/"

    async def scenario(browser):
        from playwright.async_api import expect

        expect.set_options(timeout=WAIT_MS)
        seen = {}
        helen, page = await sign_in(browser, asgi_server.url, HELEN, DEMO_PASSWORD)
        await page.set_viewport_size(PHONE)
        await page.goto(open_url)
        # Tom can sign off; Gareth is a family carer, but an observer: he comments.
        await page.get_by_label(names[TOM], exact=False).check()
        await page.get_by_label(names[GARETH], exact=False).check()
        await page.get_by_role("button", name="Open the review round").click()

        summary = page.locator(".error-summary")
        await expect(summary).to_contain_text("Add at least one family carer who can sign off.")
        await expect(page.locator("#reviewers-error")).to_have_text(
            "Add at least one family carer who can sign off."
        )
        await summary.get_by_role("link").click()
        assert page.url.endswith("#id_reviewers")
        await expect(page.get_by_label(names[TOM], exact=False)).to_be_checked()
        await page.get_by_label(names[SAM], exact=False).check()
        await page.get_by_role("button", name="Open the review round").click()
        await expect(page.locator("#messages")).to_contain_text("Round 1 is open.")
        round_url = page.url

        sam, page = await sign_in(browser, asgi_server.url, SAM, DEMO_PASSWORD)
        await page.set_viewport_size(PHONE)
        await page.goto(round_url)
        text_top = await page.locator("#text-heading").bounding_box()
        decide_top = await page.locator("#decide").bounding_box()
        seen["text_before_decision"] = text_top["y"] < decide_top["y"]
        approve = page.locator("label.choice-card").filter(has_text="Approve")
        seen["card_height"] = (await approve.bounding_box())["height"]
        await expect(approve.locator(".choice-card-chosen")).to_be_hidden()
        # Tapping the card's explanation, not the small circle, chooses it.
        await approve.locator(".choice-card-hint").click()
        await expect(page.get_by_role("radio", name="Approve")).to_be_checked()
        await expect(approve.locator(".choice-card-chosen")).to_be_visible()
        seen["chosen_border"] = await approve.evaluate("e => getComputedStyle(e).borderTopWidth")
        seen["phone_width"] = await _page_width(page)
        await page.get_by_role("button", name="Record my decision").click()
        await expect(page.locator("#messages")).to_contain_text("Your decision is recorded.")

        page = await helen.new_page()
        await page.goto(round_url)
        withdraw = page.locator("section.withdraw-round")
        await withdraw.get_by_role("link", name="Withdraw this round").click()
        await expect(page.locator("h1")).to_contain_text("Are you sure you want to withdraw")
        await page.get_by_role("button", name="Withdraw this round").click()
        await expect(page.locator("#messages")).to_contain_text("The round has been withdrawn.")
        await helen.close()
        await sam.close()
        return seen

    seen = run_in_browser(scenario)

    assert seen["text_before_decision"] is True
    assert seen["card_height"] >= 44
    assert seen["chosen_border"] == "4px"
    assert seen["phone_width"] <= PHONE["width"]
    round = ReviewRound.objects.get(module=demo_module)
    assert round.status == RoundStatus.WITHDRAWN
    assert list(round.decisions.values_list("membership__user__email", "kind")) == [
        (SAM, DecisionKind.APPROVE)
    ]
    assert sorted(r.membership.user.email for r in round.reviewers.all()) == sorted(
        [SAM, TOM, GARETH]
    )
