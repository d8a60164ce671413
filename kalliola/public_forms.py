"""Protection shared by every public form: a honeypot field and a per-address rate limit.

The rate limit is a few lines over Django's cache rather than django-ratelimit, because that
library refuses both the local-memory cache of the zero-setup demo and Django's own Redis
backend. In production set REDIS_URL so every worker counts in one place.
"""

import functools
import hashlib

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kalliola.security import client_ip

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
    # The minute starts at an address's first submission (the counter expires 60 s after it;
    # incrementing keeps that expiry), so the limit never resets halfway through a burst the way
    # a clock-aligned window would.
    # The address is hashed: cache keys may end up in monitoring tools.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return count > per_minute


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
