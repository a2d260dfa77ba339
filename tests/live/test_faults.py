"""The live room when server processes die or several serve one room: real daphne processes
(tests/live/servers.py) on a redis-server of the test's own, against the test database.

A typed word counts once it is stored: a process killed with SIGKILL before any write-back loses
none of it, and a process started in its place folds the stored log into the section without
doubling the text, whoever reconnects. Two processes on one Redis pass each other's words on.

The tests are transactional, so what they create is committed and daphne sees it. The ORM is
used only outside the event loops that drive the sockets (Django refuses it inside one).
"""

import asyncio
from collections import Counter

import pytest
from django.conf import settings

from tests.factories import SectionFactory
from tests.helpers import database_url, free_port
from workshops.attribution import attributed_words
from workshops.enums import Action
from workshops.models import ContributionEntry, LiveDocument, LiveUpdate, Section, SectionRevision

from .servers import DaphneServer, LiveSocket, RedisServer, logs_on_failure, until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BODY = "Behaviour is a way of **telling us** something."  # the factories' section text


@pytest.fixture
def redis_server(tmp_path):
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(port=free_port(), folder=folder)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def daphne(flushable_log, redis_server, tmp_path):
    """``daphne(*names)`` starts the app in a daphne process of its own per name, all at once,
    on the test's Redis and the test database, and returns them once they all answer.

    Torn down before the test's tables are emptied: each server still running first finishes
    writing back its rooms (a write-back into a table being emptied would fail), then stops.
    """
    started = []

    def start(*names):
        servers = [
            DaphneServer(
                name=name,
                port=free_port(),
                database_url=database_url(),
                redis_url=redis_server.url,
                log_path=tmp_path / f"{name}.log",
            )
            for name in names
        ]
        for server in servers:
            started.append(server)
            server.launch()
        for server in servers:
            server.wait_started()
        return servers

    yield start
    for server in started:
        try:
            if server.process is not None and server.process.poll() is None:
                server.wait_for_rooms_closed()
        finally:
            server.stop()


def session_cookie(client_for, member):
    """The Cookie header of a browser signed in as the member (a real session, committed)."""
    browser = client_for(member)
    return f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"


def live_path(session, section):
    return f"/ws/live/sessions/{session.pk}/sections/{section.pk}"


def live_edits(section):
    """(membership id, words added) of the section's live-edit log entries."""
    return list(
        ContributionEntry.objects.filter(action=Action.SECTION_LIVE_EDIT, target_id=section.pk)
        .order_by("pk")
        .values_list("membership_id", "words_added")
    )


def words_added_by(section):
    totals = Counter()
    for membership_id, words_added in live_edits(section):
        totals[membership_id] += words_added
    return dict(totals)


def revision_bodies(section):
    return list(
        SectionRevision.objects.filter(section=section)
        .order_by("version")
        .values_list("body", flat=True)
    )


def credited(*, original_author, typed):
    """What ``attributed_words`` should say of the section: BODY by its original author, then
    each (author, words) typed after it, in order."""
    expected = [(word, original_author.pk) for word in BODY.split()]
    for author, words in typed:
        expected += [(word, author.pk) for word in words.split()]
    return expected


def problems_logged(server):
    """The lines of the server's log that tell of an error: a traceback, a failed write-back
    (hub.py logs "Live write-back of section … failed"), a conflict."""
    return [
        line
        for line in server.log_text().splitlines()
        if "Traceback" in line or "failed" in line or "Conflict" in line or " ERROR " in line
    ]


def assert_written_back(section, expected_text):
    """The section holds ``expected_text``, the log is folded in and no version was doubled."""
    section.refresh_from_db()
    assert section.body == expected_text
    for word in expected_text.split():
        assert section.body.split().count(word) == 1, word
    assert not LiveUpdate.objects.filter(section=section).exists()
    assert LiveDocument.objects.get(section=section).base_version == section.version
    doubled = [body for body in revision_bodies(section) if body.count(BODY) != 1]
    assert doubled == []


