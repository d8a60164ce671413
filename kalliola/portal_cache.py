"""The portal's start page and lists, kept rendered per worker until what they show changes.

A support worker opens the start page and the lists many times between two changes; building
them costs several queries and a loop of cards each time. The data part of each page (not the
menu, the messages or a form with its CSRF token) is cached as HTML under a key of

    the page · the signed-in user · the language · today's date · the page's own variant

so a fragment is only ever served to the user it was built for (their own relationships and
cases, or a coordinator's all), in the language it was built in, and texts that follow the date
("overdue", "coming up", follow-ups due) are rebuilt on the next day.

Every cached fragment carries the portal version it was built from. Any save or delete of a
model these pages show (PORTAL_MODELS, and the users and their groups, which decide names and
what a user may see) bumps the version: the next request of every user rebuilds. Bulk updates
send no signal; the services that update shown fields in bulk (approving a month's stays,
anonymising) call `portal_data_changed()` themselves. A fragment that shows something that is
only true until a moment (a meeting that is "next" until it starts) is kept at most until then;
nothing is kept longer than PORTAL.timeout, a safety net for a change missed anyway. A
new process (a deploy, with perhaps new templates or queries) bumps the version on its first
page, so nothing rendered by older code is served.
"""

import datetime
import re
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from kalliola.access import is_sign_in_save
from kalliola.versioned_cache import VersionedCache

# Nothing is kept longer than this: a safety net for a change missed anyway.
PORTAL = VersionedCache("portal", timeout=300)

# Every model whose rows the cached portal pages show (besides the user model and groups).
# tests/kalliola/test_portal_cache.py checks that the pages read no other table.
PORTAL_MODELS = (
    "families.SupportRelationship",
    "families.Stay",
    "families.Child",
    "families.SupportFamily",
    "meetings.SupportCase",
    "meetings.Meeting",
    "meetings.ContactAdult",
    "meetings.FollowUp",
    "meetings.MeetingRequest",
    "auth.Group",
)

# A page number or a filter as it may come in a query string; anything else is not cached.
_VARIANT = re.compile(r"[a-z_]{0,20}:([1-9][0-9]{0,5})?")


# True until this process first uses the cache: then it forgets what older processes rendered.
_new_process = True


def portal_data_changed() -> None:
    """Forget every cached portal fragment now and again once the change is committed."""
    PORTAL.changed()


def cached_fragment(
    request,
    page: str,
    variant: str,
    build: Callable[[], tuple[str, datetime.datetime | None]],
) -> SafeString:
    """The HTML `build()` renders for this user, page and variant, from the cache if it is there.

    `build` returns the HTML and the moment until which it holds (None: until a change). A
    variant other than a filter and a plain page number (`"open:2"`, `"all:"`, `":"`) is built
    each time and not kept, so odd query strings cannot fill the cache.
    """
    if not _VARIANT.fullmatch(variant):
        return mark_safe(build()[0])
    key = ":".join(
        (
            "portal",
            page,
            str(request.user.pk),
            translation.get_language() or "",
            timezone.localdate().isoformat(),
            variant,
        )
    )
    global _new_process
    if _new_process:
        _new_process = False
        PORTAL.bump()
    version, kept = PORTAL.read(key)
    if kept is not None:
        return mark_safe(kept)
    html, holds_until = build()
    timeout = PORTAL.timeout
    if holds_until is not None:
        timeout = min(timeout, int((holds_until - timezone.now()).total_seconds()))
    if timeout > 0:
        PORTAL.keep(key, version, str(html), timeout)
    return mark_safe(html)


def page_variant(number: str | None, filter: str = "") -> str:
    """The variant of a list page for `cached_fragment`: its (already checked) filter and the
    page number as it came in the query string."""
    return f"{filter}:{number or ''}"


def _changed(sender, **kwargs) -> None:
    portal_data_changed()


def _user_saved(sender, update_fields=None, **kwargs) -> None:
    if is_sign_in_save(update_fields):
        return
    portal_data_changed()


def connect() -> None:
    """Connect the receivers (KalliolaConfig.ready)."""
    PORTAL.follow(*(apps.get_model(label) for label in PORTAL_MODELS))
    user = apps.get_model(settings.AUTH_USER_MODEL)
    post_save.connect(_user_saved, sender=user, dispatch_uid="portal-cache-save-user")
    post_delete.connect(_changed, sender=user, dispatch_uid="portal-cache-delete-user")
    m2m_changed.connect(
        _changed, sender=user.groups.through, dispatch_uid="portal-cache-user-groups"
    )
