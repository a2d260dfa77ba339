"""Settings: production refuses to start unsafely, EMAIL_URL becomes Django email settings, and
production's static file storage leaves the pack stylesheet's own URLs alone."""

import json
import os
import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command

from coprod.settings.env import email_settings

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_production_check(**env_overrides):
    """Run ``manage.py check`` with production settings in a fresh process.

    The settings module is read once per process, so each combination needs its own process.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="coprod.settings.production",
        ALLOWED_HOSTS="coprod.example.org",
        **env_overrides,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def good_secret_key():
    return secrets.token_urlsafe(64)


def test_production_without_secret_key_refuses_to_start():
    result = run_production_check()

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_embedded_default_secret_key_refuses_to_start():
    from coprod.settings.base import DEFAULT_SECRET_KEY

    result = run_production_check(SECRET_KEY=DEFAULT_SECRET_KEY)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_debug_on_refuses_to_start():
    result = run_production_check(SECRET_KEY=good_secret_key(), DEBUG="1")

    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_with_good_settings_passes_the_check():
    result = run_production_check(SECRET_KEY=good_secret_key())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_email_settings_console_prints_mail():
    assert email_settings("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_email_settings_smtp_with_tls():
    assert email_settings("smtp://user:pass@mail.example.org:587?tls=1") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "user",
        "EMAIL_HOST_PASSWORD": "pass",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }


def test_email_settings_smtps_uses_ssl_on_port_465():
    assert email_settings("smtps://user:p%40ss@mail.example.org") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 465,
        "EMAIL_HOST_USER": "user",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": True,
        "EMAIL_USE_TLS": False,
    }


def test_email_settings_plain_smtp_without_credentials():
    settings = email_settings("smtp://mailpit:1025")

    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"]) == ("mailpit", 1025)
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == ("", "")
    assert (settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == (False, False)


def test_email_settings_unknown_scheme_raises_value_error():
    with pytest.raises(ValueError, match="not supported"):
        email_settings("imap://mail.example.org")


def test_production_static_storage_keeps_pack_urls_and_hashes_the_rest(settings, tmp_path):
    source = tmp_path / "static"
    (source / "packs" / "fonts").mkdir(parents=True)
    (source / "packs" / "fonts" / "body.woff").write_bytes(b"font")
    (source / "packs" / "pack.css").write_text(
        '@font-face { src: url("coprod-static:packs/fonts/body.woff"); }\n'
        'body { background: url("fonts/body.woff"); }\n'
    )
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "coprod.storage.StaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((tmp_path / "collected" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["packs/pack.css"]
    hashed_font = manifest["paths"]["packs/fonts/body.woff"].removeprefix("packs/")
    assert (tmp_path / "collected" / hashed_css).read_text() == (
        '@font-face { src: url("coprod-static:packs/fonts/body.woff"); }\n'
        f'body {{ background: url("{hashed_font}"); }}\n'
    )


def database_settings(**env_overrides):
    """The DATABASES["default"] a fresh process builds from ``env_overrides``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")}
    env.update(DJANGO_SETTINGS_MODULE="coprod.settings.base", **env_overrides)
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_database_pool_is_sized_from_the_environment():
    database = database_settings(
        DATABASE_URL="postgres://coprod@db.internal:5432/coprod",
        DATABASE_POOL_MIN_SIZE="3",
        DATABASE_POOL_MAX_SIZE="7",
        DATABASE_POOL_TIMEOUT="4.5",
    )

    assert database["OPTIONS"]["pool"] == {"min_size": 3, "max_size": 7, "timeout": 4.5}
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (0, True)


def test_database_sqlite_default_has_no_pool():
    database = database_settings()

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert "pool" not in database.get("OPTIONS", {})


def test_database_pool_keeps_32_threads_within_the_servers_connections(tmp_path):
    """32 people loading pages at once through one daphne process with 32 threads (each would
    open its own connection without the pool) against a PostgreSQL that allows 8: every page
    answers, and the process never holds more than the pool's 4."""
    from tests.private_postgres import (
        app_database,
        app_server,
        get,
        postgres_cluster,
        signed_in_cookie,
    )

    with postgres_cluster(max_connections=8) as cluster:
        database_url, module_path = app_database(cluster)
        pool = {"DATABASE_POOL_MIN_SIZE": 1, "DATABASE_POOL_MAX_SIZE": 4}
        with app_server(database_url, tmp_path, server="daphne", ASGI_THREADS=32, **pool) as web:
            cookie = signed_in_cookie(web.port)
            with ThreadPoolExecutor(max_workers=32) as people:
                pages = [people.submit(get, web.port, module_path, cookie) for _ in range(32 * 6)]
                peak = 0
                while not all(page.done() for page in pages):
                    peak = max(peak, cluster.connections())
                statuses = [page.result()[0] for page in pages]
            log = web.log()

    assert statuses == [200] * len(pages), log[-3000:]
    assert peak <= 4
    assert "too many clients" not in log


def test_email_settings_file_writes_each_message_into_the_folder():
    assert email_settings("file:///var/tmp/coprod%20mail") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": "/var/tmp/coprod mail",
    }


def _render_limits_in_a_fresh_process(**env):
    """The pack task's hard time limit, Celery's and the broker's visibility timeout, as a
    process started with ``env`` reads them from the settings."""
    script = (
        "import django, json; django.setup()\n"
        "from coprod.celery import app\n"
        "from workshops.tasks import pack_render_task\n"
        "print(json.dumps([pack_render_task.time_limit, app.conf.task_time_limit,"
        " app.conf.broker_transport_options['visibility_timeout']]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "coprod.settings.base", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("render_limit", [None, "5000"])
def test_broker_visibility_timeout_stays_above_the_render_time_limit(render_limit):
    """Redis hands an unacknowledged message to another worker after the visibility timeout: a
    render still running must never be handed over, however long renders may take."""
    env = {"PACK_RENDER_TIME_LIMIT": render_limit} if render_limit else {}

    pack_limit, task_limit, visibility_timeout = _render_limits_in_a_fresh_process(**env)

    assert pack_limit > int(render_limit or 180)
    assert visibility_timeout > pack_limit
    assert visibility_timeout > task_limit


def test_beat_sweeps_lost_packs_within_a_minute_of_their_heartbeat_stopping(settings):
    from coprod.celery import app

    (sweep,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "workshops.tasks.pack_sweep"
    ]

    assert "workshops.tasks.pack_sweep" in app.tasks
    assert settings.PACK_HEARTBEAT_TIMEOUT + sweep["schedule"] <= 60
