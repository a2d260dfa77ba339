"""Writing a section together in the live room, in real browsers.

Each person signs in in a browser context of their own and opens the same section's live page.
What every browser shows is read from the editor (``window.coprodLive.instances[0].text()``);
what was saved is read from the database once everyone has left and the room has written back.
"""

import asyncio
import time
from pathlib import Path

import pytest

from tests.helpers import consent_for
from workshops.attribution import attributed_words
from workshops.enums import Action, Role, SectionKind
from workshops.models import ContributionEntry, Membership, Section, SectionRevision, StoryConsent

from .pages import (
    WAIT_SECONDS,
    close_all,
    live_text,
    open_live,
    sign_in,
    type_at_line_end,
    wait_for_same_text,
)

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Three paragraphs: lines 1, 3 and 5 of the document. Each person types at the end of their own.
BODY = (
    "Behaviour can be a way of telling us something.\n"
    "\n"
    "We look for what the behaviour is for.\n"
    "\n"
    "Families know their child best."
)
WRITE_BACK_SECONDS = WAIT_SECONDS
SCREENSHOT = Path("/tmp/coprod-e2e/live-two-people.png")  # outside the repository


@pytest.fixture
def live_room(e2e_db, make_live_room):
    return make_live_room(BODY)


def wait_for_write_back(section, asgi_server, *, after_version):
    """Once everyone has left: until the room has saved a newer version and closed."""
    deadline = time.monotonic() + WRITE_BACK_SECONDS
    while Section.objects.get(pk=section.pk).version <= after_version:
        assert time.monotonic() < deadline, (
            f"The room did not write back within {WRITE_BACK_SECONDS} s:\n{asgi_server.log_tail()}"
        )
        time.sleep(0.1)
    asgi_server.wait_for_rooms_closed()
    section.refresh_from_db()
    return SectionRevision.objects.get(section=section, version=section.version)


def credited_to(revision, phrase):
    """The set of people the saved revision credits with the words of ``phrase``."""
    pairs = attributed_words(revision.body, revision.attribution)
    words = [word for word, _author in pairs]
    wanted = phrase.split()
    for start in range(len(words) - len(wanted) + 1):
        if words[start : start + len(wanted)] == wanted:
            return {author for _word, author in pairs[start : start + len(wanted)]}
    raise AssertionError(f"{phrase!r} is not in the saved text: {revision.body!r}")


def logged_live_words(section):
    """{membership id: (words added, words removed)} over the section's live-edit log entries."""
    logged = {}
    entries = ContributionEntry.objects.filter(
        action=Action.SECTION_LIVE_EDIT, target_id=section.pk
    )
    for entry in entries:
        added, removed = logged.get(entry.membership_id, (0, 0))
        logged[entry.membership_id] = (added + entry.words_added, removed + entry.words_removed)
    return logged


def test_live_editing_three_people_typing_at_once_all_see_and_are_credited(
    live_room, run_in_browser, asgi_server
):
    typed = {
        live_room.carer: (1, "Ask me what worked at home."),
        live_room.professional: (3, "A functional assessment helps here."),
        live_room.lead: (5, "We write this together."),
    }
    expected = (
        "Behaviour can be a way of telling us something. Ask me what worked at home.\n"
        "\n"
        "We look for what the behaviour is for. A functional assessment helps here.\n"
        "\n"
        "Families know their child best. We write this together."
    )
    version_before = live_room.section.version

    async def scenario(browser):
        people = list(typed)
        signed_in = await asyncio.gather(
            *(sign_in(browser, asgi_server.url, person.user.email) for person in people)
        )
        contexts = [context for context, _page in signed_in]
        pages = [page for _context, page in signed_in]
        try:
            await asyncio.gather(*(open_live(page, live_room.path) for page in pages))
            # All three type at the same moment, each at the end of their own paragraph.
            await asyncio.gather(
                *(
                    type_at_line_end(page, typed[person][0], " " + typed[person][1])
                    for person, page in zip(people, pages, strict=True)
                )
            )
            merged = await wait_for_same_text(pages, [phrase for _line, phrase in typed.values()])
            shown = [await page.locator(".cm-content").inner_text() for page in pages]
            return merged, shown
        finally:
            await close_all(*contexts)

    merged, shown = run_in_browser(scenario)

    assert merged == expected
    for text in shown:
        for _line, phrase in typed.values():
            assert phrase in text
    revision = wait_for_write_back(live_room.section, asgi_server, after_version=version_before)
    assert revision.body == expected
    for person, (_line, phrase) in typed.items():
        assert credited_to(revision, phrase) == {person.pk}
    # The words that were there before keep their author.
    assert credited_to(revision, "Families know their child best.") == {live_room.carer.pk}
    # The log counts the words each person added, as a form save would: typed letter by
    # letter, a word still counts once.
    assert logged_live_words(live_room.section) == {
        person.pk: (len(phrase.split()), 0) for person, (_line, phrase) in typed.items()
    }


