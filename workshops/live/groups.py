"""Channel-layer group names of live rooms, and the messages sent to a room's group."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from redis.exceptions import RedisError

from .rooms import update_message

logger = logging.getLogger(__name__)


def group_name(section_id):
    return f"live-section-{section_id}"


def session_group_name(session_id):
    return f"live-session-{session_id}"


def announce_session_ended(session_id):
    """Tell every open connection of the session (from synchronous code, after commit).

    The session has ended whether or not the message gets through: with Redis down the person
    ending it is not shown an error for it. The failure is logged; a connection that missed the
    message keeps writing until it reconnects, and a reconnect is refused writing.
    """
    try:
        async_to_sync(get_channel_layer().group_send)(
            session_group_name(session_id), {"type": "session.ended"}
        )
    except (OSError, RedisError) as error:
        logger.warning("Could not tell session %s's rooms that it ended: %s", session_id, error)


async def broadcast_update(section_id, update, sender=None):
    """Send a document update to every connection of the section's room, on any process."""
    await get_channel_layer().group_send(
        group_name(section_id),
        {"type": "room.message", "message": update_message(update), "sender": sender},
    )
