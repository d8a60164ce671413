"""Staff sign-in protection: failed-login lock-out (django-axes) without personal data in logs."""

import functools
import hashlib
import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import BadRequest, ImproperlyConfigured
from django.shortcuts import render
from django.utils.cache import patch_cache_control


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lock-out check, first in AUTHENTICATION_BACKENDS.

    Every web login (the portal's and the admin's) passes the request, and a locked-out user name
    from that address is refused before the password is even checked. A login without a request
    (the test client's `login()`, a management command) does not come from the web, so there is
    no address to lock and it goes straight to the password check instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The client's address for django-axes (AXES_CLIENT_IP_CALLABLE), always a valid IP or None.

    X-Forwarded-For is believed only when the connection comes from a trusted proxy
    (TRUSTED_PROXIES, by default the loopback where nginx runs). Then the entries are read from
    the right, each added by the proxy before it, and the first address that is not itself a
    trusted proxy is the client. From anyone else the header is the client's own word, which it
    could change on every try to dodge the lock-out, so the connection's address counts.
    """
    remote = _ip(request.META.get("REMOTE_ADDR", ""))
    if remote is None or not _is_trusted_proxy(remote):
        return str(remote) if remote is not None else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        address = _ip(entry)
        if address is None:
            break  # a hop we cannot read: nothing left of it can be trusted
        if not _is_trusted_proxy(address):
            return str(address)
    return str(remote)


def _ip(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted_proxy(address) -> bool:
    return any(address in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


@functools.cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None


def client_username(request, credentials=None) -> str | None:
    """The user name django-axes keys attempts by (AXES_USERNAME_CALLABLE), cut to fit its column.

    Django's login form does not limit the length of what is typed, and axes stores it in a
    255-character column: a longer name would be a database error instead of a wrong password.
    """
    if credentials:
        value = credentials.get("username")
    else:
        value = getattr(request, "POST", {}).get("username")
    if value is None:
        return None
    return str(value)[:255]


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a client in the logs: a keyed hash, never the name or address.

    The same user name from the same address always gives the same short code, so repeated
    failures can still be followed in the logs.
    """
    digest = hashlib.sha256(
        f"{settings.SECRET_KEY}:{username}:{ip_address}".encode(), usedforsecurity=True
    ).hexdigest()
    return f"client {digest[:12]}"


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out person sees (django-axes' AXES_LOCKOUT_CALLABLE): 429, our look."""
    from axes.helpers import get_failure_limit

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "lockout_minutes": minutes,
    }
    return render(request, "kalliola/locked_out.html", context, status=429)


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


class RejectNulBytesMiddleware:
    """A NUL byte in the path, the query string or a form value is a bad request (400), not a 500.

    PostgreSQL refuses NUL in a text parameter (every filter, token and search would raise), and
    no person types one: refusing it here keeps every view, admin changelist filter and token
    look-up from ever seeing it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if (
            "\x00" in request.path
            or _has_nul(query.keys())
            or _has_nul(v for values in query.lists() for v in values[1])
            or (
                request.method == "POST"
                and (
                    _has_nul(request.POST.keys())
                    or _has_nul(v for values in request.POST.lists() for v in values[1])
                )
            )
        ):
            raise BadRequest("NUL byte in the request")
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Every page answered to a signed-in person is private and never stored by a cache.

    Admin and portal pages show children's and clients' data; a shared computer's browser cache
    or a proxy must not keep them (`Cache-Control: private, no-store`). Public pages for
    anonymous visitors keep their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