def test_live_editing_words_typed_offline_are_merged_after_reconnecting(
    live_room, run_in_browser, asgi_server
):
    """The family carer's connection drops; they type; the professional types meanwhile; the
    carer comes back and both see, and the room saves, both people's words.

    Chromium's offline emulation (``context.set_offline``) fires the page's ``offline`` event and
    holds back the frames of a websocket that is already open, but it does not close that socket,
    so on its own it never makes the editor reconnect. The test therefore also closes the socket
    from the page (``provider.disconnect()``) while offline, and opens it again with
    ``provider.connect()`` once back online: the words typed offline reach the room through the
    sync exchange of a new connection, as after a real dropped line.
    """
    offline_words = "Ask me what worked at home."
    online_words = "A functional assessment helps here."
    expected = (
        f"Behaviour can be a way of telling us something. {offline_words}\n"
        "\n"
        f"We look for what the behaviour is for. {online_words}\n"
        "\n"
        "Families know their child best."
    )
    version_before = live_room.section.version

    async def scenario(browser):
        carer_context, carer = await sign_in(browser, asgi_server.url, live_room.carer.user.email)
        pro_context, professional = await sign_in(
            browser, asgi_server.url, live_room.professional.user.email
        )
        try:
            await asyncio.gather(
                open_live(carer, live_room.path), open_live(professional, live_room.path)
            )

            await carer_context.set_offline(True)
            await carer.evaluate("() => window.coprodLive.instances[0].provider.disconnect()")
            await carer.wait_for_function(
                "() => !window.coprodLive.instances[0].provider.wsconnected"
            )
            await carer.locator('#live-status[data-live-status="offline"]').wait_for()
            await asyncio.gather(
                type_at_line_end(carer, 1, " " + offline_words),
                type_at_line_end(professional, 3, " " + online_words),
            )
            # Each has only their own words while the carer is offline.
            await wait_for_same_text([professional], [online_words])
            apart = {"carer": await live_text(carer), "professional": await live_text(professional)}

            await carer_context.set_offline(False)
            await carer.evaluate("() => window.coprodLive.instances[0].provider.connect()")
            await carer.locator(
                '#live-status[data-live-status="connected"][data-live-note="keptOffline"]'
            ).wait_for()
            kept = await carer.locator("#live-status").inner_text()
            kept_message = await carer.evaluate("() => window.coprodLive.messages.keptOffline")
            merged = await wait_for_same_text([carer, professional], [offline_words, online_words])

            # Both cursors and both people's words on one screen, to look at.
            await professional.locator(".cm-ySelectionInfo").first.wait_for(state="attached")
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            await professional.screenshot(path=str(SCREENSHOT), full_page=True)
            return apart, merged, kept, kept_message
        finally:
            await close_all(carer_context, pro_context)

    apart, merged, kept, kept_message = run_in_browser(scenario)

    assert online_words not in apart["carer"]
    assert offline_words in apart["carer"]
    assert offline_words not in apart["professional"]
    assert kept == kept_message == "Connected again. What you typed while offline was kept."
    assert merged == expected
    revision = wait_for_write_back(live_room.section, asgi_server, after_version=version_before)
    assert revision.body == expected
    assert credited_to(revision, offline_words) == {live_room.carer.pk}
    assert credited_to(revision, online_words) == {live_room.professional.pk}
    assert logged_live_words(live_room.section) == {
        live_room.carer.pk: (len(offline_words.split()), 0),
        live_room.professional.pk: (len(online_words.split()), 0),
    }


