"""Whole-page cache for anonymous visitors of the public lists.

The home page and the public lists are the same for every anonymous visitor in a language (they
carry no CSRF token: the language switcher is links), so the rendered response is kept in the
cache under a version that changes whenever their data does (see
trainings.services.listings) and served from there. Anyone with a session (staff) or a pending
message, and any address with a query string, gets the page rendered as usual. Pages with a
form are never wrapped: their places left are counted fresh on every request.
"""

import secrets
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# Cached copies also expire on their own, so pages that show "upcoming" items move on with the
# clock even when nothing changes.
PAGE_TIMEOUT = 60
MESSAGES_COOKIE = "messages"


def new_version() -> str:
    return f"{time.time_ns()}-{secrets.token_hex(4)}"


def current_version(version_key: str) -> str:
    """The version stored under `version_key`, made (once, whoever comes first) when missing."""
    version = cache.get(version_key)
    if version is None:
        cache.add(version_key, new_version(), None)
        version = cache.get(version_key) or new_version()
    return version


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        # The page used a CSRF token: it belongs to this visitor.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


def cache_public_page(version_key: str):
    """Serve the view's page from the cache for anonymous visitors.

    `version_key` is the cache key holding the current version of the page's data (see
    `current_version`). The page and the version are read in one round trip; a copy made under
    another version is not served.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = f"page:{get_language()}:{request.path}"
            found = cache.get_many([version_key, key])
            current, cached = found.get(version_key), found.get(key)
            if current is not None and cached is not None and cached[0] == current:
                response = HttpResponse(cached[1], content_type=cached[2])
            else:
                current = current_version(version_key)
                response = view(request, *args, **kwargs)
                if _cacheable_response(request, response):
                    copy = (current, response.content, response["Content-Type"])
                    cache.set(key, copy, PAGE_TIMEOUT)
            # Signed-in people get the page rendered for them; shared caches must know.
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator
