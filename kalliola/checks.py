"""Deployment checks of the project's own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Cached pages, figures and permissions are forgotten through the cache itself: a version
    key that a change bumps. With a per-process memory cache only the process that made the
    change would forget; the other workers would show stale pages until their copies expire."""
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return [
            Warning(
                "The cache is local memory, so each server process keeps its own copies.",
                hint="Set REDIS_URL so that every process shares one cache (README).",
                id="kalliola.W001",
            )
        ]
    return []


# Backends that would print whole mails (names, addresses) into the service's log, write them to
# files on the server, or keep them in memory and send nothing.
UNSENT_MAIL_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
)
DEFAULT_SITE_URL = "http://127.0.0.1:8000"
MIN_SECRET_KEY_LENGTH = 50


@register(Tags.security, deploy=True)
def production_settings(app_configs, **kwargs):
    """Errors, not warnings: each of these makes a production site lose mail, leak it into the
    log, send links nobody can open, or sign sessions with a guessable key."""
    errors = []
    if settings.EMAIL_BACKEND in UNSENT_MAIL_BACKENDS:
        errors.append(
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no mail reaches anyone, and the "
                "console and file backends write whole mails, names and addresses, to the server.",
                hint="Set EMAIL_PROVIDER and its ANYMAIL_… variables, or EMAIL_HOST for SMTP.",
                id="kalliola.E001",
            )
        )
    if settings.SITE_URL == DEFAULT_SITE_URL or not settings.SITE_URL.startswith("https://"):
        errors.append(
            Error(
                f"SITE_URL is {settings.SITE_URL!r}: the links in e-mails and calendar files "
                "must be the public https address.",
                hint="Set SITE_URL, e.g. https://tuki.example.org.",
                id="kalliola.E002",
            )
        )
    if len(settings.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
        errors.append(
            Error(
                f"SECRET_KEY has fewer than {MIN_SECRET_KEY_LENGTH} characters.",
                hint="Generate one: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
                id="kalliola.E003",
            )
        )
    return errors
