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


def _new_version() -> str:
    return f"{time.time_ns()}-{secrets.token_hex(4)}"


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
        anything another request cached from the old rows in between.
        """
        self.bump()
        transaction.on_commit(self.bump)

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
