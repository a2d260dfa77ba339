"""Ending a person's sign-in sessions closes their open live rooms too: signing out everywhere
at once, and a session that ended by itself (the idle timeout) at the socket's next check."""

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.sessions.models import Session

from tests.live.test_consumers import (  # noqa: F401 (fresh_live_state is an autouse fixture)
    LiveClient,
    _same_origin,
    fresh_live_state,
    pytestmark,
    run,
    until,
)
from workshops.live import consumers
from workshops.live.consumers import REFUSED
from workshops.services.accounts import user_sign_out_everywhere


def browser_for(membership, live_session, section, client_for):
    """A browser tab signed in as ``membership``, on the full ASGI stack (cookie and origin)."""
    from coprod.asgi import application

    signed_in = client_for(membership)
    name = settings.SESSION_COOKIE_NAME
    browser = LiveClient(
        None,
        live_session,
        section,
        application=application,
        headers=[*_same_origin(), (b"cookie", f"{name}={signed_in.cookies[name].value}".encode())],
    )
    browser.session_key = signed_in.cookies[name].value
    return browser


def test_sign_out_everywhere_closes_the_persons_open_live_rooms(world, live_session, client_for):
    carer = browser_for(world.co_trainer, live_session, world.section, client_for)
    lead = browser_for(world.lead, live_session, world.section, client_for)
    seen = {}

    async def scenario():
        await carer.join()
        await lead.join()
        await database_sync_to_async(user_sign_out_everywhere)(user=world.co_trainer.user)
        await until(lambda: carer.close_code is not None, carer)
        seen["carer"] = carer.close_code
        await lead.pump()
        seen["lead"] = lead.close_code
        await carer.leave()
        await lead.leave()

    run(scenario)

    assert seen == {"carer": REFUSED, "lead": None}


def test_a_quiet_socket_whose_session_ended_by_itself_is_closed(
    world, live_session, client_for, monkeypatch
):
    monkeypatch.setattr(consumers, "ACCESS_IDLE_CHECK_SECONDS", 0.2)
    carer = browser_for(world.co_trainer, live_session, world.section, client_for)
    lead = browser_for(world.lead, live_session, world.section, client_for)
    seen = {}

    def idle_timeout_passes():
        Session.objects.filter(session_key=carer.session_key).delete()

    async def scenario():
        await carer.join()
        await lead.join()
        await database_sync_to_async(idle_timeout_passes)()
        # The carer sends nothing: the socket's own periodic check closes it.
        await until(lambda: carer.close_code is not None, carer)
        seen["carer"] = carer.close_code
        await lead.pump()
        seen["lead"] = lead.close_code
        await carer.leave()
        await lead.leave()

    run(scenario)

    assert seen == {"carer": REFUSED, "lead": None}
