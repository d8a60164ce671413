"""The load balancer's probe: /health/ answered before the host check and the https redirect.

A load balancer asks each server directly, over plain http, with the server's own address as
Host: the host check (ALLOWED_HOSTS) would answer 400 and the https redirect 301 to it. The health
answer names no host and carries no personal data, so this middleware, first in MIDDLEWARE,
hands exactly that path to its view; every other path keeps both checks.
"""

from django.urls import resolve

HEALTH_PATH = "/health/"


class HealthProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            match = resolve(HEALTH_PATH)
            return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)