def test_live_editing_observer_watches_and_cannot_type(
    live_room, observer, run_in_browser, asgi_server
):
    """An observer's editor is read-only and says so; even an edit forced into their copy of the
    document is refused by the room. They still see the others' words arrive."""
    writer_words = "We write this together."

    async def scenario(browser):
        lead_context, lead = await sign_in(browser, asgi_server.url, live_room.lead.user.email)
        obs_context, watcher = await sign_in(browser, asgi_server.url, observer.user.email)
        try:
            await asyncio.gather(
                open_live(lead, live_room.path), open_live(watcher, live_room.path)
            )
            intro = await watcher.locator("main .col-lg-9 > p").first.inner_text()
            editable = await watcher.locator(".cm-content").get_attribute("contenteditable")

            await watcher.locator(".cm-content").click()
            await watcher.keyboard.type("An observer typed this", delay=10)
            after_typing = await live_text(watcher)
            # Past the editor: straight into the observer's copy of the shared document.
            await watcher.evaluate(
                "() => window.coprodLive.instances[0].ytext.insert(0, 'Forced in. ')"
            )
            await type_at_line_end(lead, 5, " " + writer_words)
            await wait_for_same_text([lead], [writer_words])
            # The observer reads along: the lead's words reach them.
            await watcher.wait_for_function(
                "(words) => window.coprodLive.instances[0].text().includes(words)", arg=writer_words
            )
            return intro, editable, after_typing, await live_text(lead)
        finally:
            await close_all(lead_context, obs_context)

    intro, editable, after_typing, lead_text = run_in_browser(scenario)

    assert intro.startswith("You are watching")
    assert editable == "false"
    assert after_typing == BODY
    assert lead_text == f"{BODY} {writer_words}"
    revision = wait_for_write_back(
        live_room.section, asgi_server, after_version=live_room.section.version
    )
    assert revision.body == f"{BODY} {writer_words}"
    assert credited_to(revision, writer_words) == {live_room.lead.pk}


# The e2e daphne writes a room back 5 s after its last change (hub.IDLE_SECONDS).
SAVED_WAIT_MS = 20_000


def test_live_editing_status_says_saved_after_the_idle_write_back(
    live_room, run_in_browser, asgi_server
):
    """A few seconds after the typing stops the room saves a version, and the status line says
    so in plain words; the page's plain form is then based on that version."""
    words = "We write this together."
    version_before = live_room.section.version

    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, live_room.lead.user.email)
        try:
            await open_live(page, live_room.path)
            messages = await page.evaluate("() => window.coprodLive.messages")
            before = await page.locator("#live-status").inner_text()
            plain_hidden = await page.locator("#live-plain-body").is_hidden()
            await type_at_line_end(page, 5, " " + words)
            await page.locator('#live-status[data-live-note="saved"]').wait_for(
                timeout=SAVED_WAIT_MS
            )
            saved = await page.locator("#live-status").inner_text()
            version = await page.locator("#live-plain-form [name=based_on_version]").input_value()
            return messages, before, plain_hidden, saved, int(version)
        finally:
            await close_all(context)

    messages, before, plain_hidden, saved, version = run_in_browser(scenario)

    assert before == messages["connected"] == "Connected"
    assert plain_hidden
    assert saved == messages["savedJustNow"] == "Connected · Saved a moment ago"
    assert version > version_before
    revision = SectionRevision.objects.get(section=live_room.section, version=version)
    assert revision.body == f"{BODY} {words}"
    asgi_server.wait_for_rooms_closed()


def test_live_editing_a_name_the_storys_consent_keeps_out_is_warned_about_beside_the_editor(
    live_room, run_in_browser, asgi_server
):
    """Typed live, the name is saved (nothing typed is lost) and the room is told beside the
    editor, in words a screen reader reads out."""
    section = live_room.section
    Section.objects.filter(pk=section.pk).update(kind=SectionKind.LIVED_EXPERIENCE_STORY)
    section.refresh_from_db()
    consent_for(section, teller=live_room.carer, actor=live_room.lead)
    StoryConsent.objects.filter(section=section).update(names_to_keep_out="Jamie")

    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, live_room.carer.user.email)
        try:
            await open_live(page, live_room.path)
            warning = page.locator("#live-names-kept-out")
            hidden_before = await warning.is_hidden()
            await type_at_line_end(page, 5, " Jamie smiled.")
            await warning.wait_for(state="visible", timeout=SAVED_WAIT_MS)
            return hidden_before, await warning.inner_text(), await warning.get_attribute("role")
        finally:
            await close_all(context)

    hidden_before, text, role = run_in_browser(scenario)

    assert hidden_before
    assert "This story names “Jamie”, which its consent asks to keep out." in text
    assert role == "status"
    section.refresh_from_db()
    assert section.body.endswith("Jamie smiled.")
    asgi_server.wait_for_rooms_closed()


