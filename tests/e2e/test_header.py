"""The page header on a phone and on a wide screen, in a real browser, as a demo family carer.

On a narrow screen the links fold behind "Menu", which opens with or without JavaScript; no
page is wider than the screen because of the header; every link and button in it is at least
44 by 44 pixels. After signing in, the message about it takes the keyboard focus.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from workshops.demo_content import DEMO_PASSWORD, RIVERSIDE, SAM
from workshops.models import Organisation

from .pages import WAIT_MS

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Every visible link, button and menu button in the header: its name and size.
_HEADER_TARGETS = """() => Array.from(
  document.querySelectorAll("header a, header button, header summary, header select")
).filter((element) => element.getClientRects().length > 0).map((element) => {
  const box = element.getBoundingClientRect();
  return {name: element.textContent.trim(), width: box.width, height: box.height};
})"""


@pytest.fixture
def workshops_path(e2e_db):
    call_command("seed_demo", stdout=StringIO())
    organisation = Organisation.objects.get(name=RIVERSIDE)
    return f"/o/{organisation.pk}/"


async def _signed_in(browser, base_url, width, *, javascript=True):
    context = await browser.new_context(
        base_url=base_url, viewport={"width": width, "height": 800}, java_script_enabled=javascript
    )
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    await page.goto("/accounts/login/")
    await page.fill("#id_username", SAM)
    await page.fill("#id_password", DEMO_PASSWORD)
    async with page.expect_navigation():
        await page.click("main form button[type=submit]")
    return context, page


def _small(targets):
    return [t for t in targets if t["width"] < 44 or t["height"] < 44]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_header_on_a_phone_folds_behind_menu(
    workshops_path, run_in_browser, asgi_server, javascript
):
    async def scenario(browser):
        context, page = await _signed_in(browser, asgi_server.url, 390, javascript=javascript)
        try:
            await page.goto(workshops_path)
            sign_out = page.get_by_role("button", name="Sign out")
            closed = {
                "menu": await page.get_by_text("Menu", exact=True).is_visible(),
                "sign_out": await sign_out.is_visible(),
                "targets": _small(await page.evaluate(_HEADER_TARGETS)),
            }
            await page.get_by_text("Menu", exact=True).click()
            opened = {
                "sign_out": await sign_out.is_visible(),
                "people": await page.get_by_role("link", name="People").is_visible(),
                "targets": _small(await page.evaluate(_HEADER_TARGETS)),
            }
            widths = {}
            for width in (320, 390):
                await page.set_viewport_size({"width": width, "height": 800})
                widths[width] = await page.evaluate("document.documentElement.scrollWidth")
            return closed, opened, widths
        finally:
            await context.close()

    closed, opened, widths = run_in_browser(scenario)

    assert closed == {"menu": True, "sign_out": False, "targets": []}
    assert opened == {"sign_out": True, "people": True, "targets": []}
    assert widths == {320: 320, 390: 390}


def test_header_on_a_wide_screen_shows_its_links_without_menu(
    workshops_path, run_in_browser, asgi_server
):
    async def scenario(browser):
        context, page = await _signed_in(browser, asgi_server.url, 1280)
        try:
            await page.goto(workshops_path)
            return {
                "menu": await page.get_by_text("Menu", exact=True).is_visible(),
                "sign_out": await page.get_by_role("button", name="Sign out").is_visible(),
                "people": await page.get_by_role("link", name="People").is_visible(),
                "targets": _small(await page.evaluate(_HEADER_TARGETS)),
            }
        finally:
            await context.close()

    assert run_in_browser(scenario) == {
        "menu": False,
        "sign_out": True,
        "people": True,
        "targets": [],
    }


def test_header_sign_in_message_takes_the_focus(workshops_path, run_in_browser, asgi_server):
    async def scenario(browser):
        context, page = await _signed_in(browser, asgi_server.url, 390)
        try:
            return await page.evaluate(
                """() => {
                  const element = document.activeElement;
                  return {
                    role: element.getAttribute("role"),
                    heading: element.querySelector("h2").textContent.trim(),
                    text: element.querySelector("p").textContent.trim(),
                  };
                }"""
            )
        finally:
            await context.close()

    assert run_in_browser(scenario) == {
        "role": "status",
        "heading": "Success",
        "text": "Welcome, Sam.",
    }
