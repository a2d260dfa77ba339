"""Every request gets an id that every log line written for it carries, and that its response
hands back in ``X-Request-ID``, so one person's report ("it failed at 10:42", with the id from
the error page's headers or the proxy's log) leads to every line about that request.

A proxy in front may set the id (nginx's ``$request_id``, a load balancer's trace id); an
incoming id is kept when it is a plain token, so it can't forge log lines or headers, and
replaced otherwise. The id lives in a context variable, which follows the request into threads
(sync views under ASGI) and is separate per request under both WSGI and ASGI.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from asgiref.sync import iscoroutinefunction
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.decorators import sync_and_async_middleware

HEADER = "X-Request-ID"
# Letters, digits and a few separators, as proxies write them (hex, UUIDs, "Root=1-…").
SANE_ID = re.compile(r"[A-Za-z0-9._:=+-]{1,128}")
NO_REQUEST = "-"

request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def request_id_from(request) -> str:
    given = request.headers.get(HEADER, "")
    return given if SANE_ID.fullmatch(given) else uuid.uuid4().hex


@sync_and_async_middleware
def request_id_middleware(get_response):
    """First in MIDDLEWARE, so the lines every other middleware writes carry the id too."""

    def start(request):
        request.request_id = request_id_from(request)
        return request_id.set(request.request_id)

    if iscoroutinefunction(get_response):

        async def middleware(request):
            token = start(request)
            try:
                response = await get_response(request)
            finally:
                request_id.reset(token)
            response[HEADER] = request.request_id
            return response

    else:

        def middleware(request):
            token = start(request)
            try:
                response = get_response(request)
            finally:
                request_id.reset(token)
            response[HEADER] = request.request_id
            return response

    return middleware


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id`` ("-" outside a request) for the formatter.

    Django logs a 4xx or 5xx answer once the middleware has handed it back (the id's context is
    over by then), with the request attached to the record: its id is taken from there.
    """

    def filter(self, record):
        current = request_id.get()
        if current == NO_REQUEST:
            current = getattr(getattr(record, "request", None), "request_id", NO_REQUEST)
        record.request_id = current
        return True


# Answers that refuse a request for an ordinary reason (not allowed, not there).
REFUSALS = {403, 404}


class RefusalWithoutTracebackFilter(logging.Filter):
    """For ``django.request``: a 403 or 404 is an ordinary answer, so one line, no traceback.

    Django attaches the exception to its "Forbidden (Permission denied)" line, which prints a
    traceback for every refused request; a 500 keeps its traceback. The line says the method and
    the status too, so a refused POST is told from a refused GET without the server's access log.
    """

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, PermissionDenied | Http404):
            record.exc_info = None
            record.exc_text = None
        request = getattr(record, "request", None)
        status = getattr(record, "status_code", None)
        if status in REFUSALS and request is not None and not record.exc_info:
            record.msg = f"{record.msg} (%s, %s)"
            record.args = (*_as_tuple(record.args), request.method, status)
        return True


def _as_tuple(args):
    if args is None:
        return ()
    return args if isinstance(args, tuple) else (args,)
