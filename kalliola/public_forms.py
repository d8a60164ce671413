"""What every public form shares: a honeypot field, a per-address rate limit, plain messages.

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
from django.core import validators
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import fields as model_fields
from django.forms import fields as form_fields
from django.forms import models as form_models
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


# Django's own error messages ("This field is required.", "Enter a valid email address."): passive,
# hard words and no hint how to fix it. Public forms say their own (PlainErrorsMixin); this set of
# Django's message ids is how the mixin, and the tests, recognise one left over.
def _django_message_ids() -> frozenset[str]:
    ids = set()
    for module in (form_fields, form_models, model_fields):
        for value in vars(module).values():
            if isinstance(value, type):
                for message in getattr(value, "default_error_messages", {}).values():
                    ids.add(message_id(message))
    for value in vars(validators).values():
        if isinstance(value, type) and hasattr(value, "message"):
            ids.add(message_id(value.message))
    return frozenset(ids - {""})


def message_id(message) -> str:
    """The untranslated text of a (lazy) message: its msgid."""
    args = getattr(message, "_args", None)
    return str(args[0]) if args else str(message)


DJANGO_MESSAGE_IDS = _django_message_ids()

TOO_LONG = _(
    "The text is too long: %(show_value)d characters. Make it at most %(limit_value)d characters."
)
TOO_SHORT = _(
    "The text is too short: %(show_value)d characters. Write at least %(limit_value)d characters."
)
CHOOSE_ONE = _("Choose one of the options.")
REMOVE_SPECIAL = _("Remove the special characters from the text.")


def _plain_messages(field: forms.Field) -> dict:
    """Messages a reader can act on, for each kind of field a public form has."""
    widget = field.widget
    if isinstance(field, forms.BooleanField):
        required = _("Tick this box.")
    elif isinstance(widget, forms.CheckboxSelectMultiple):
        required = _("Tick at least one option.")
    elif isinstance(field, forms.ChoiceField):
        required = CHOOSE_ONE
    elif isinstance(field, forms.EmailField):
        required = _("Write your e-mail address here.")
    elif isinstance(field, forms.IntegerField):
        required = _("Write a number here.")
    else:
        required = _("Write your answer here.")
    messages = {
        "required": required,
        "blank": required,
        "null": required,
        "max_length": TOO_LONG,
        "min_length": TOO_SHORT,
        "invalid_choice": CHOOSE_ONE,
        "invalid_list": CHOOSE_ONE,
        "null_characters_not_allowed": REMOVE_SPECIAL,
    }
    if isinstance(field, forms.EmailField):
        messages["invalid"] = _("Check the e-mail address. It looks like this: name@example.fi")
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = _("Write a number, for example 2.")
        messages["max_value"] = _("Write a number that is %(limit_value)s or less.")
        messages["min_value"] = _("Write a number that is %(limit_value)s or more.")
    return messages


class PlainErrorsMixin:
    """Every message of a public form in the form's own plain words, in fi, sv and en.

    A message the form declares itself (a field's `error_messages`, or `required_messages`
    by field name) is kept; every message still in Django's default wording is replaced with one
    that says how to fix it. Put the mixin first in a form's bases.
    """

    required_messages: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            plain = _plain_messages(field)
            if name in self.required_messages:
                plain["required"] = self.required_messages[name]
            messages = dict(field.error_messages)
            for code, message in plain.items():
                current = messages.get(code)
                if current is None or message_id(current) in DJANGO_MESSAGE_IDS:
                    messages[code] = message
            field.error_messages = messages
