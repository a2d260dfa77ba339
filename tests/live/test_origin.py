"""Only the app's own pages may open a live room's websocket: the Origin must match exactly."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from workshops.live.origin import ExactOriginValidator, origin_allowed


def scope(origin, *, host="coprod.example.org", scheme="wss"):
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return {"type": "websocket", "scheme": scheme, "headers": headers}


@pytest.fixture(autouse=True)
def hosts(settings):
    settings.ALLOWED_HOSTS = ["coprod.example.org"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://admin.example.org"]
    settings.SITE_URL = "https://coprod.example.org"


@pytest.mark.parametrize(
    "origin, allowed",
    [
        ("https://coprod.example.org", True),  # the app's own page
        ("https://admin.example.org", True),  # a trusted origin, exactly
        ("http://coprod.example.org", False),  # another scheme
        ("https://coprod.example.org:8443", False),  # another port
        ("https://evil.example.org", False),
        ("https://coprod.example.org.evil.example", False),
        ("null", False),  # a sandboxed frame or a file
        (None, False),  # no Origin at all
    ],
)
def test_origin_must_be_the_apps_own_exactly(origin, allowed):
    assert origin_allowed(scope(origin)) is allowed


def test_origin_same_host_on_another_port_is_refused_even_when_reached_there():
    # Reached as coprod.example.org:8443 over plain ws: its own origin is http://…:8443 only.
    reached = scope("https://coprod.example.org:8443", host="coprod.example.org:8443", scheme="ws")
    assert origin_allowed(reached) is False
    same = scope("http://coprod.example.org:8443", host="coprod.example.org:8443", scheme="ws")
    assert origin_allowed(same) is True


def test_origin_of_a_host_not_allowed_is_refused():
    assert origin_allowed(scope("https://other.example", host="other.example")) is False


def test_origin_validator_closes_a_foreign_websocket_before_the_app_sees_it():
    reached = []

    async def app(scope, receive, send):
        reached.append(scope)

    async def scenario():
        communicator = WebsocketCommunicator(
            ExactOriginValidator(app),
            "/ws/live/sessions/1/sections/1",
            headers=[(b"host", b"coprod.example.org"), (b"origin", b"https://evil.example.org")],
        )
        connected, code = await communicator.connect(timeout=5)
        await communicator.disconnect()
        return connected, code

    connected, _code = async_to_sync(scenario)()
    assert connected is False
    assert reached == []
