"""The Content-Security-Policy in a real browser.

Every browser test runs with the policy enforced and fails on any violation its pages report
(conftest.run_in_browser, pages.CspWatch). These tests show that the watch does catch one, and
that the parts of the site that set styles from script still work under the policy: the live
editor (CodeMirror's <style> element carries the page's nonce; other people's cursors are
coloured with classes) and the Django admin.
"""

import asyncio

import pytest

from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    PackFactory,
    SectionFactory,
    UserFactory,
)
from workshops.enums import Perspective

from .pages import WAIT_MS, CspViolation, close_all, cursor_to_line_end, open_live, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The perspectives' colours in static/css/coprod.css, as getComputedStyle gives them.
CARER_PURPLE = "rgb(91, 33, 182)"
PROFESSIONAL_TEAL = "rgb(15, 118, 110)"


def test_csp_watch_fails_the_test_on_refused_inline_script_handler_and_styles(
    e2e_db, run_in_browser, asgi_server
):
    """A page made to run an inline script and an inline event handler, and to add a <style>
    element and a style attribute: the policy refuses all four, and the browser test fails,
    naming each (chromium's own console message and the page's securitypolicyviolation event)."""

    async def scenario(browser):
        context = await browser.new_context(base_url=asgi_server.url)
        context.set_default_timeout(WAIT_MS)
        page = await context.new_page()
        await page.goto("/accounts/login/")
        ran = await page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.inlineScriptRan = true;";
              document.body.append(script);
              const button = document.createElement("button");
              button.setAttribute("onclick", "window.inlineHandlerRan = true;");
              document.body.append(button);
              button.click();
              const style = document.createElement("style");
              style.textContent = "body { background-color: rgb(255, 0, 0); }";
              document.head.append(style);
              const main = document.querySelector("main");
              main.setAttribute("style", "color: rgb(255, 0, 0)");
              return {
                script: Boolean(window.inlineScriptRan),
                handler: Boolean(window.inlineHandlerRan),
                bodyBackground: getComputedStyle(document.body).backgroundColor,
                mainColour: getComputedStyle(main).color,
              };
            }"""
        )
        await context.close()
        # Refused, so nothing of it took effect.
        assert ran["script"] is False
        assert ran["handler"] is False
        assert ran["bodyBackground"] != "rgb(255, 0, 0)"
        assert ran["mainColour"] != "rgb(255, 0, 0)"

    with pytest.raises(CspViolation) as refused:
        run_in_browser(scenario)

    violations = refused.value.violations
    for directive in ("script-src-elem", "script-src-attr", "style-src-elem", "style-src-attr"):
        assert [v for v in violations if f"securitypolicyviolation: {directive} refused" in v], (
            directive,
            violations,
        )
    assert len([v for v in violations if "Content Security Policy directive" in v]) == 4


def test_csp_bypass_is_refused_to_an_ordinary_browser_test(e2e_db, run_in_browser, asgi_server):
    async def scenario(browser):
        await browser.new_context(base_url=asgi_server.url, bypass_csp=True)

    with pytest.raises(AssertionError, match="only an accessibility test"):
        run_in_browser(scenario)


@pytest.fixture
def room(e2e_db, make_live_room):
    return make_live_room(
        "Behaviour can be a way of telling us something.\n\nFamilies know their child best."
    )


_EDITOR_STYLE = """() => {
  const editor = document.querySelector("#live-editor .cm-editor");
  const styles = [...document.querySelectorAll("head style")];
  return {
    // CodeMirror's base theme makes the editor a flex box: only if its <style> was applied.
    display: getComputedStyle(editor).display,
    nonces: styles.map((style) => style.nonce),
  };
}"""

_PEER_CARET = """(peer) => {
  const caret = document.querySelector(`.cm-ySelectionCaret.${peer}`);
  if (!caret) return null;
  return {
    background: getComputedStyle(caret).backgroundColor,
    border: getComputedStyle(caret).borderLeftColor,
    label: caret.querySelector(".cm-ySelectionInfo").textContent,
    styleAttribute: caret.getAttribute("style"),
  };
}"""


async def _peer_caret(page, peer):
    await page.locator(f"#live-editor .cm-ySelectionCaret.{peer}").wait_for(state="attached")
    return await page.evaluate(_PEER_CARET, peer)


def test_csp_live_editor_is_styled_and_shows_each_perspectives_cursor_in_its_colour(
    room, run_in_browser, asgi_server
):
    async def scenario(browser):
        (carer_context, carer), (pro_context, professional) = await asyncio.gather(
            sign_in(browser, asgi_server.url, room.carer.user.email),
            sign_in(browser, asgi_server.url, room.professional.user.email),
        )
        try:
            await asyncio.gather(open_live(carer, room.path), open_live(professional, room.path))
            editor = await carer.evaluate(_EDITOR_STYLE)
            nonce = await carer.evaluate(
                "() => document.querySelector('script[src*=\"live-editor\"]').nonce"
            )
            await cursor_to_line_end(carer, 1)
            await cursor_to_line_end(professional, 3)
            seen_by_professional = await _peer_caret(professional, "cm-peer-family_carer")
            seen_by_carer = await _peer_caret(carer, "cm-peer-professional")
            return editor, nonce, seen_by_professional, seen_by_carer
        finally:
            await close_all(carer_context, pro_context)

    editor, nonce, seen_by_professional, seen_by_carer = run_in_browser(scenario)

    assert editor["display"] == "flex"
    assert nonce
    assert nonce in editor["nonces"]
    assert seen_by_professional == {
        "background": CARER_PURPLE,
        "border": CARER_PURPLE,
        "label": f"{room.carer.user.full_name} (family carer)",
        "styleAttribute": None,
    }
    assert seen_by_carer == {
        "background": PROFESSIONAL_TEAL,
        "border": PROFESSIONAL_TEAL,
        "label": f"{room.professional.user.full_name} (professional)",
        "styleAttribute": None,
    }
    asgi_server.wait_for_rooms_closed()


def test_csp_admin_signs_in_and_saves_a_change_page(e2e_db, run_in_browser, asgi_server):
    """The Django admin gets the same header: its sign-in, a list and a change page work, and
    saving the change page saves."""
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    organisation = OrganisationFactory(name="Riverside Family Forum")

    async def scenario(browser):
        from playwright.async_api import expect

        expect.set_options(timeout=WAIT_MS)
        context = await browser.new_context(base_url=asgi_server.url)
        context.set_default_timeout(WAIT_MS)
        try:
            page = await context.new_page()
            await page.goto("/admin/")
            await page.fill("#id_username", admin_user.email)
            await page.fill("#id_password", PASSWORD)
            async with page.expect_navigation():
                await page.click("input[type=submit]")
            await expect(page.locator("#site-name")).to_be_visible()
            await page.goto("/admin/workshops/organisation/")
            await expect(page.locator("#result_list")).to_contain_text(organisation.name)
            await page.goto(f"/admin/workshops/organisation/{organisation.pk}/change/")
            await page.fill("#id_name", "Riverside Carers Forum")
            async with page.expect_navigation():
                await page.click("input[name=_save]")
            return await page.locator(".messagelist").inner_text()
        finally:
            await context.close()

    message = run_in_browser(scenario)

    assert "was changed successfully" in message
    organisation.refresh_from_db()
    assert organisation.name == "Riverside Carers Forum"


_BAR_SHARES = """() => {
  const width = (element) => element.getBoundingClientRect().width;
  const share = (part, whole) => width(part) / width(whole);
  const bar = document.querySelector("svg.balance-bar");
  const progress = document.querySelector("#pack-status .progress");
  return {
    carer: bar && share(bar.querySelector(".carer"), bar),
    professional: bar && share(bar.querySelector(".professional"), bar),
    pack: progress && share(progress.querySelector(".progress-bar"), progress),
  };
}"""


def test_csp_balance_bar_and_pack_progress_are_drawn_without_style_attributes(
    e2e_db, world, run_in_browser, asgi_server
):
    """The two bars that used to take their widths from style attributes: the balance of lived
    and learned experience (an SVG now) and a pack's progress (a class)."""
    professional = MembershipFactory(
        organisation=world.organisation, perspective=Perspective.PROFESSIONAL
    )
    SectionFactory(
        module=world.module, actor=professional, body="Six words from a professional here."
    )
    pack = PackFactory(workshop=world.workshop)

    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, world.lead.user.email)
        try:
            await page.goto(world.workshop.get_absolute_url())
            sentence = await page.locator("#balance-heading + svg + p").inner_text()
            balance = await page.evaluate(_BAR_SHARES)
            await page.goto(f"/packs/{pack.pk}/")
            progress = await page.evaluate(_BAR_SHARES)
            return sentence, balance, progress
        finally:
            await close_all(context)

    sentence, balance, progress = run_in_browser(scenario)

    carer_percent, professional_percent = (
        int(word.rstrip("%;.")) for word in sentence.split() if word.rstrip(";.").endswith("%")
    )
    assert 0 < professional_percent < 100
    assert balance["carer"] == pytest.approx(carer_percent / 100, abs=0.02)
    assert balance["professional"] == pytest.approx(professional_percent / 100, abs=0.02)
    # A queued pack: a quarter of the way.
    assert progress["pack"] == pytest.approx(0.25, abs=0.02)


def test_csp_section_form_editor_is_styled_by_its_nonced_style_element(
    e2e_db, world, run_in_browser, asgi_server
):
    """The section form's editor writes the same <style> element as the live room's, with the
    page's nonce: without it the editor would have none of CodeMirror's layout."""

    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, world.co_trainer.user.email)
        try:
            response = await page.goto(f"/sections/{world.section.pk}/edit/")
            await page.locator("[data-section-editor] .cm-editor").wait_for()
            shown = await page.evaluate(
                """() => ({
                  display: getComputedStyle(
                    document.querySelector("[data-section-editor] .cm-editor")).display,
                  nonces: [...document.querySelectorAll("head style")].map((style) => style.nonce),
                  scriptNonce: document.querySelector('script[src*="live-editor"]').nonce,
                })"""
            )
            return shown, await response.header_value("content-security-policy")
        finally:
            await close_all(context)

    shown, policy = run_in_browser(scenario)

    assert shown["display"] == "flex"
    assert shown["scriptNonce"]
    assert shown["scriptNonce"] in shown["nonces"]
    assert f"'nonce-{shown['scriptNonce']}'" in policy
