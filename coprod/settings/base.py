"""Settings for every environment, read from environment variables.

With nothing configured the app runs on its embedded defaults: a SQLite file, Celery tasks run
in-process, email printed to the console. DATABASE_URL, REDIS_URL / CELERY_BROKER_URL, EMAIL_URL,
SECRET_KEY and ALLOWED_HOSTS switch to real services. ``coprod.settings.production`` adds the
checks that refuse an unsafe deployment.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from .env import email_settings, env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Only for the embedded set-up; production refuses to start with it.
DEFAULT_SECRET_KEY = "insecure-embedded-default-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # First, so that runserver serves the live websockets too.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "workshops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "coprod.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workshops.context_processors.current_membership",
            ],
        },
    },
]

WSGI_APPLICATION = "coprod.wsgi.application"
ASGI_APPLICATION = "coprod.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'coprod.sqlite3'}"),
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "workshops.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Generated PDFs. Never served as media: every download goes through a permission check.
PACKS_ROOT = Path(env_str("PACKS_ROOT", str(MEDIA_ROOT / "packs")))
# A pack render is stopped after this many seconds, and its worker is replaced once it has used
# this much memory (kilobytes), so one huge pack can't take the service down.
PACK_RENDER_TIME_LIMIT = int(env_str("PACK_RENDER_TIME_LIMIT", "180"))
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(env_str("CELERY_WORKER_MAX_MEMORY_PER_CHILD", "600000"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Live co-design rooms: an in-memory channel layer in one process by default; Redis when given.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery: with no broker configured, tasks run in-process so the embedded set-up needs no Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
# A job handed to the broker but not taken on by a worker after this many seconds is taken to be
# lost (a restarted Redis keeps nothing) and is handed over again; a task claims its job first,
# so one still queued runs only once.
OUTBOX_REDISPATCH_AFTER = int(env_str("OUTBOX_REDISPATCH_AFTER", "300"))
CELERY_BEAT_SCHEDULE = {
    # Jobs whose broker was down when they were asked for go as soon as it is back.
    "outbox-sweep": {"task": "workshops.tasks.outbox_sweep", "schedule": 30.0},
    # Reminders go the day before a review is due; the task is safe to run more often.
    "review-reminders": {
        "task": "workshops.tasks.review_reminders_send",
        "schedule": crontab(hour=8, minute=0),
    },
}

EMAIL_URL = env_str("EMAIL_URL", "console://")
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "coprod <no-reply@coprod.localhost>")

# Where links in emails point.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Invitations stay valid this long.
INVITATION_VALID_DAYS = 14

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# A section body longer than this is refused with a form error (about 100,000 words).
SECTION_BODY_MAX_CHARS = 600_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each layout step at INFO; only its warnings are worth reading.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
