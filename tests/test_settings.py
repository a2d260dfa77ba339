"""Settings: production refuses to start unsafely, EMAIL_URL becomes Django email settings, and
production's static file storage leaves the pack stylesheet's own URLs alone."""

import json
import os
import secrets
import subprocess
import sys
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
