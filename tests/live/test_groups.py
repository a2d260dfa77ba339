"""Messages sent to live rooms' groups from ordinary requests."""

import asyncio
import logging

import pytest
from channels.layers import channel_layers
from channels_redis.core import RedisChannelLayer

from coprod.settings.env import channel_layer_settings
from tests.helpers import free_port
from tests.live.servers import RedisServer
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


def test_redis_channel_layer_waits_past_five_quiet_seconds_for_a_message(tmp_path):
    """A connection alone in a quiet room hears nothing for a while: the production layer's
    Redis connection must not time out under it (redis-py's default read timeout is 5 s)."""
    redis = RedisServer(port=free_port(), folder=tmp_path)
    redis.start()
    config = channel_layer_settings(redis.url)["default"]["CONFIG"]

    async def quiet_then_message():
        layer = RedisChannelLayer(**config)
        channel = await layer.new_channel()

        async def later():
            await asyncio.sleep(6)
            await layer.send(channel, {"type": "room.message"})

        sender = asyncio.create_task(later())
        message = await asyncio.wait_for(layer.receive(channel), timeout=20)
        await sender
        await layer.flush()
        return message

    try:
        assert asyncio.run(quiet_then_message()) == {"type": "room.message"}
    finally:
        redis.stop()