def test_live_room_killed_and_restarted_keeps_every_typed_word_once(
    world, live_session, daphne, client_for
):
    typist = world.lead  # the section itself was written by the co-trainer
    (server,) = daphne("daphne")
    cookie = session_cookie(client_for, typist)
    path = live_path(live_session, world.section)
    tab = LiveSocket()
    expected = f"{BODY} Marigold Juniper Saffron"

    async def type_then_kill():
        await tab.join(server, path, cookie)
        assert tab.text == BODY
        await tab.type_after("something.", " Marigold")
        await tab.type_after("Marigold", " Juniper")
        await tab.type_after("Juniper", " Saffron")
        await tab.flush()
        await asyncio.sleep(1)
        server.kill()
        await tab.until_closed()

    async def reconnect_then_leave():
        await tab.join(server, path, cookie)  # the same document, as a browser tab reconnects
        assert tab.text == expected
        await tab.leave()

    with logs_on_failure(server):
        asyncio.run(type_then_kill())
        # Every keystroke was stored and nothing written back before the kill.
        assert LiveUpdate.objects.filter(section=world.section).count() == len(
            " Marigold Juniper Saffron"
        )
        assert Section.objects.get(pk=world.section.pk).version == 1

        server.start()
        asyncio.run(reconnect_then_leave())
        server.wait_for_rooms_closed()

        section = Section.objects.get(pk=world.section.pk)
        assert_written_back(section, expected)
        assert revision_bodies(section) == [BODY, expected]
        assert attributed_words(section.body, section.attribution) == credited(
            original_author=world.co_trainer,
            typed=[(typist, "Marigold Juniper Saffron")],
        )
        assert live_edits(section) == [(typist.pk, 3)]
        assert problems_logged(server) == []


def test_live_room_on_two_processes_passes_words_both_ways(
    world, live_session, professional, daphne, client_for
):
    first, second = daphne("daphne-1", "daphne-2")
    path = live_path(live_session, world.section)
    cookie_a, cookie_b = (
        session_cookie(client_for, world.lead),
        session_cookie(client_for, professional),
    )
    tab_a, tab_b = LiveSocket(), LiveSocket()
    expected = f"{BODY} Marigold Juniper"

    async def scenario():
        await tab_a.join(first, path, cookie_a)
        await tab_b.join(second, path, cookie_b)
        await tab_a.type_after("something.", " Marigold")
        await until(lambda: "Marigold" in tab_b.text, "B (daphne-2) never saw A's word")
        await tab_b.type_after("Marigold", " Juniper")
        await until(lambda: "Juniper" in tab_a.text, "A (daphne-1) never saw B's word")
        assert tab_a.text == tab_b.text == expected
        # A is the last out of daphne-1, which writes the room back; B hears of it there.
        await tab_a.leave()
        await until(
            lambda: {"event": "saved", "version": 2, "names_kept_out": []} in tab_b.statuses,
            f"B never heard the room was saved: {tab_b.statuses}",
        )
        assert tab_b.text == expected
        await tab_b.leave()

    with logs_on_failure(first, second):
        asyncio.run(scenario())
        first.wait_for_rooms_closed()
        second.wait_for_rooms_closed()

        section = Section.objects.get(pk=world.section.pk)
        assert_written_back(section, expected)
        assert section.version == 2
        assert attributed_words(section.body, section.attribution) == credited(
            original_author=world.co_trainer,
            typed=[(world.lead, "Marigold"), (professional, "Juniper")],
        )
        assert words_added_by(section) == {world.lead.pk: 1, professional.pk: 1}
        assert problems_logged(first) == []
        assert problems_logged(second) == []


def test_live_room_killed_before_its_first_write_back_gives_the_words_to_a_new_tab(
    world, live_session, daphne, client_for
):
    section = SectionFactory(module=world.module, actor=world.co_trainer, title="Never opened")
    assert not LiveDocument.objects.filter(section=section).exists()
    typist = world.lead
    (server,) = daphne("daphne")
    path = live_path(live_session, section)
    typist_cookie = session_cookie(client_for, typist)
    other_cookie = session_cookie(client_for, world.co_trainer)
    tab = LiveSocket()
    expected = f"{BODY} Marigold Juniper"

    async def type_then_kill():
        await tab.join(server, path, typist_cookie)
        await tab.type_after("something.", " Marigold Juniper")
        await tab.flush()
        server.kill()  # well before the write-back of a quiet room (hub.IDLE_SECONDS)
        await tab.until_closed()

    seen = {}

    async def new_tab_joins():
        other = LiveSocket()
        await other.join(server, path, other_cookie)
        seen["text"] = other.text
        await other.leave()

    with logs_on_failure(server):
        asyncio.run(type_then_kill())
        assert LiveUpdate.objects.filter(section=section).count() == len(" Marigold Juniper")
        section.refresh_from_db()
        assert section.version == 1
        assert LiveDocument.objects.get(section=section).base_version == 1

        server.start()
        asyncio.run(new_tab_joins())
        server.wait_for_rooms_closed()

        assert seen == {"text": expected}
        assert_written_back(section, expected)
        assert revision_bodies(section) == [BODY, expected]
        # Credited to who typed them, not to who opened the room after the restart.
        assert attributed_words(section.body, section.attribution) == credited(
            original_author=world.co_trainer, typed=[(typist, "Marigold Juniper")]
        )
        assert live_edits(section) == [(typist.pk, 2)]
        assert problems_logged(server) == []
