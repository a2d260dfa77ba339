"""Which pages may open a live room's websocket: the app's own, by exact origin.

A browser sends the page's origin (scheme, host and port) with every websocket it opens, and
the session cookie goes with it whatever page opened it, so a page elsewhere must not be able
to join a room as the person signed in. Channels' own check compares the host only; this one
compares the whole origin, as Django's CSRF check does for forms.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host


def _origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def allowed_origins(scope) -> set[str]:
    """The app's own origin as this request reached it (its Host, if an allowed host, with the
    scheme it came in on), SITE_URL's, and each exact CSRF_TRUSTED_ORIGINS entry."""
    origins = {_origin_of(settings.SITE_URL)}
    origins.update(o.rstrip("/") for o in settings.CSRF_TRUSTED_ORIGINS if "*" not in o)
    host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
    domain, _port = split_domain_port(host)
    if domain and validate_host(domain, settings.ALLOWED_HOSTS):
        scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
        origins.add(f"{scheme}://{host}")
    origins.discard("")
    return origins


def origin_allowed(scope) -> bool:
    origin = dict(scope.get("headers", [])).get(b"origin", b"").decode("latin-1")
    return bool(origin) and origin in allowed_origins(scope)


class ExactOriginValidator:
    """ASGI middleware: a websocket from any other origin (or none) is refused before it is
    accepted."""

    def __init__(self, application):
        self.application = application
        self.denier = WebsocketDenier.as_asgi()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await self.denier(scope, receive, send)
        return await self.application(scope, receive, send)
