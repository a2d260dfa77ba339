"""A delivery's evaluation in a real browser: attendees answer on a phone, the team reads and acts.

Twelve attendees, not signed in, answer "Before the workshop" on a phone's width with a code
they make up, then "After the workshop" with the same code, a higher confidence and a comment.
The family carer co-training the delivery reads the results (the chart, the table beside it, the
change before to after, the comments), turns two comments into actions on the module, and finds
them as open items in the module's open review round.
"""

import re

import pytest
from django.urls import reverse

from workshops.enums import AnswerStage
from workshops.models import EvaluationResponse, FeedbackAction

from .pages import WAIT_MS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ATTENDEES = 12
CONFIDENCE = re.compile(r"^How confident do you feel")
CHANGE_QUESTION = "Is there anything we should change or add?"
COMMENTS = [f"Attendee {n} would like more time to practise the diary." for n in range(ATTENDEES)]
ACTIONS = [
    "Several people asked for more practice: give the diary a session of its own.",
    "Leave ten minutes for questions at the end of each session.",
]


@pytest.fixture
def world(e2e_db, make_world):
    return make_world(complete=True)


def codes():
    return [f"blue{n}" for n in range(ATTENDEES)]


def before_value(n):
    return 1 + n % 3  # 1, 2 or 3


def after_value(n):
    return before_value(n) + 2  # always higher


async def _answer(page, answer_url, stage, code, confidence, comment=None):
    """One attendee's answers for one stage, from the answer link; what the page then says."""
    from playwright.async_api import expect

    await page.goto(answer_url)
    await page.get_by_role("link", name=stage).click()
    await expect(page.locator("h1")).to_have_text(stage)
    await page.get_by_label("Your code").fill(code)
    question = page.get_by_role("group", name=CONFIDENCE)
    await question.get_by_label(str(confidence), exact=True).check()
    if comment is not None:
        await page.get_by_label(CHANGE_QUESTION).fill(comment)
    await page.get_by_role("button", name="Send my answers").click()
    await expect(page.locator("h1")).to_have_text("Thank you")


def test_evaluation_attendees_answer_on_a_phone_and_the_team_turns_results_into_actions(
    world, run_in_browser, asgi_server
):
    answer_url = reverse("answer_start", kwargs={"key": world.delivery.answer_key})
    results_url = reverse("delivery_results", kwargs={"pk": world.delivery.pk})
    round_url = world.review_round.get_absolute_url()
    module_title = world.module.title
    carer_email = world.co_trainer.user.email

    async def scenario(browser):
        from playwright.async_api import expect

        expect.set_options(timeout=WAIT_MS)
        seen = {}

        # The attendees: no account, on a phone.
        context = await browser.new_context(base_url=asgi_server.url, viewport=PHONE)
        context.set_default_timeout(WAIT_MS)
        try:
            page = await context.new_page()
            await page.goto(answer_url)
            await expect(page.get_by_role("link", name="Before the workshop")).to_be_visible()
            await expect(page.get_by_role("link", name="After the workshop")).to_be_visible()
            seen["phone_width"] = await page.evaluate("document.documentElement.scrollWidth")
            for n, code in enumerate(codes()):
                await context.clear_cookies()
                await _answer(page, answer_url, "Before the workshop", code, before_value(n))
            for n, code in enumerate(codes()):
                await context.clear_cookies()
                await _answer(
                    page, answer_url, "After the workshop", code, after_value(n), COMMENTS[n]
                )
            seen["attendee_cookies"] = [c["name"] for c in await context.cookies()]
        finally:
            await context.close()

        # The family carer reads the results together with the team, on a laptop.
        carer, page = await sign_in(browser, asgi_server.url, carer_email)
        try:
            await page.goto(results_url)
            chart = page.get_by_role("img", name="Confidence", exact=True)
            await expect(chart).to_be_visible()
            table = page.get_by_role("table", name="Answers to “Confidence”")
            await expect(table).to_be_visible()
            seen["chart_box"] = await chart.bounding_box()
            seen["table_box"] = await table.bounding_box()
            await expect(table.get_by_role("row", name=re.compile("^Before"))).to_contain_text("12")
            await expect(table.get_by_role("row", name=re.compile("^After"))).to_contain_text("12")
            confidence = page.locator("section.card").filter(has=chart)
            await expect(confidence).to_contain_text(
                "Of 12 people who answered both, 12 answered higher after"
            )
            comments = page.locator("section.card").filter(
                has=page.get_by_role("heading", name="What to change", exact=True)
            )
            await expect(comments.get_by_role("listitem")).to_have_count(ATTENDEES)
            seen["comments"] = await comments.get_by_role("listitem").all_inner_texts()

            # Two comments become actions on the module.
            for text in ACTIONS:
                form = page.locator("form").filter(
                    has=page.get_by_role("heading", name="Turn a result into an action")
                )
                await form.get_by_label("What we will change").fill(text)
                await form.get_by_label("In which module").select_option(label=module_title)
                await form.get_by_role("button", name="Add the action").click()
                await expect(page.locator("#messages")).to_contain_text("Action added.")
                agreed = page.locator("section").filter(
                    has=page.get_by_role("heading", name="Actions agreed from these results")
                )
                await expect(agreed.get_by_text(text, exact=True)).to_be_visible()
            assert page.url.split("#")[0].endswith(results_url)

            # They wait in the module's open review round.
            await page.goto(round_url)
            items = page.get_by_role("region", name="Open items from attendee feedback")
            await expect(items).to_be_visible()
            for text in [*ACTIONS, "Make the diary simpler"]:
                await expect(items.get_by_text(text, exact=True)).to_be_visible()
            seen["open_items"] = await items.get_by_role("listitem").count()
        finally:
            await carer.close()
        return seen

    seen = run_in_browser(scenario)

    assert seen["phone_width"] <= PHONE["width"]
    assert "sessionid" not in seen["attendee_cookies"]
    # The table stands beside the chart, not under it.
    chart, table = seen["chart_box"], seen["table_box"]
    assert table["x"] >= chart["x"] + chart["width"] - 1
    assert table["y"] < chart["y"] + chart["height"]
    assert sorted(seen["comments"]) == sorted(COMMENTS)
    assert seen["open_items"] == 3

    responses = EvaluationResponse.objects.filter(delivery=world.delivery)
    assert responses.count() == 2 * ATTENDEES
    before = set(responses.filter(stage=AnswerStage.BEFORE).values_list("code", flat=True))
    after = set(responses.filter(stage=AnswerStage.AFTER).values_list("code", flat=True))
    assert before == after == set(codes())
    actions = FeedbackAction.objects.filter(module=world.module)
    assert sorted(actions.values_list("text", flat=True)) == sorted(
        ["Make the diary simpler", *ACTIONS]
    )
    assert set(actions.values_list("delivery", flat=True)) == {world.delivery.pk}
