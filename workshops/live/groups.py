"""Channel-layer group names of live rooms, and the one message sent to them from outside."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def group_name(section_id):
    return f"live-section-{section_id}"


def session_group_name(session_id):
    return f"live-session-{session_id}"


def announce_session_ended(session_id):
    """Tell every open connection of the session (from synchronous code, after commit)."""
    async_to_sync(get_channel_layer().group_send)(
        session_group_name(session_id), {"type": "session.ended"}
    )
