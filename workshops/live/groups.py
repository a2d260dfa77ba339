"""Channel-layer group names of live rooms, and the messages sent to a room's group."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .rooms import update_message


def group_name(section_id):
    return f"live-section-{section_id}"


def session_group_name(session_id):
    return f"live-session-{session_id}"


def announce_session_ended(session_id):
    """Tell every open connection of the session (from synchronous code, after commit)."""
    async_to_sync(get_channel_layer().group_send)(
        session_group_name(session_id), {"type": "session.ended"}
    )


async def broadcast_update(section_id, update, sender=None):
    """Send a document update to every connection of the section's room, on any process."""
    await get_channel_layer().group_send(
        group_name(section_id),
        {"type": "room.message", "message": update_message(update), "sender": sender},
    )
