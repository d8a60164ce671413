"""Values cached under a version key that every change to what they show bumps.

A reader builds the value under the version it read first, so a value computed from rows that
change meanwhile is stored under a version nobody asks for any more: a change is never hidden by
a slow reader. The timeout is only a backstop for writes that send no signal (`QuerySet.update()`,
`bulk_create`) and for values that move on with the clock.
"""

import secrets
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _new_version() -> str:
    return f"{time.time_ns()}-{secrets.token_hex(4)}"


class _AfterCommitBumps:
    """The on-commit callback that bumps every cache changed in a transaction, in one `set_many`."""

    def __init__(self, caches):
        self.caches: dict[str, VersionedCache] = {}
        self.add(caches)

    def add(self, caches) -> None:
        self.caches.update((c.version_key, c) for c in caches)

    def __call__(self) -> None:
        _bump_all(self.caches.values())


def _bump_all(caches) -> None:
    cache.set_many({c.version_key: _new_version() for c in caches}, None)


def _bump_after_commit(caches) -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # Join the transaction's pending callback. One registered inside a savepoint that rolls
        # back is dropped with it, and a later change then registers a new one; a cache added
        # from inside a savepoint that rolls back is bumped anyway, which is only wasteful.
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _AfterCommitBumps):
                callback.add(caches)
                return
    transaction.on_commit(_AfterCommitBumps(caches))  # outside a transaction: at once


def changed(*caches: "VersionedCache") -> None:
    """Forget these caches' values now and again once the change is committed.

    See `VersionedCache.changed`; both bumps of all the caches go out in one round trip each.
    """
    if caches:
        _bump_all(caches)
        _bump_after_commit(caches)


# The caches that follow each model: one receiver per model forgets them all together.
_FOLLOWERS: dict[type, list["VersionedCache"]] = {}


def _row_changed(sender, raw=False, **kwargs) -> None:
    # Loading fixtures (`raw`) is not a change of what anyone was shown.
    if not raw:
        changed(*_FOLLOWERS.get(sender, ()))


def rows_changed(model) -> None:
    """Forget the caches that follow `model` after a bulk write of its rows, which sends no
    signal (`bulk_create`, `QuerySet.update()`, a delete with signals disabled)."""
    changed(*_FOLLOWERS.get(model, ()))


class VersionedCache:
    def __init__(self, prefix: str, timeout: int):
        self.prefix = prefix
        self.timeout = timeout
        self.version_key = f"{prefix}:version"

    def version(self) -> str:
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, _new_version(), None)
            version = cache.get(self.version_key) or _new_version()
        return version

    def bump(self) -> None:
        cache.set(self.version_key, _new_version(), None)

    def changed(self) -> None:
        """Forget the cached values now and again once the change is committed.

        Bumping now serves the rest of this transaction fresh values; bumping after commit drops
        anything another request cached from the old rows in between. The after-commit bumps of
        one transaction go out together, once per cache, in one round trip.
        """
        changed(self)

    def read(self, key: str) -> tuple[str, Any]:
        """The current version, and what `keep()` stored under `key` for it (None if nothing).

        Both come in one round trip: the hot path of a page kept whole or in part. Build what
        was missing after this read and keep it under the version read here, so a change made
        meanwhile leaves it under a version nobody asks for.
        """
        found = cache.get_many([self.version_key, key])
        version, kept = found.get(self.version_key), found.get(key)
        if version is None:
            return self.version(), None
        return version, kept[1] if kept is not None and kept[0] == version else None

    def keep(self, key: str, version: str, value: Any, timeout: int | None = None) -> None:
        """Store `value` under `key` as built from `version` (from `read()`)."""
        cache.set(key, (version, value), self.timeout if timeout is None else timeout)

    def follow(self, *models) -> None:
        """Forget the values whenever a row of these models is saved or deleted.

        Receivers rather than calls in each service: models change from services, admin forms,
        inlines, actions and the portal alike, and a receiver catches every save and delete.
        One receiver per model serves every cache that follows it.
        """
        for model in models:
            followers = _FOLLOWERS.setdefault(model, [])
            if self not in followers:
                followers.append(self)
            label = f"versioned-cache:{model._meta.label}"
            post_save.connect(_row_changed, sender=model, dispatch_uid=f"{label}:save")
            post_delete.connect(_row_changed, sender=model, dispatch_uid=f"{label}:delete")

    def key(self, name: str, version: str | None = None) -> str:
        """The cache key of `name` under the current version (or one the caller has read)."""
        return f"{self.prefix}:{version or self.version()}:{name}"

    def get_or_build(self, name: str, build: Callable[[], Any]) -> Any:
        """The value `build()` returns, cached under the current version."""
        return self.fetch(self.key(name), build)

    def fetch(self, key: str, build: Callable[[], Any]) -> Any:
        """The value cached under `key` (from `key()`), built and stored if there is none."""
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, self.timeout)
        return value
