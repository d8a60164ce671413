"""Sliding session expiry without a database write on every request.

`SESSION_SAVE_EVERY_REQUEST` would rewrite (and fsync) the session row on every signed-in
request, which under load costs more than the page itself. This middleware renews a signed-in
session at most once per `SESSION_REFRESH_SECONDS`, so a session still ends after
`SESSION_COOKIE_AGE` seconds without activity, give or take that interval.
"""

import time

from django.conf import settings

REFRESHED_KEY = "_refreshed"


class SlidingSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        # No cookie, no session: anonymous visitors never get one from here.
        if session.session_key is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                # Marks the session modified: SessionMiddleware saves it and renews the cookie.
                session[REFRESHED_KEY] = now
        return self.get_response(request)
