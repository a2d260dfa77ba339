"""The app as daphne serves it in the browser tests.

coprod's own ASGI application, with two things around it that only the tests need:

* the static files served from the source folders (the tests never run collectstatic, and DEBUG
  stays off so that the error pages are the real ones);
* ``GET /__e2e__/live-rooms``, which says which live rooms are open in this process and how many
  write-backs are running, so a test can wait until every room has been saved and closed before
  its database is emptied. The write-backs are counted by wrapping ``hub.save``, which both the
  last-one-out save and the idle save call; nothing else about the rooms changes.
"""

import json

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from coprod.asgi import application as coprod_application
from workshops.live import hub

ROOMS_PATH = "/__e2e__/live-rooms"

_saves_running = 0
_hub_save = hub.save


async def _counted_save(replica):
    global _saves_running
    _saves_running += 1
    try:
        return await _hub_save(replica)
    finally:
        _saves_running -= 1


hub.save = _counted_save

_served = ASGIStaticFilesHandler(coprod_application)


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == ROOMS_PATH:
        body = json.dumps({"open": hub.open_room_ids(), "saving": _saves_running}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return
    await _served(scope, receive, send)
