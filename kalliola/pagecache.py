"""Whole-page cache for anonymous visitors of the public lists.

The home page and the public lists are the same for every anonymous visitor in a language (they
carry no CSRF token: the language switcher is links), so the rendered response is kept in the
cache under a version that changes whenever their data does (see
trainings.services.listings) and served from there. Anyone with a session (staff) or a pending
message, and any address with a query string, gets the page rendered as usual. Pages with a
form are never wrapped: their places left are counted fresh on every request. Copies also
expire after the data's timeout, so pages listing "upcoming" items move on with the clock.

Every public page's footer shows the coordinator's contact (kalliola/site_content.py), so each
cache a page is kept under also follows the site content: a coordinator's edit shows at once.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from kalliola.site_content import SITE_CONTENT_MODELS
from kalliola.versioned_cache import VersionedCache

MESSAGES_COOKIE = "messages"


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


def cache_public_page(data: VersionedCache):
    """Serve the view's page from the cache for anonymous visitors.

    `data` is the versioned cache of what the page shows: a copy is served only under the
    version current now, read in the same round trip as the page.
    """
    data.follow(*SITE_CONTENT_MODELS)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = f"{data.prefix}:page:{get_language()}:{request.path}"
            version, cached = data.read(key)
            if cached is not None:
                content, content_type = cached
                response = HttpResponse(content, content_type=content_type)
            else:
                response = view(request, *args, **kwargs)
                if _cacheable_response(request, response):
                    data.keep(key, version, (response.content, response["Content-Type"]))
            # Signed-in people get the page rendered for them; shared caches must know.
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator
