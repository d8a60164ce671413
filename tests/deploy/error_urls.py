"""A view that fails after reading what a person typed (tests/deploy/test_error_reports.py)."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def fails_with_typed_text(request):
    typed = request.POST["note"]
    raise ValueError(f"cannot file the note {typed!r}")


urlpatterns = [path("fails/", fails_with_typed_text)]
