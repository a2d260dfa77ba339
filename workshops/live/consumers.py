"""The websocket of a live room. Speaks the y-websocket protocol (binary frames: sync and
awareness messages) with Yjs in the browser.

Access is decided before anything is sent: the connection is accepted only to be closed at once
with code 4403 (so the browser stops retrying) when the person may not see the section; a person
who may see but not edit it (an observer, or after the session ended) receives the document and
others' changes, and anything they send is ignored.
"""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.http import Http404
from pycrdt import create_sync_message, handle_sync_message

from workshops.rules import can_write_live, membership_of
from workshops.selectors.sessions import live_section_get, session_get
from workshops.services.sessions import attendance_join, attendance_leave

from . import hub
from .groups import broadcast_update, group_name, session_group_name
from .rooms import AWARENESS, STEP1, SYNC, parse_message

logger = logging.getLogger(__name__)

REFUSED = 4403


def live_access(user, session_id, section_id):
    """(session, membership, can_write) if the user may join this section's room, else None."""
    try:
        session = session_get(user=user, pk=session_id)
        section = live_section_get(user=user, session=session, pk=section_id)
    except Http404:  # not theirs, not there, or not on the agenda
        return None
    membership = membership_of(user, session.workshop.organisation)
    return session, membership, can_write_live(user, session, section)


class LiveSectionConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        self.section_id = kwargs["section_id"]
        self.handle = None
        self.attendance = None
        access = await database_sync_to_async(live_access)(
            self.scope["user"], kwargs["session_id"], self.section_id
        )
        await self.accept()
        if access is None:
            await self.close(code=REFUSED)
            return
        self.session, self.membership, self.can_write = access
        self.attendance = await database_sync_to_async(attendance_join)(
            session=self.session, membership=self.membership
        )
        self.handle = await hub.join(self.section_id)
        await self.channel_layer.group_add(group_name(self.section_id), self.channel_name)
        await self.channel_layer.group_add(session_group_name(self.session.pk), self.channel_name)
        async with self.handle.lock:
            await self.send(bytes_data=create_sync_message(self.handle.room.doc))

    async def disconnect(self, code):
        if self.attendance is not None:
            await database_sync_to_async(attendance_leave)(attendance_id=self.attendance.pk)
        if self.handle is None:
            return
        await self.channel_layer.group_discard(group_name(self.section_id), self.channel_name)
        await self.channel_layer.group_discard(
            session_group_name(self.session.pk), self.channel_name
        )
        await hub.leave(self.section_id, lambda update: broadcast_update(self.section_id, update))

    async def receive(self, text_data=None, bytes_data=None):
        if self.handle is None or not bytes_data:
            return
        try:
            kind, sync_type, payload = parse_message(bytes_data)
        except (AssertionError, IndexError, ValueError):  # pycrdt asserts on a short length
            logger.info("Ignored a malformed message on section %s", self.section_id)
            return
        if kind == SYNC and sync_type == STEP1:
            async with self.handle.lock:
                try:
                    reply = handle_sync_message(bytes_data[1:], self.handle.room.doc)
                except ValueError:  # not a state vector
                    logger.info("Ignored a malformed sync step on section %s", self.section_id)
                    return
            await self.send(bytes_data=reply)
        elif kind == SYNC:
            if not self.can_write:
                return
            async with self.handle.lock:
                try:
                    changed = self.handle.room.apply_update(payload, self.membership.pk)
                except Exception:
                    logger.info("Ignored an update that would not apply on %s", self.section_id)
                    return
                if changed:
                    self.handle.note_change()
            await broadcast_update(self.section_id, payload, sender=self.channel_name)
        elif kind == AWARENESS:
            # Echoed to the sender too, as y-websocket's own server does: a browser that hears
            # nothing for 30 seconds takes the connection for dead and reconnects.
            await self.channel_layer.group_send(
                group_name(self.section_id),
                {"type": "room.message", "message": bytes_data, "sender": None},
            )

    async def session_ended(self, event):
        """The session ended: from now on this connection only reads, and the room is saved."""
        self.can_write = False
        await hub.save(self.handle, lambda update: broadcast_update(self.section_id, update))

    async def room_message(self, event):
        if event.get("sender") != self.channel_name:
            await self.send(bytes_data=event["message"])
