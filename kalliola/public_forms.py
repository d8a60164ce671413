"""Protection shared by every public form: a honeypot field and a per-address rate limit.

The rate limit is a few lines over Django's cache rather than django-ratelimit, because that
library refuses both the local-memory cache of the zero-setup demo and Django's own Redis
backend. In production set REDIS_URL so every worker counts in one place. While the shared cache
does not answer, each process counts on its own (a per-process memory cache), so the limit still
holds, per server process; the first fallback is logged once per process.
"""

import functools
import hashlib
import logging

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kalliola.cache import CacheUnavailable
from kalliola.security import client_ip

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"


class HoneypotFormMixin:
    """Refuses a form whose hidden honeypot field was filled in (people never see it).

    Render it in the template with `{% include "includes/honeypot.html" %}` inside the <form>.
    """

    honeypot_error = _("The form could not be sent. Please try again.")

    def clean(self):
        cleaned = super().clean()
        if (self.data.get(HONEYPOT_FIELD) or "").strip():
            raise forms.ValidationError(self.honeypot_error, code="honeypot")
        return cleaned


def _over_limit(scope: str, address: str, per_minute: int) -> bool:
    global _fallback_logged
    # The minute starts at an address's first submission (the counter expires 60 s after it;
    # incrementing keeps that expiry), so the limit never resets halfway through a burst the way
    # a clock-aligned window would.
    # The address is hashed: cache keys may end up in monitoring tools.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}"
    try:
        count = _count(cache, key)
        _fallback_logged = False  # the next outage is logged again
    except CacheUnavailable:
        if not _fallback_logged:
            _fallback_logged = True
            logger.warning("Public-form rate limit counts per process: the shared cache is down")
        count = _count(_process_counts, key)
    return count > per_minute


# Where addresses are counted while the shared cache does not answer.
_process_counts = LocMemCache("kalliola-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})
_fallback_logged = False


def _count(store, key: str) -> int:
    store.add(key, 0, timeout=60)
    try:
        return store.incr(key)
    except CacheUnavailable:
        raise
    except ValueError:  # expired between add and incr
        store.set(key, 1, timeout=60)
        return 1


def rate_limited(scope: str, per_minute: int | None = None):
    """Answer 429 to the (per_minute + 1)th POST from one address within a minute."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            limit = per_minute or settings.PUBLIC_FORM_RATE_PER_MINUTE
            if request.method == "POST" and _over_limit(scope, client_ip(request) or "", limit):
                return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
