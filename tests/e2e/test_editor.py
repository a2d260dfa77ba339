"""The formatted section editor in a real browser: on the section form and in the live room.

People format with the toolbar and the keyboard and never type markup; what is saved is plain
CommonMark, and in the live room the word attribution stays exact. Without JavaScript the plain
text box still edits and saves. Every page runs under the Content-Security-Policy, and a test
whose pages report a refusal fails (pages.CspWatch).
"""

import asyncio
import re

import pytest

from tests.factories import PASSWORD, SectionFactory
from workshops.attribution import attributed_words
from workshops.models import Section

from .pages import WAIT_MS, close_all, open_live, sign_in, type_at_line_end, wait_for_same_text
from .test_live_editing import logged_live_words, wait_for_write_back

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BODY = "Families know their child best.\n\nWe look for what the behaviour is for."
# Markup a person should never see on a line they are not editing.
MARKUP = re.compile(r"[#*_>\[\]]|\]\(|^\s*[-+] ")

# The visible text of each line of the form's editor, and what the toolbar says is pressed.
_EDITOR_LINES = """() => {
  const editor = document.querySelector("[data-section-editor] .cm-editor");
  return [...editor.querySelectorAll(".cm-line")].map((line) => ({
    text: line.innerText,
    classes: line.className,
    strong: [...line.querySelectorAll(".cm-md-strong")].map((part) => part.innerText),
    em: [...line.querySelectorAll(".cm-md-em")].map((part) => part.innerText),
    link: [...line.querySelectorAll(".cm-md-link")].map((part) => part.innerText),
  }));
}"""

_PRESSED = """() => Object.fromEntries(
  [...document.querySelectorAll("[role=toolbar] button[aria-pressed]")]
    .map((button) => [button.dataset.format, button.getAttribute("aria-pressed")])
)"""


# Puts the cursor (or a selection) on a phrase, as a click or a drag there would. The first
# argument names the editor: "coprodEditor" (the section form) or "coprodLive" (the live room).
_PLACE_CURSOR = """([editor, phrase, select]) => {
  const view = window[editor].instances[0].view;
  const at = view.state.doc.toString().indexOf(phrase);
  if (at < 0) throw new Error(`not in the text: ${phrase}`);
  view.focus();
  view.dispatch({selection: select ? {anchor: at, head: at + phrase.length} : {anchor: at + 1}});
}"""


async def place_cursor(page, phrase, *, select=False, live=False):
    editor = "coprodLive" if live else "coprodEditor"
    await page.evaluate(_PLACE_CURSOR, [editor, phrase, select])


@pytest.fixture
def section(e2e_db, world):
    return SectionFactory(
        module=world.module, actor=world.co_trainer, title="What families know", body=BODY
    )


def test_editor_toolbar_formats_without_markup_and_saves_commonmark(
    section, world, run_in_browser, asgi_server
):
    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, world.co_trainer.user.email)
        try:
            await page.goto(f"/sections/{section.pk}/edit/")
            toolbar = page.get_by_role("toolbar", name="Formatting")
            textarea_hidden = await page.locator("#id_body").is_hidden()

            await page.locator("[data-section-editor] .cm-content").click()
            await page.keyboard.press("Control+Home")
            await toolbar.get_by_role("button", name="Heading").click()
            await place_cursor(page, "behaviour")
            await toolbar.get_by_role("button", name="Bold").click()
            pressed_in_bold = await page.evaluate(_PRESSED)
            await page.keyboard.press("Control+End")
            await page.keyboard.press("Enter")  # a new paragraph, as in a word processor
            await toolbar.get_by_role("button", name="Bulleted list").click()
            await page.keyboard.type("Ask me what works", delay=10)
            await page.keyboard.press("Enter")  # the list goes on
            await page.keyboard.type("Listen first", delay=10)
            lines = await page.evaluate(_EDITOR_LINES)
            posted = await page.locator("#id_body").input_value()

            await page.get_by_role("button", name="Save", exact=True).click()
            await page.locator("#messages").wait_for()
            return textarea_hidden, pressed_in_bold, lines, posted
        finally:
            await close_all(context)

    textarea_hidden, pressed_in_bold, lines, posted = run_in_browser(scenario)

    expected = (
        "## Families know their child best.\n\n"
        "We look for what the **behaviour** is for.\n\n"
        "- Ask me what works\n"
        "- Listen first"
    )
    assert textarea_hidden
    assert pressed_in_bold["bold"] == "true"
    assert pressed_in_bold["heading"] == "false"
    assert posted == expected
    section.refresh_from_db()
    assert section.body == expected
    assert section.version == 2
    # The cursor is on the last line; every other line shows its words formatted, no markup.
    assert [line["text"] for line in lines[:-1]] == [
        "Families know their child best.",
        "\n",
        "We look for what the behaviour is for.",
        "\n",
        "• Ask me what works",
    ]
    for line in lines[:-1]:
        assert not MARKUP.search(line["text"]), line
    assert "cm-md-h2" in lines[0]["classes"]
    assert lines[2]["strong"] == ["behaviour"]
    # On the line being edited the marker is there to be seen and changed.
    assert lines[-1]["text"] == "- Listen first"


