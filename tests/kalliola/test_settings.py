import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kalliola.env import envbool, envint, envlist

ROOT = Path(__file__).resolve().parents[2]


def load_settings(monkeypatch, **env):
    for name in (
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "EMAIL_PROVIDER",
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "ADMINS",
        "SITE_URL",
        "DEFAULT_FROM_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import kalliola.settings as module

    return importlib.reload(module)


@pytest.fixture(autouse=True)
def _restore_settings_module(monkeypatch):
    yield
    monkeypatch.undo()
    import kalliola.settings as module

    importlib.reload(module)


def test_envbool_reads_common_words(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert envbool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "off")
    assert envbool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert envbool("FLAG", True) is True


def test_envbool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ValueError, match="FLAG"):
        envbool("FLAG", False)


def test_envint_and_envlist(monkeypatch):
    monkeypatch.setenv("NUMBER", "42")
    monkeypatch.setenv("HOSTS", " a.example.org, ,b.example.org ")
    assert envint("NUMBER", 1) == 42
    assert envint("MISSING_NUMBER", 7) == 7
    assert envlist("HOSTS", []) == ["a.example.org", "b.example.org"]
    monkeypatch.setenv("NUMBER", "forty")
    with pytest.raises(ValueError, match="NUMBER"):
        envint("NUMBER", 1)


def test_defaults_are_a_local_sqlite_demo(monkeypatch):
    s = load_settings(monkeypatch)
    assert s.DEBUG is True
    assert s.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert str(s.DATABASES["default"]["NAME"]).endswith("db.sqlite3")
    assert s.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    assert s.TIME_ZONE == "Europe/Helsinki"
    assert s.LANGUAGE_CODE == "fi"
    assert [code for code, _name in s.LANGUAGES] == ["fi", "sv", "en"]


def test_database_url_selects_postgresql(monkeypatch):
    s = load_settings(monkeypatch, DATABASE_URL="postgres://kalliola:pw@db.internal:5433/tuki")
    db = s.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "db.internal",
        5433,
        "tuki",
        "kalliola",
    )


def test_email_provider_selects_anymail_backend(monkeypatch):
    s = load_settings(monkeypatch, EMAIL_PROVIDER="mailgun", DEFAULT_FROM_EMAIL="tuki@example.org")
    assert s.EMAIL_BACKEND == "anymail.backends.mailgun.EmailBackend"
    assert s.DEFAULT_FROM_EMAIL == "tuki@example.org"


def test_production_needs_a_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, DEBUG="false")


def test_production_mode_turns_on_hardening(monkeypatch):
    s = load_settings(
        monkeypatch,
        DEBUG="false",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="tuki.example.org",
        CSRF_TRUSTED_ORIGINS="https://tuki.example.org",
    )
    assert s.ALLOWED_HOSTS == ["tuki.example.org"]
    assert s.CSRF_TRUSTED_ORIGINS == ["https://tuki.example.org"]
    assert s.SECURE_SSL_REDIRECT and s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE
    assert s.SECURE_HSTS_SECONDS >= 31536000
    assert s.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise.")


def _check_deploy(**environment) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "k8s2-very-long-random-production-secret-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "tuki.example.org",
        "SITE_URL": "https://tuki.example.org",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = _check_deploy(REDIS_URL="redis://127.0.0.1:6379/13")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_a_shared_cache():
    # Version bumps would reach only the process that made the change.
    result = _check_deploy(REDIS_URL="")
    assert result.returncode != 0
    assert "kalliola.W001" in result.stdout + result.stderr
