"""The websocket of a live room. Speaks the y-websocket protocol (binary frames: sync and
awareness messages) with Yjs in the browser, plus coprod's own status messages (rooms.STATUS).

Access is decided before anything is sent: the connection is accepted only to be closed at once
with code 4403 (so the browser stops retrying) when the person may not see the section; a person
who may see but not edit it (an observer, or after the session ended) receives the document and
others' changes, and anything they send is ignored. Access is checked again whenever the app
withdraws it (groups.live_access_changed) and before applying anything sent more than
ACCESS_RECHECK_SECONDS after the last check.

An update from a writer is checked (size, rate, the section's length limit), stored in the
database, and only then applied and passed on: an edit counts once it is stored.
"""

import asyncio
import logging
import time
from importlib import import_module

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.db import DatabaseError
from django.http import Http404
from django.utils.crypto import constant_time_compare
from django_otp import DEVICE_ID_SESSION_KEY
from pycrdt import Doc, Text, create_sync_message, get_state, handle_sync_message

from workshops.models import User
from workshops.rules import can_write_live, membership_of
from workshops.selectors.sessions import live_section_get, session_get
from workshops.selectors.two_factor import two_step_session_verified
from workshops.services.sessions import attendance_join, attendance_leave

from . import hub
from .groups import (
    PROCESS,
    broadcast_update,
    group_name,
    session_group_name,
    user_group_name,
)
from .rooms import AWARENESS, STEP1, SYNC, TEXT_NAME, parse_message, status_message

logger = logging.getLogger(__name__)

REFUSED = 4403  # may not join (or no longer): the browser stops retrying
TOO_LONG = 4413  # the change would pass the section's length limit: the browser stops and says so
TRY_AGAIN_LATER = 1013  # too many messages: the browser reconnects after a pause and resyncs

ACCESS_RECHECK_SECONDS = 2
# A socket that sends nothing is checked this often too, so one whose sign-in session ended by
# itself (the idle timeout) does not stay open.
ACCESS_IDLE_CHECK_SECONDS = 60
# An update holds at most its own size in new characters, at up to 4 bytes each in UTF-8.
MAX_MESSAGE_BYTES = settings.SECTION_BODY_MAX_CHARS * 4 + 64 * 1024
# Per connection: a burst of this many messages, refilled at RATE_PER_SECOND. Typing fast with
# cursors moving is about 20 a second.
RATE_BURST = 200
RATE_PER_SECOND = 50
EMPTY_UPDATE = b"\x00\x00"


def session_is_current(session_key, user):
    """Whether the sign-in session the socket was opened with still stands: not signed out,
    not idle past SESSION_COOKIE_AGE, not ended by "sign out everywhere" or a new password, and
    for a person with two-step sign-in on, one that has given its code."""
    data = import_module(settings.SESSION_ENGINE).SessionStore(session_key).load()
    signed_in = data.get(SESSION_KEY) == str(user.pk) and constant_time_compare(
        data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()
    )
    return signed_in and two_step_session_verified(
        user=user, device_id=data.get(DEVICE_ID_SESSION_KEY)
    )


def live_access(user, session_id, section_id, session_key=None):
    """(session, membership, can_write) if the user may join this section's room, else None.

    The person is read again from the database (the socket's copy is from when it connected), so
    a deactivated account, a removed membership or a changed role count at once; so does their
    sign-in session (``session_key``; absent only where a test puts the user on the socket).
    """
    user = User.objects.filter(pk=user.pk, is_active=True).first() if user.pk else None
    if user is None or (session_key is not None and not session_is_current(session_key, user)):
        return None
    try:
        session = session_get(user=user, pk=session_id)
        section = live_section_get(user=user, session=session, pk=section_id)
    except Http404:  # not theirs, not there, or not on the agenda
        return None
    membership = membership_of(user, session.workshop.organisation)
    return session, membership, can_write_live(user, session, section)


class TokenBucket:
    def __init__(self, burst, per_second):
        self.burst, self.per_second = burst, per_second
        self.tokens, self.at = float(burst), time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.per_second)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def passes_length_limit(doc, update) -> bool:
    """Whether applying ``update`` would make the text longer than a section may be. Costly
    only near the limit: an update adds at most as many characters as it has bytes."""
    limit = settings.SECTION_BODY_MAX_CHARS
    if len(str(doc.get(TEXT_NAME, type=Text))) + len(update) <= limit:
        return False
    trial = Doc()
    trial.apply_update(doc.get_update())
    trial.apply_update(update)
    return len(str(trial.get(TEXT_NAME, type=Text))) > limit


class LiveSectionConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        self.section_id = kwargs["section_id"]
        self.replica = None
        self.attendance = None
        self.closed = False
        self.rate = TokenBucket(RATE_BURST, RATE_PER_SECOND)
        await self.accept()
        if not await self.check_access():
            return
        self.attendance = await database_sync_to_async(attendance_join)(
            session=self.session, membership=self.membership
        )
        self.replica = await hub.join(self.section_id)
        for group in self.groups_joined():
            await self.channel_layer.group_add(group, self.channel_name)
        self.idle_checks = asyncio.create_task(self.check_now_and_then())
        await self.send(bytes_data=create_sync_message(self.replica.doc))

    async def check_now_and_then(self):
        """Every ACCESS_IDLE_CHECK_SECONDS: join the groups again (a group forgets a connection
        that has not joined for a while, which is how a killed process's ones leave it), and ask
        this consumer, through its own channel so that the check runs between its other
        messages, to check its access again."""
        while True:
            await asyncio.sleep(ACCESS_IDLE_CHECK_SECONDS)
            for group in self.groups_joined():
                await self.channel_layer.group_add(group, self.channel_name)
            await self.channel_layer.send(self.channel_name, {"type": "access.changed"})

    def groups_joined(self):
        return [
            group_name(self.section_id),
            session_group_name(self.session.pk),
            user_group_name(self.scope["user"].pk),
        ]

    async def check_access(self):
        """Look up this person's access again; close the socket if it is gone. True if they may
        still be here."""
        kwargs = self.scope["url_route"]["kwargs"]
        session = self.scope.get("session")
        access = await database_sync_to_async(live_access)(
            self.scope["user"],
            kwargs["session_id"],
            self.section_id,
            session.session_key if session is not None else None,
        )
        self.checked_at = time.monotonic()
        if access is None:
            await self.close(code=REFUSED)
            self.can_write = False
            return False
        could_write = getattr(self, "can_write", None)
        self.session, self.membership, self.can_write = access
        if could_write and not self.can_write:
            await self.send(bytes_data=status_message(event="read_only"))
            await hub.save(self.replica)
        return True

    async def disconnect(self, code):
        if getattr(self, "idle_checks", None) is not None:
            self.idle_checks.cancel()
        if self.attendance is not None:
            await database_sync_to_async(attendance_leave)(attendance_id=self.attendance.pk)
        if self.replica is None:
            return
        for group in self.groups_joined():
            await self.channel_layer.group_discard(group, self.channel_name)
        replica, self.replica = self.replica, None
        await hub.leave(replica.section_id)

    async def close(self, code=None, reason=None):
        """Close the socket and ignore whatever it still sends: frames already on their way
        arrive after the close, and a client may not stop."""
        self.closed = True
        await super().close(code=code, reason=reason)

    async def receive(self, text_data=None, bytes_data=None):
        if self.replica is None or self.closed or not bytes_data:
            return
        if not self.rate.allow():
            logger.info("Too many messages on section %s: asked to reconnect", self.section_id)
            await self.close(code=TRY_AGAIN_LATER)
            return
        if len(bytes_data) > MAX_MESSAGE_BYTES:
            await self.refuse_too_long()
            return
        try:
            kind, sync_type, payload = parse_message(bytes_data)
        except (AssertionError, IndexError, ValueError):  # pycrdt asserts on a short length
            logger.info("Ignored a malformed message on section %s", self.section_id)
            return
        if kind == SYNC and sync_type == STEP1:
            try:
                reply = handle_sync_message(bytes_data[1:], self.replica.doc)
            except ValueError:  # not a state vector
                logger.info("Ignored a malformed sync step on section %s", self.section_id)
                return
            await self.send(bytes_data=reply)
        elif kind == SYNC:
            await self.receive_update(payload)
        elif kind == AWARENESS:
            # Echoed to the sender too, as y-websocket's own server does: a browser that hears
            # nothing for 30 seconds takes the connection for dead and reconnects.
            await self.channel_layer.group_send(
                group_name(self.section_id),
                {"type": "room.message", "message": bytes_data, "sender": None},
            )

    async def receive_update(self, update):
        if not self.can_write or update == EMPTY_UPDATE:
            return
        stale = time.monotonic() - self.checked_at > ACCESS_RECHECK_SECONDS
        if stale and not (await self.check_access() and self.can_write):
            return
        try:
            get_state(update)  # reads the whole update: a malformed one is never stored
            too_long = passes_length_limit(self.replica.doc, update)
        except Exception:  # pycrdt raises its own errors for updates that do not decode
            logger.info("Ignored an update that would not apply on %s", self.section_id)
            return
        if too_long:
            await self.refuse_too_long()
            return
        try:
            await hub.store(self.section_id, self.membership.pk, update)
        except DatabaseError:
            # Not stored, so not applied: the browser keeps it and sends it again on reconnect.
            logger.exception("Could not store a live update on section %s", self.section_id)
            await self.close(code=TRY_AGAIN_LATER)
            return
        self.replica.apply(update)
        await broadcast_update(self.section_id, update, sender=self.channel_name)

    async def refuse_too_long(self):
        limit = settings.SECTION_BODY_MAX_CHARS
        await self.send(bytes_data=status_message(event="too_long", limit=limit))
        await self.close(code=TOO_LONG)

    async def access_changed(self, event):
        """The app withdrew or narrowed someone's access (groups.live_access_changed)."""
        if self.replica is not None:
            await self.check_access()

    async def room_message(self, event):
        update = event.get("update")
        if update is not None and self.replica is not None and event.get("process") != PROCESS:
            self.replica.catch_up([update])  # from another process: this one has it already
        if event.get("sender") != self.channel_name:
            await self.send(bytes_data=event["message"])