def test_editor_keyboard_shortcuts_bold_italics_and_a_link_on_a_new_section(
    e2e_db, world, run_in_browser, asgi_server
):
    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, world.co_trainer.user.email)
        try:
            await page.goto(f"/modules/{world.module.pk}/sections/new/")
            await page.locator("#id_title").fill("Where to find help")
            await page.locator("[data-section-editor] .cm-content").click()
            await page.keyboard.type("Read more at Mencap today", delay=10)
            await place_cursor(page, "more", select=True)
            await page.keyboard.press("Control+b")
            await place_cursor(page, "today")
            await page.keyboard.press("Control+i")
            await place_cursor(page, "Mencap", select=True)
            await page.keyboard.press("Control+k")
            address = page.get_by_label("Web address")
            await address.wait_for()
            words = await page.get_by_label("Words to show").input_value()
            await address.fill("www.mencap.org.uk")
            await address.press("Enter")
            focused_back = await page.evaluate(
                "() => document.activeElement.classList.contains('cm-content')"
            )
            await page.locator("#id_title").click()  # away from the text: no line is edited
            await page.wait_for_function(
                "() => !document.querySelector('[data-section-editor] .cm-md-mark')"
            )
            lines = await page.evaluate(_EDITOR_LINES)
            await page.get_by_role("button", name="Save", exact=True).click()
            await page.locator("#messages").wait_for()
            return words, focused_back, lines
        finally:
            await close_all(context)

    words, focused_back, lines = run_in_browser(scenario)

    assert words == "Mencap"
    assert focused_back
    assert [line["text"] for line in lines] == ["Read more at Mencap today"]
    assert lines[0]["strong"] == ["more"]
    assert lines[0]["em"] == ["today"]
    assert lines[0]["link"] == ["Mencap"]
    saved = Section.objects.get(module=world.module, title="Where to find help")
    assert saved.body == "Read **more** at [Mencap](https://www.mencap.org.uk) _today_"


def test_editor_save_stays_in_view_while_editing_the_start_of_a_long_section(
    e2e_db, world, run_in_browser, asgi_server
):
    long_section = SectionFactory(
        module=world.module,
        actor=world.co_trainer,
        title="A long section",
        body="\n\n".join(f"Paragraph {number} of a long section." for number in range(60)),
    )

    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, world.co_trainer.user.email)
        try:
            await page.set_viewport_size({"width": 390, "height": 700})
            await page.goto(f"/sections/{long_section.pk}/edit/")
            await page.locator("[data-section-editor] .cm-content").click()
            await page.keyboard.press("Control+Home")
            await page.keyboard.type("Hello. ", delay=10)
            return await page.evaluate(
                """() => {
                  const save = [...document.querySelectorAll("button[name=save]")][0];
                  const box = save.getBoundingClientRect();
                  const toolbar = document.querySelector("[role=toolbar]").getBoundingClientRect();
                  return {saveTop: box.top, saveBottom: box.bottom, height: window.innerHeight,
                          toolbarTop: toolbar.top, width: document.documentElement.scrollWidth,
                          formBottom: document.querySelector("form.section-form")
                            .getBoundingClientRect().bottom};
                }"""
            )
        finally:
            await close_all(context)

    shown = run_in_browser(scenario)

    # The form runs far below the screen, and still Save is on it, at its foot.
    assert shown["formBottom"] > 2 * shown["height"]
    assert 0 < shown["saveTop"] < shown["saveBottom"] <= shown["height"]
    assert shown["width"] <= 390
    long_section.refresh_from_db()
    assert long_section.version == 1  # typed, not saved


