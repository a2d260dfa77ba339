"""Settings for every environment, read from environment variables.

With nothing configured the app runs on its embedded defaults: a SQLite file, Celery tasks run
in-process, email printed to the console. DATABASE_URL, REDIS_URL / CELERY_BROKER_URL, EMAIL_URL,
SECRET_KEY and ALLOWED_HOSTS switch to real services. ``coprod.settings.production`` adds the
checks that refuse an unsafe deployment.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from .env import channel_layer_settings, email_settings, env_bool, env_list, env_str

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
    "axes",
    # Content-Security-Policy header on every response (CONTENT_SECURITY_POLICY below).
    "csp",
    # Two-step sign-in: codes from an authenticator app, and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "workshops",
]

MIDDLEWARE = [
    # First, so every log line of a request, from any middleware, carries the request's id.
    "coprod.request_logging.request_id_middleware",
    "django.middleware.security.SecurityMiddleware",
    # Early, so every response gets the header, error pages and static files included.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Knows whether this session has given a two-step code (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # Sends a signed-in person who still owes a two-step code, or must set it up, to that page.
    "workshops.middleware.TwoStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so its page has the person, their messages and their language; it still runs before
    # CsrfViewMiddleware reads the form (see the module).
    "workshops.middleware.RequestTooBigMiddleware",
    # Answers a locked-out sign-in with its own page (AXES_LOCKOUT_TEMPLATE).
    "axes.middleware.AxesMiddleware",
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
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Each process keeps a pool of at most DATABASE_POOL_MAX_SIZE connections that its threads
    # share, so however many requests arrive at once, one process never opens more: a request
    # that finds them all busy waits up to DATABASE_POOL_TIMEOUT seconds for one. Persistent
    # connections (CONN_MAX_AGE) stay off: Django refuses them with a pool, and under ASGI they
    # would leak one connection per thread. The health check makes the pool test a connection
    # before handing it out, so after a database restart the broken ones are dropped, not used.
    DATABASES["default"].update(
        CONN_MAX_AGE=0,
        CONN_HEALTH_CHECKS=True,
        OPTIONS={
            **DATABASES["default"].get("OPTIONS", {}),
            "pool": {
                "min_size": int(env_str("DATABASE_POOL_MIN_SIZE", "1")),
                "max_size": int(env_str("DATABASE_POOL_MAX_SIZE", "4")),
                "timeout": float(env_str("DATABASE_POOL_TIMEOUT", "10")),
            },
        },
    )
# The app connects as a role that may read and append to the contribution log but not change,
# empty or re-chain it (workshops/db_roles.py). The tables belong to another role, the owner,
# which migrations run as: `manage.py migrate --database owner`, with DATABASE_OWNER_URL naming
# it. After migrating, the owner grants the app's role (DATABASE_URL's user) what it may do.
# Without DATABASE_OWNER_URL (the embedded default, a developer's own database) one role is both.
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL", "")
if DATABASE_OWNER_URL:
    DATABASES["owner"] = dj_database_url.parse(DATABASE_OWNER_URL)
    DATABASES["owner"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Signs the contribution log checkpoints that leads keep (workshops/checkpoints.py). Kept outside
# the database, so that whoever could rewrite the log there cannot sign a matching checkpoint.
# Set it apart from SECRET_KEY in production; by default it is derived from SECRET_KEY.
CHECKPOINT_SIGNING_KEY = env_str("CHECKPOINT_SIGNING_KEY", "")

AUTH_USER_MODEL = "workshops.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
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
# A render that ignores the soft limit above has its worker stopped this much later.
PACK_RENDER_HARD_TIME_LIMIT = PACK_RENDER_TIME_LIMIT + 30
# A worker making a pack beats the pack's heartbeat every sixth of this many seconds; a render
# silent for longer has lost its worker, and the pack sweep queues it again.
PACK_HEARTBEAT_TIMEOUT = float(env_str("PACK_HEARTBEAT_TIMEOUT", "30"))
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(env_str("CELERY_WORKER_MAX_MEMORY_PER_CHILD", "600000"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Live co-design rooms: an in-memory channel layer in one process by default; Redis when given.
REDIS_URL = env_str("REDIS_URL", "")
CHANNEL_LAYERS = channel_layer_settings(REDIS_URL)

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
# Redis gives a message that a worker took but has not acknowledged (acks late: at the task's
# end) to another worker after this many seconds. Kept well above the longest a task may run,
# so a render still running never starts twice; a worker that died is noticed much sooner, by
# the pack sweep through the pack's heartbeat.
# max_retries 0: a message sent while Redis is down fails at once instead of trying to connect
# for six seconds, so the person's request does not wait; the outbox sweep sends it later.
# (Workers reconnect by CELERY_BROKER_CONNECTION_MAX_RETRIES, which this leaves alone.)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": max(3600, 2 * max(CELERY_TASK_TIME_LIMIT, PACK_RENDER_HARD_TIME_LIMIT)),
    "max_retries": 0,
}
CELERY_TIMEZONE = TIME_ZONE
# Every worker imports this at start: its signal handlers beat the heartbeat /healthz reads.
CELERY_IMPORTS = ["workshops.health"]
# A job handed to the broker but not taken on by a worker after this many seconds is taken to be
# lost (a restarted Redis keeps nothing) and is handed over again; a task claims its job first,
# so one still queued runs only once.
OUTBOX_REDISPATCH_AFTER = int(env_str("OUTBOX_REDISPATCH_AFTER", "300"))
# How many days before a story's consent ends the leads and the teller are told, to ask again.
CONSENT_ENDING_NOTICE_DAYS = int(env_str("CONSENT_ENDING_NOTICE_DAYS", "30"))
CELERY_BEAT_SCHEDULE = {
    # Jobs whose broker was down when they were asked for go as soon as it is back.
    "outbox-sweep": {"task": "workshops.tasks.outbox_sweep", "schedule": 30.0},
    # A pack whose worker was lost (its heartbeat stopped) is made again by another.
    "pack-sweep": {"task": "workshops.tasks.pack_sweep", "schedule": 30.0},
    # Reminders go the day before a review is due; the task is safe to run more often.
    "review-reminders": {
        "task": "workshops.tasks.review_reminders_send",
        "schedule": crontab(hour=8, minute=0),
    },
    # The leads and the teller are told when a story's consent ends soon, and when it has ended.
    "consent-endings": {
        "task": "workshops.tasks.consent_endings_notify",
        "schedule": crontab(hour=8, minute=15),
    },
    # Each organisation's retention periods (attendees, answers, closed accounts) applied.
    "retention": {
        "task": "workshops.tasks.retention_apply",
        "schedule": crontab(hour=3, minute=30),
    },
    # Each organisation's leads get the month's contribution log checkpoint to keep.
    "log-checkpoints": {
        "task": "workshops.tasks.log_checkpoints_send",
        "schedule": crontab(day_of_month=1, hour=7, minute=0),
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
# Signed out after this long without a page loaded (an idle timeout: every request moves the
# end on). Live rooms check it too, so a socket left open does not outlive its session.
SESSION_COOKIE_AGE = int(env_str("SESSION_IDLE_HOURS", "12")) * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True

# Sign-in throttling (django-axes), for the sign-in page and the admin's alike: 30 wrong
# passwords for one account, or from one address, lock it for 15 minutes; a right password
# clears the count. A lead can unlock a member early (the members page), an operator anyone
# (the admin's "Access attempts", or `manage.py axes_reset_username NAME`).
AXES_FAILURE_LIMIT = int(env_str("SIGN_IN_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "coprod.client_ip.client_ip"
# Counted per account whatever case the email was typed in.
AXES_USERNAME_CALLABLE = "coprod.client_ip.sign_in_username"
AXES_VERBOSE = False
# How many proxies of ours are in front of the app (nginx: 1). Each appends the address it saw to
# X-Forwarded-For, so the client is that many entries from the end; anything before it could
# have been written by the client. 0: the connection's own address.
TRUSTED_PROXY_COUNT = int(env_str("TRUSTED_PROXY_COUNT", "0"))
# Other pages a stranger can try things on (password reset, invitations, their links): this
# many tries per address, or per email typed, in THROTTLE_WINDOW seconds (workshops/throttle.py).
THROTTLE_LIMIT = int(env_str("THROTTLE_LIMIT", "20"))
THROTTLE_WINDOW = 15 * 60
# The evaluation answer form: a room of attendees often shares one address (the venue's wifi),
# so each address may send more answers than it may try passwords; each delivery's link has a
# ceiling too, so a leaked link cannot flood its results.
ANSWER_THROTTLE_PER_ADDRESS = int(env_str("ANSWER_THROTTLE_PER_ADDRESS", "60"))
ANSWER_THROTTLE_PER_DELIVERY = int(env_str("ANSWER_THROTTLE_PER_DELIVERY", "200"))
# Two-step sign-in (django-otp; workshops/services/two_factor.py). Authenticator apps show the
# account under this name. Each wrong code makes the next try wait longer (1, 2, 4 … seconds, per
# device); the code pages also count tries per person (THROTTLE_LIMIT in THROTTLE_WINDOW).
OTP_TOTP_ISSUER = "coprod"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin's device pages do not show the secret keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# How many recovery codes a person gets, and how long (seconds) after they are made they can
# still be seen and downloaded; after that they are never shown again.
TWO_STEP_RECOVERY_CODES = 10
TWO_STEP_SHOW_CODES_SECONDS = 10 * 60
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): the browser runs and applies only the site's own files, so
# markup that got into a page some other way can neither run script nor restyle the page. Nothing
# inline is allowed: no <script> or <style> in a page, no style="" or onclick="" attributes, no
# eval. Scripts may still set styles through the DOM (element.style), which CSP allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        # Anything not named below (frames, media, workers, manifests): this site only.
        "default-src": [SELF],
        # Script files from static/ only. htmx runs with allowEval off (base.html), so neither
        # it nor anything else needs 'unsafe-eval'.
        "script-src": [SELF],
        # Stylesheets from static/, plus the one <style> element that the live editor
        # (CodeMirror) writes into its page, which carries that request's nonce. A nonce is
        # added to the header only on a page that uses it (request.csp_nonce).
        "style-src": [SELF, NONCE],
        # Bootstrap draws form controls' arrows and ticks with data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        # htmx requests and the live room's websocket, both to this host: in CSP Level 3
        # browsers 'self' also matches ws: and wss: of the page's own host.
        "connect-src": [SELF],
        # No plugins, and no <base> that would send relative URLs elsewhere.
        "object-src": [NONE],
        "base-uri": [NONE],
        # Forms post to this site only.
        "form-action": [SELF],
        # No other site may put these pages in a frame (as X_FRAME_OPTIONS, for newer browsers).
        "frame-ancestors": [NONE],
    },
}

# A section body longer than this is refused with a form error (about 100,000 words).
SECTION_BODY_MAX_CHARS = 600_000
# A form whose section is at that limit must still arrive, so the form, not Django, answers: a
# character takes up to 4 bytes in UTF-8 and a browser's form encoding writes each byte as 3
# (%F0), so 12 bytes a character, plus room for the other fields (title, note, token).
DATA_UPLOAD_MAX_MEMORY_SIZE = SECTION_BODY_MAX_CHARS * 12 + 64 * 1024

# /healthz (workshops/health.py): a worker counts as gone when its last heartbeat is older than
# this many seconds (workers beat every 2 s), and the service as failing when the disk holding
# PACKS_ROOT has less than this many megabytes free.
HEALTHZ_WORKER_MAX_AGE = float(env_str("HEALTHZ_WORKER_MAX_AGE", "60"))
HEALTHZ_MIN_FREE_DISK_MB = int(env_str("HEALTHZ_MIN_FREE_DISK_MB", "1024"))
# Load balancers and container probes ask over plain HTTP, from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Each line: when, how serious, where from, the request's id ("-" outside a request), what.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "coprod.request_logging.RequestIdFilter"},
        "refusal_without_traceback": {"()": "coprod.request_logging.RefusalWithoutTracebackFilter"},
    },
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # A 403 or 404 is an ordinary answer: one line, without a traceback.
        "django.request": {"filters": ["refusal_without_traceback"]},
        # WeasyPrint reports each layout step at INFO; only its warnings are worth reading.
        "weasyprint.progress": {"level": "WARNING"},
        # django-axes tells of every sign-in and clean-up at INFO; its lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}
