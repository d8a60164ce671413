"""The production URLs plus two bare Django views: the load benchmark's baselines.

`/bench-ok/` returns "ok". `/bench-write/` is the least a form that saves can do: a POST through
the same middleware (CSRF check included) that inserts one row in a transaction and redirects,
so a sign-up's throughput can be set beside what any write costs on the same server.
"""

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path
from django.views.decorators.http import require_POST

from programme.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401

# Created by bench/load.py before the server starts; production never has it.
WRITE_TABLE = "bench_write"


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def write(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {WRITE_TABLE} (written_at) VALUES (now())")
    return HttpResponseRedirect("/bench-ok/")


urlpatterns = [path("bench-ok/", ok), path("bench-write/", write), *urlpatterns]
