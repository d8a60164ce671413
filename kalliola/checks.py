"""Deployment checks of the project's own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