def _make_observer(membership_pk):
    """In a thread of its own: the ORM may not run beside the browser's event loop."""
    from django.db import connection

    try:
        Membership.objects.filter(pk=membership_pk).update(role=Role.OBSERVER)
    finally:
        connection.close()


def test_live_editing_someone_who_can_no_longer_write_is_told_and_made_read_only(
    live_room, run_in_browser, asgi_server
):
    """The family carer becomes an observer while the room is open. The next thing they type
    makes the room look at their access again (it is older than ACCESS_RECHECK_SECONDS): it is not
    applied, the editor becomes read-only, and the status line says so in plain words."""
    from workshops.live.consumers import ACCESS_RECHECK_SECONDS

    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, live_room.carer.user.email)
        try:
            await open_live(page, live_room.path)
            messages = await page.evaluate("() => window.coprodLive.messages")
            await asyncio.to_thread(_make_observer, live_room.carer.pk)
            await asyncio.sleep(ACCESS_RECHECK_SECONDS + 0.5)
            await type_at_line_end(page, 1, "Z")
            await page.locator('#live-status[data-live-status="readOnly"]').wait_for()
            status = await page.locator("#live-status").inner_text()
            editable = await page.locator(".cm-content").get_attribute("contenteditable")
            return messages, status, editable
        finally:
            await close_all(context)

    messages, status, editable = run_in_browser(scenario)

    assert status == messages["readOnly"] == "You can now only read this section."
    assert editable == "false"
    asgi_server.wait_for_rooms_closed()
    live_room.section.refresh_from_db()
    assert live_room.section.body == BODY


def test_live_editing_a_change_past_the_length_limit_is_refused_and_kept_in_the_box(
    live_room, run_in_browser, asgi_server, settings
):
    """A change that would make the section longer than SECTION_BODY_MAX_CHARS: the room refuses
    it and closes; the page stops live editing, puts the whole text, the refused change too, in
    the plain box with its Save button, and says what happened and what to do. Shortened, the
    box saves as the edit page does."""
    limit = settings.SECTION_BODY_MAX_CHARS
    # Many short lines, which the editor draws quickly, one character past the limit in all.
    line = "x" * 79 + "\n"
    pasted_chars = limit - len(BODY) + 1
    shortened = "Shortened again."

    async def scenario(browser):
        context, page = await sign_in(browser, asgi_server.url, live_room.lead.user.email)
        try:
            await open_live(page, live_room.path)
            messages = await page.evaluate("() => window.coprodLive.messages")
            await page.evaluate(
                """([line, chars]) => {
                  const live = window.coprodLive.instances[0];
                  live.ytext.insert(0, line.repeat(Math.ceil(chars / line.length)).slice(0, chars));
                }""",
                [line, pasted_chars],
            )
            await page.locator('#live-status[data-live-status="tooLong"]').wait_for()
            status = await page.locator("#live-status").inner_text()
            box = page.locator("#live-plain-body")
            await box.wait_for(state="visible")
            kept = await box.input_value()
            save_shown = await page.locator("#live-plain-form button[name=save]").is_visible()
            editor_hidden = await page.locator("#live-editor").is_hidden()
            # They shorten it and save: the box posts to the section's edit page.
            await box.fill(f"{BODY} {shortened}")
            async with page.expect_navigation():
                await page.locator("#live-plain-form button[name=save]").click()
            return messages, status, kept, save_shown, editor_hidden
        finally:
            await close_all(context)

    messages, status, kept, save_shown, editor_hidden = run_in_browser(scenario)

    assert status == messages["tooLong"].replace("{limit}", f"{limit:,}")
    assert f"longer than {limit:,} characters" in status
    assert len(kept) == limit + 1
    assert kept.endswith(BODY)
    assert save_shown
    assert editor_hidden
    asgi_server.wait_for_rooms_closed()
    live_room.section.refresh_from_db()
    # A browser posts a textarea's line breaks as CRLF, which the edit page keeps as they came.
    assert live_room.section.body.replace("\r\n", "\n") == f"{BODY} {shortened}"
