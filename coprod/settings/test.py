"""Tests: base settings, fast password hashing, mail kept in memory, tasks in-process."""

from .base import *  # noqa: F403
from .env import channel_layer_settings

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
# Live rooms run in the test process: an in-memory channel layer, whatever REDIS_URL says.
CHANNEL_LAYERS = channel_layer_settings("")
# Static files straight from static/, as `runserver` serves them: a fresh checkout has run no
# collectstatic, and the tests must not depend on one.
WHITENOISE_USE_FINDERS = True
