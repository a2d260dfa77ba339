"""This process's copies of the live rooms its connections are in, and when they are saved.

A room's document lives in PostgreSQL (services/live.py): the document made once, plus every
update stored as it arrives. Each server process with a connection in the room holds a replica
of it, for answering browsers' sync requests and checking updates against the length limit;
the channel layer (Redis) carries updates between processes. Any process may start a write-back,
and the database lets one run at a time, so the app may run as several processes and any of
them may be killed without losing or doubling a word.
"""

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from pycrdt import Doc, Text

from workshops.selectors.sessions import live_document_updates
from workshops.services.live import live_document_open, live_updates_append, live_write_back

from .groups import broadcast_status, broadcast_update
from .rooms import TEXT_NAME

logger = logging.getLogger(__name__)

# Write back when nobody has typed for this long, and at least this often while typing goes on.
IDLE_SECONDS = 5
MAX_UNSAVED_SECONDS = 60
CHECK_EVERY_SECONDS = 1


class Replica:
    """This process's copy of one section's live document."""

    def __init__(self, section_id, updates):
        self.section_id = section_id
        self.doc = Doc()
        self.catch_up(updates)
        self.connections = 0
        self.closing = 0  # write-backs of last-one-out still running
        self.saving = asyncio.Lock()  # one write-back at a time from this process
        self.unsaved = False
        self.last_change = time.monotonic()
        self.last_save = time.monotonic()
        self.saver = None

    @property
    def text(self):
        return str(self.doc.get(TEXT_NAME, type=Text))

    def catch_up(self, updates):
        """Apply updates this replica may already hold (applying one twice changes nothing)."""
        for update in updates:
            self.doc.apply_update(update)

    def apply(self, update) -> bool:
        """Apply an update; True (and the room waits for a quiet moment to write back) if it
        changed the text."""
        before = self.text
        self.doc.apply_update(update)
        if self.text == before:
            return False
        self.unsaved = True
        self.last_change = time.monotonic()
        return True


_rooms: dict[int, Replica] = {}
_rooms_lock = asyncio.Lock()

# Updates waiting to be stored, with the future each sender awaits, and the task storing them.
_to_store: list[tuple[tuple[int, int, bytes], asyncio.Future]] = []
_storing: asyncio.Task | None = None


async def store(section_id, author_id, update):
    """Store one update in the database; returns once it is stored (raises if it could not be).

    Updates that arrive while a store is running go together in the next one: with many people
    typing, one statement stores many updates, and alone, an update waits for nothing.
    """
    global _storing
    stored = asyncio.get_running_loop().create_future()
    _to_store.append(((section_id, author_id, update), stored))
    if _storing is None or _storing.done():
        _storing = asyncio.create_task(_store_waiting())
    await stored


async def _store_waiting():
    while _to_store:
        batch = _to_store[:]
        del _to_store[:]
        try:
            await database_sync_to_async(live_updates_append)(
                updates=[update for update, _stored in batch]
            )
        except Exception as error:
            for _update, stored in batch:
                if not stored.done():  # its sender may have gone (cancelled) meanwhile
                    stored.set_exception(error)
        else:
            for _update, stored in batch:
                if not stored.done():
                    stored.set_result(None)


def _open(section_id):
    """The room's document, made if this is its first opening, with anything a killed process
    left in the log (or a form saved while the room was closed) folded in first."""
    live_document_open(section_id=section_id)
    result = live_write_back(section_id=section_id)
    return result, live_document_updates(section_id=section_id)


async def join(section_id):
    async with _rooms_lock:
        replica = _rooms.get(section_id)
        if replica is None:
            result, updates = await database_sync_to_async(_open)(section_id)
            replica = _rooms[section_id] = Replica(section_id, updates)
            await _announce(replica, result)
            replica.saver = asyncio.create_task(_save_when_due(replica))
        replica.connections += 1
        return replica


async def leave(section_id):
    """A connection left. The last one out of this process saves and drops the replica."""
    async with _rooms_lock:
        replica = _rooms.get(section_id)
        if replica is None:
            return
        replica.connections -= 1
        if replica.connections > 0:
            return
        replica.closing += 1
    # Saved before the replica is dropped: whoever joins meanwhile joins this replica.
    try:
        await save(replica)
    finally:
        replica.closing -= 1
    async with _rooms_lock:
        if replica.connections > 0 or replica.closing or _rooms.get(section_id) is not replica:
            return
        del _rooms[section_id]
        if replica.saver:
            replica.saver.cancel()


async def save(replica):
    """Write the room back now (unless another process is doing it), and catch up from the
    database, which also heals any update this process missed on the channel layer."""
    async with replica.saving:
        try:
            result = await database_sync_to_async(live_write_back)(section_id=replica.section_id)
            updates = await database_sync_to_async(live_document_updates)(
                section_id=replica.section_id
            )
        except Exception:
            logger.exception("Live write-back of section %s failed", replica.section_id)
            return
        if result is not None:
            replica.unsaved = False
            replica.last_save = time.monotonic()
        replica.catch_up(updates)
        await _announce(replica, result)


async def _announce(replica, result):
    """Tell the room's browsers, on every process, what a write-back changed."""
    if result is None:
        return
    for update in result.merged:
        replica.catch_up([update])
        await broadcast_update(replica.section_id, update)
    if result.saved:
        await broadcast_status(
            replica.section_id,
            event="saved",
            version=result.version,
            names_kept_out=result.names_kept_out,
        )


async def _save_when_due(replica):
    while True:
        await asyncio.sleep(CHECK_EVERY_SECONDS)
        if not replica.unsaved:
            continue
        now = time.monotonic()
        idle = now - replica.last_change >= IDLE_SECONDS
        overdue = now - replica.last_save >= MAX_UNSAVED_SECONDS
        if idle or overdue:
            await save(replica)


async def save_all():
    """Write back every room open in this process now, without waiting for it to go idle."""
    for replica in list(_rooms.values()):
        await save(replica)


def open_room_ids():
    return sorted(_rooms)
