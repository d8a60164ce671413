"""The production URLs plus a bare Django view returning "ok": the load benchmark's baseline."""

from django.http import HttpResponse
from django.urls import path

from kalliola.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-ok/", ok), *urlpatterns]
