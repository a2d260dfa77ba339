"""Ending a person's sign-in sessions closes their open live rooms too."""

from channels.db import database_sync_to_async
from django.conf import settings

from tests.live.test_consumers import (  # noqa: F401 (fresh_live_state is an autouse fixture)
    LiveClient,
    _same_origin,
    fresh_live_state,
    pytestmark,  # noqa: F401
    run,
    until,
)
from workshops.live.consumers import REFUSED
from workshops.services.accounts import user_sign_out_everywhere


def test_sign_out_everywhere_closes_the_persons_open_live_rooms(world, live_session, client_for):
    from coprod.asgi import application

    def browser_for(membership):
        signed_in = client_for(membership)
        cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
        headers = [
            *_same_origin(),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
        ]
        return LiveClient(
            None, live_session, world.section, application=application, headers=headers
        )

    seen = {}
    carer, lead = browser_for(world.co_trainer), browser_for(world.lead)

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
