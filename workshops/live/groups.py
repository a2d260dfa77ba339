"""Channel-layer groups of the live rooms, and the messages sent to them.

Every connection is in its section's group (document updates and status), its co-design
session's group and its person's group (access changes). With channels-redis these groups span
every server process.
"""

import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from redis.exceptions import RedisError

from .rooms import status_message, update_message

logger = logging.getLogger(__name__)


# Names this server process in the updates it sends, so its own connections do not apply again
# to its replica what it applied already.
PROCESS = uuid.uuid4().hex


def group_name(section_id):
    return f"live-section-{section_id}"


def session_group_name(session_id):
    return f"live-session-{session_id}"


def user_group_name(user_id):
    return f"live-user-{user_id}"


def live_access_changed(*, user_ids=(), section_id=None, session_id=None):
    """The one way to withdraw or narrow access to open live rooms; call it once the change is
    committed (``transaction.on_commit``).

    Every open connection of these people, of this section or of this co-design session, on
    every process, checks its access again at once: one that may no longer join is closed, one
    that may no longer write becomes read-only and nothing it sends is applied. With Redis out
    of reach the message is lost and the failure logged; a connection then still checks its
    access again before applying anything sent more than ACCESS_RECHECK_SECONDS after its last
    check (consumers.py).
    """
    groups = [user_group_name(user_id) for user_id in user_ids]
    if section_id is not None:
        groups.append(group_name(section_id))
    if session_id is not None:
        groups.append(session_group_name(session_id))
    layer = get_channel_layer()
    for group in groups:
        try:
            async_to_sync(layer.group_send)(group, {"type": "access.changed"})
        except (OSError, RedisError) as error:
            logger.warning(
                "Could not tell the live rooms of %s about an access change: %s", group, error
            )


async def _send(section_id, event):
    """Send to the section's group; with Redis out of reach, log it and carry on: what was sent
    is stored already, and browsers fetch what they missed when they next sync."""
    try:
        await get_channel_layer().group_send(group_name(section_id), event)
    except (OSError, RedisError) as error:
        logger.warning("Could not pass a live update on in section %s: %s", section_id, error)


async def broadcast_update(section_id, update, sender=None):
    """Send a document update to every connection of the section's room, on any process."""
    await _send(
        section_id,
        {
            "type": "room.message",
            "message": update_message(update),
            "update": update,
            "sender": sender,
            "process": PROCESS,
        },
    )


async def broadcast_status(section_id, **event):
    """Tell every browser in the section's room what the server did (e.g. saved the text)."""
    await _send(
        section_id, {"type": "room.message", "message": status_message(**event), "sender": None}
    )