def test_editor_without_javascript_the_text_box_edits_previews_and_saves(
    section, world, run_in_browser, asgi_server
):
    added = "Sam checked this with his own family first."

    async def scenario(browser):
        context = await browser.new_context(base_url=asgi_server.url, java_script_enabled=False)
        context.set_default_timeout(WAIT_MS)
        try:
            page = await context.new_page()
            await page.goto("/accounts/login/")
            await page.fill("#id_username", world.co_trainer.user.email)
            await page.fill("#id_password", PASSWORD)
            async with page.expect_navigation():
                await page.click("main form button[type=submit]")
            await page.goto(f"/sections/{section.pk}/edit/")
            toolbars = await page.locator("[role=toolbar]").count()
            box = page.locator("#id_body")
            await box.fill(f"{BODY}\n\n**{added}**")
            async with page.expect_navigation():
                await page.get_by_role("button", name="Preview", exact=True).click()
            preview = await page.locator("#preview strong").inner_text()
            async with page.expect_navigation():
                await page.get_by_role("button", name="Save", exact=True).click()
            return toolbars, preview, await page.locator("#messages").inner_text()
        finally:
            await close_all(context)

    toolbars, preview, message = run_in_browser(scenario)

    assert toolbars == 0
    assert preview == added
    assert "Saved. This is version 2." in message
    section.refresh_from_db()
    assert section.body == f"{BODY}\n\n**{added}**"


# --- The live room --------------------------------------------------------------------------


@pytest.fixture
def room(e2e_db, make_live_room):
    return make_live_room(BODY)


def test_editor_live_formatting_keeps_word_attribution_exact(room, run_in_browser, asgi_server):
    """The professional adds a sentence; the family carer makes two of its words bold with the
    toolbar; the professional puts the carer's "child" in italics with Ctrl+I and types on.
    Formatting moves no credit: every word is still credited to the person who wrote it."""
    first = " A functional assessment helps here."
    then = " It helps us plan."
    version_before = room.section.version

    async def scenario(browser):
        (carer_context, carer), (pro_context, professional) = await asyncio.gather(
            sign_in(browser, asgi_server.url, room.carer.user.email),
            sign_in(browser, asgi_server.url, room.professional.user.email),
        )
        try:
            await asyncio.gather(open_live(carer, room.path), open_live(professional, room.path))
            await type_at_line_end(professional, 3, first)
            await wait_for_same_text([carer, professional], [first.strip()])

            await place_cursor(carer, "functional assessment", select=True, live=True)
            await carer.locator("#live-editor").get_by_role("button", name="Bold").click()
            pressed = await carer.evaluate(_PRESSED)
            await wait_for_same_text([carer, professional], ["**functional assessment**"])

            await place_cursor(professional, "child", live=True)
            await professional.keyboard.press("Control+i")
            await type_at_line_end(professional, 3, then)
            return pressed, await wait_for_same_text(
                [carer, professional], ["_child_", then.strip()]
            )
        finally:
            await close_all(carer_context, pro_context)

    pressed, merged = run_in_browser(scenario)

    expected = (
        "Families know their _child_ best.\n\n"
        "We look for what the behaviour is for. A **functional assessment** helps here."
        " It helps us plan."
    )
    assert pressed["bold"] == "true"
    assert merged == expected
    revision = wait_for_write_back(room.section, asgi_server, after_version=version_before)
    assert revision.body == expected
    carer, professional = room.carer.pk, room.professional.pk
    assert attributed_words(revision.body, revision.attribution) == [
        ("Families", carer),
        ("know", carer),
        ("their", carer),
        ("_child_", carer),
        ("best.", carer),
        ("We", carer),
        ("look", carer),
        ("for", carer),
        ("what", carer),
        ("the", carer),
        ("behaviour", carer),
        ("is", carer),
        ("for.", carer),
        ("A", professional),
        ("**functional", professional),
        ("assessment**", professional),
        ("helps", professional),
        ("here.", professional),
        ("It", professional),
        ("helps", professional),
        ("us", professional),
        ("plan.", professional),
    ]
    # Formatting adds no words to anyone's count.
    logged = logged_live_words(room.section)
    assert logged.get(carer, (0, 0)) == (0, 0)
    assert logged[professional] == (len((first + then).split()), 0)
