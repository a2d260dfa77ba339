"""Writing and arranging a module in a real browser, on the demo organisations (seed_demo).

A family carer of the demo (Sam, a co-trainer at Riverside) signs in, edits a section with the
preview following the typing, saves it, moves a section, and meets another organisation's
workshop as a page that isn't there. The pages are also checked for the skip link.
"""

from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command

from workshops.demo_content import DEMO_PASSWORD, HILLSIDE, RIVERSIDE, SAM
from workshops.models import Module, Section, Workshop

from .pages import WAIT_MS, open_section_actions, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# A Riverside module that the demo has not agreed yet (its round is open), so its sections are
# open for writing.
MODULE_TITLE = "Proactive strategies: preventing hard moments"


@dataclass
class Demo:
    workshop: Workshop
    module: Module
    sections: list
    other_workshop: Workshop


@pytest.fixture
def demo(e2e_db):
    call_command("seed_demo", stdout=StringIO())
    module = Module.objects.select_related("workshop").get(
        title=MODULE_TITLE, workshop__organisation__name=RIVERSIDE
    )
    return Demo(
        workshop=module.workshop,
        module=module,
        sections=list(module.sections.order_by("position", "pk")),
        other_workshop=Workshop.objects.get(organisation__name=HILLSIDE),
    )


def section_ids_in_order(module):
    return list(
        Section.objects.filter(module=module)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )


def test_authoring_family_carer_edits_a_section_with_live_preview_and_saves(
    demo, run_in_browser, asgi_server
):
    section = demo.sections[0]
    added = "Sam checked this with his own family first."

    async def scenario(browser):
        from playwright.async_api import expect

        expect.set_options(timeout=WAIT_MS)
        context = await browser.new_context(base_url=asgi_server.url)
        context.set_default_timeout(WAIT_MS)
        try:
            page = await context.new_page()
            # Signed out, the app asks to sign in first.
            await page.goto("/")
            assert "/accounts/login/" in page.url
            await page.get_by_label("Email").fill(SAM)
            await page.get_by_label("Password").fill(DEMO_PASSWORD)
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.get_by_role("link", name=demo.workshop.title)).to_be_visible()

            await page.get_by_role("link", name=demo.workshop.title).click()
            await page.get_by_role("link", name=MODULE_TITLE, exact=True).click()
            await expect(page.locator("h1")).to_have_text(MODULE_TITLE)
            await open_section_actions(page, section.pk)
            await page.locator(f"#section-{section.pk}").get_by_role("link", name="Edit").click()

            # The formatted editor stands in for the text box, which stays in the form, hidden.
            await expect(page.locator("#id_body")).to_be_hidden()
            await page.get_by_role("textbox", name="Text", exact=True).click()
            await page.keyboard.press("Control+End")
            await page.keyboard.type(f"\n\n{added}", delay=15)
            # The preview follows the typing (htmx posts the text after a pause).
            await expect(page.locator("#preview")).to_contain_text(added)

            await page.get_by_role("button", name="Save", exact=True).click()
            await expect(page.locator("#messages")).to_contain_text(
                f"Saved. This is version {section.version + 1}."
            )
            assert page.url.split("#")[0].endswith(demo.module.get_absolute_url())
            shown = await page.locator(f"#section-{section.pk} .section-body").inner_text()
            return shown
        finally:
            await context.close()

    shown = run_in_browser(scenario)

    assert added in shown
    saved = Section.objects.get(pk=section.pk)
    assert saved.version == section.version + 1
    assert saved.body.endswith(added)


def test_authoring_down_button_moves_a_section_without_reloading_the_page(
    demo, run_in_browser, asgi_server
):
    first, second = demo.sections[0], demo.sections[1]
    before = [section.pk for section in demo.sections]

    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, SAM, DEMO_PASSWORD)
        try:
            await page.goto(demo.module.get_absolute_url())
            await page.evaluate("() => { window.notReloaded = true; }")
            await open_section_actions(page, first.pk)
            await page.locator(f'#section-{first.pk} button[data-move="down"]').click()
            await page.wait_for_function(
                "(id) => document.querySelector('#section-list > article').id === id",
                arg=f"section-{second.pk}",
            )
            return await page.evaluate(
                """() => {
                  const focused = document.activeElement;
                  return {
                    order: [...document.querySelectorAll('#section-list > article')]
                      .map((article) => Number(article.id.replace('section-', ''))),
                    notReloaded: window.notReloaded === true,
                    focused: `${focused.dataset.move} ${focused.dataset.item}`,
                  };
                }"""
            )
        finally:
            await context.close()

    shown = run_in_browser(scenario)

    after = [second.pk, first.pk, *before[2:]]
    assert shown["order"] == after
    assert shown["notReloaded"] is True
    # Keyboard focus stays with the section that moved.
    assert shown["focused"] == f"down {first.pk}"
    assert section_ids_in_order(demo.module) == after


def test_authoring_other_organisations_workshop_is_not_found(demo, run_in_browser, asgi_server):
    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, SAM, DEMO_PASSWORD)
        try:
            response = await page.goto(f"/workshops/{demo.other_workshop.pk}/")
            return response.status, await page.locator("h1").inner_text()
        finally:
            await context.close()

    status, heading = run_in_browser(scenario)

    assert status == 404
    assert heading == "We can't find that page"


def test_authoring_skip_link_is_first_focusable_and_jumps_to_main(
    demo, run_in_browser, asgi_server
):
    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, SAM, DEMO_PASSWORD)
        try:
            await page.goto(demo.module.get_absolute_url())
            await page.keyboard.press("Tab")
            first = await page.evaluate(
                """() => {
                  const element = document.activeElement;
                  const box = element.getBoundingClientRect();
                  return {
                    text: element.textContent.trim(),
                    href: element.getAttribute('href'),
                    visible: box.width > 0 && box.height > 0,
                  };
                }"""
            )
            await page.keyboard.press("Enter")
            await page.wait_for_function("() => window.location.hash === '#main'")
            return first, await page.evaluate("() => document.activeElement.id")
        finally:
            await context.close()

    first, focused_after = run_in_browser(scenario)

    assert first == {"text": "Skip to main content", "href": "#main", "visible": True}
    assert focused_after == "main"
