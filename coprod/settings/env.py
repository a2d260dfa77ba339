"""Reading settings from environment variables, with the embedded defaults beside them."""

import os
from urllib.parse import parse_qs, unquote, urlparse


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def email_settings(url):
    """Django email settings from an EMAIL_URL such as ``smtp://user:pass@host:587?tls=1``.

    ``console://`` (the default) prints mail to the terminal, so the embedded set-up needs no
    mail server; ``file:///a/folder`` writes each message to a file there; ``smtp://`` and
    ``smtps://`` send through a server.
    """
    parsed = urlparse(url)
    if parsed.scheme in ("", "console"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parsed.scheme == "file":
        # Each message written to a file in the folder named: for a machine with no mail server.
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parsed.path),
        }
    if parsed.scheme not in ("smtp", "smtps"):
        raise ValueError(f"EMAIL_URL scheme {parsed.scheme!r} is not supported (use smtp or smtps)")
    query = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in ("1", "true"),
    }


def channel_layer_settings(redis_url):
    """The live rooms' channel layer: in memory within one process, or Redis across several."""
    # Room for a burst of typing waiting for one connection (100 by default: a busy room passed
    # it, and the layer drops what does not fit without a word).
    capacity = 1000
    if not redis_url:
        return {
            "default": {
                "BACKEND": "channels.layers.InMemoryChannelLayer",
                "CONFIG": {"capacity": capacity},
            }
        }
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # No read timeout: the layer itself waits up to 5 s for each connection's next
                # message, and redis-py's default 5 s timeout would end first, killing the socket
                # of anyone alone in a quiet room.
                "hosts": [{"address": redis_url, "socket_timeout": None}],
                "capacity": capacity,
                # A connection of a process that was killed stays in its room's group until
                # this long after it last joined; live connections join again every minute
                # (consumers.py), so it can be short.
                "group_expiry": 300,
            },
        }
    }
