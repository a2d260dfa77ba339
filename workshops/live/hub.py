"""The rooms open in this process: loading, write-back to the database, and closing.

Rooms live in the ASGI process that serves the live websockets (one process serves them; the
channel layer carries updates between its connections). Each room has a lock: updates from
browsers and write-backs never interleave.
"""

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from django.db import transaction

from workshops.models import LiveDocument, Section, SectionRevision
from workshops.services.content import SectionConflict, section_live_save
from workshops.services.sessions import live_document_store

from .groups import broadcast_update
from .rooms import LiveRoom

logger = logging.getLogger(__name__)

# Write back when nobody has typed for this long, and at least this often while typing goes on.
IDLE_SECONDS = 5
MAX_UNSAVED_SECONDS = 60
CHECK_EVERY_SECONDS = 1


class RoomHandle:
    def __init__(self, room):
        self.room = room
        self.lock = asyncio.Lock()
        self.connections = 0
        self.closing = 0  # write-backs of last-one-out still running
        self.last_change = time.monotonic()
        self.last_save = time.monotonic()
        self.saver = None

    def note_change(self):
        """Someone typed: the room waits for a quiet moment before writing back."""
        self.last_change = time.monotonic()


_rooms: dict[int, RoomHandle] = {}
_rooms_lock = asyncio.Lock()


def _load_room(section_id):
    section = Section.objects.get(pk=section_id)
    # The stored CRDT state, when there is one: a browser still holding the old document can
    # then rejoin without its text being added a second time.
    stored = LiveDocument.objects.filter(section_id=section_id).first()
    return LiveRoom.start(
        section_id=section_id,
        text=section.body,
        version=section.version,
        attribution=section.attribution,
        state=bytes(stored.state) if stored else None,
        base_state=bytes(stored.base_state) if stored else None,
    )


def _write_back(room):
    """Save the room's text as a revision (merging any form save first) and store its state.

    Returns the CRDT updates that a merge produced, for the browsers to receive.
    """
    merged_updates = []
    for _attempt in range(5):
        if not room.is_dirty:
            break
        try:
            with transaction.atomic():
                section = section_live_save(
                    section_id=room.section_id,
                    base_version=room.base_version,
                    body=room.text,
                    attribution=room.attribution,
                    changes=room.changes,
                    author_id=room.last_author,
                )
            room.mark_saved(version=section.version)
        except SectionConflict as conflict:
            saved = conflict.current
            form_author = (
                SectionRevision.objects.filter(section=saved, version=saved.version)
                .values_list("author_id", flat=True)
                .first()
            )
            merged_updates.append(
                room.merge_saved_text(saved.body, author_id=form_author, version=saved.version)
            )
    live_document_store(
        section_id=room.section_id,
        state=room.doc.get_update(),
        base_state=room.base_state,
        base_version=room.base_version,
    )
    return merged_updates


async def join(section_id):
    async with _rooms_lock:
        handle = _rooms.get(section_id)
        if handle is None:
            room = await database_sync_to_async(_load_room)(section_id)
            handle = _rooms[section_id] = RoomHandle(room)
            handle.saver = asyncio.create_task(_save_when_due(section_id, handle))
        handle.connections += 1
        return handle


async def leave(section_id, on_merge):
    """A connection left. The last one out saves and closes the room."""
    async with _rooms_lock:
        handle = _rooms.get(section_id)
        if handle is None:
            return
        handle.connections -= 1
        if handle.connections > 0:
            return
        handle.closing += 1
    # Saved before the room is closed: whoever joins meanwhile joins this room, rather than a
    # copy loaded before this write-back reached the database (which would duplicate text).
    try:
        await save(handle, on_merge)
    finally:
        handle.closing -= 1
    async with _rooms_lock:
        if handle.connections > 0 or handle.closing or _rooms.get(section_id) is not handle:
            return
        del _rooms[section_id]
        if handle.saver:
            handle.saver.cancel()


async def save(handle, on_merge=None):
    async with handle.lock:
        try:
            updates = await database_sync_to_async(_write_back)(handle.room)
        except Exception:
            logger.exception("Live write-back of section %s failed", handle.room.section_id)
            return
        handle.last_save = time.monotonic()
    if on_merge:
        for update in updates:
            await on_merge(update)


async def _save_when_due(section_id, handle):
    while True:
        await asyncio.sleep(CHECK_EVERY_SECONDS)
        if not handle.room.is_dirty:
            continue
        now = time.monotonic()
        idle = now - handle.last_change >= IDLE_SECONDS
        overdue = now - handle.last_save >= MAX_UNSAVED_SECONDS
        if idle or overdue:
            await save(handle, lambda update: broadcast_update(section_id, update))


async def save_all():
    """Write back every open room now, without waiting for the room to go idle."""
    for section_id, handle in list(_rooms.items()):
        await save(handle, lambda update, sid=section_id: broadcast_update(sid, update))


def open_room_ids():
    return sorted(_rooms)
