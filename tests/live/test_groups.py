"""Messages sent to live rooms' groups from ordinary requests."""

import logging

import pytest
from channels.layers import channel_layers

from tests.helpers import free_port
from workshops.live.groups import live_access_changed


@pytest.fixture
def redis_down(settings):
    """The channel layer is Redis, and Redis refuses connections."""
    port = free_port()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{port}/0"]},
        }
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_live_access_changed_with_redis_down_logs_and_does_not_fail(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="workshops.live.groups"):
        live_access_changed(user_ids=[7], session_id=12345)

    assert [r.getMessage() for r in caplog.records if r.name == "workshops.live.groups"] != []
    assert "live-session-12345" in caplog.text
    assert "live-user-7" in caplog.text
