import datetime
import sys

from django.conf import settings
from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from kalliola.forms import AccessibilityFeedbackForm
from kalliola.health import report as health_report
from kalliola.public_forms import rate_limited
from kalliola.services import submit_accessibility_feedback

# When the accessibility statement was last reviewed against the site (change with the text).
STATEMENT_DATE = datetime.date(2026, 12, 3)


def privacy(request):
    return render(request, "kalliola/privacy.html")


@require_http_methods(["GET", "POST"])
@rate_limited("accessibility_feedback")
def accessibility(request):
    """The accessibility statement (Act 306/2019) with its feedback form."""
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        submit_accessibility_feedback(language=(get_language() or "fi")[:2], **form.cleaned_data)
        messages.success(
            request,
            _("Thank you for your feedback. If you gave your e-mail, we answer in 14 days."),
        )
        return redirect("accessibility")
    return render(
        request,
        "kalliola/accessibility.html",
        {"form": form, "statement_date": STATEMENT_DATE},
    )


@never_cache
@require_safe
def health(request):
    """The database and the cache, each on its own (kalliola/health.py); 503 without a database."""
    status, body = health_report()
    return JsonResponse(body, status=status)


def _error_page(request, template: str, status: int):
    """An error page in the page's language, also when the error was raised before
    LocaleMiddleware chose it (a NUL byte, a bad host): then from the address's /sv/ or /en/,
    the default language otherwise, never whatever an earlier request left active."""
    if hasattr(request, "LANGUAGE_CODE"):
        return render(request, template, status=status)
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        return render(request, template, status=status)


def error_400(request, exception=None):
    return _error_page(request, "400.html", 400)


def error_403(request, exception=None):
    return _error_page(request, "403.html", 403)


def error_404(request, exception=None):
    return _error_page(request, "404.html", 404)


# What a database that is down, restarting or unreachable raises (psycopg2 and sqlite3 alike).
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)
# Seconds a client is asked to wait: a database restart takes a few.
RETRY_AFTER_SECONDS = 10


def error_500(request):
    # Django calls this inside the `except` of the failed request: the error is at hand.
    if isinstance(sys.exc_info()[1], DATABASE_DOWN_ERRORS):
        return database_unavailable(request)
    return _error_page(request, "500.html", 500)


def database_unavailable(request):
    """503 with Retry-After: briefly unavailable, and (for a form) that nothing was saved.

    The page needs no database: it reads no user, session or message. The connection that
    failed is closed when the request ends, so the first request after the database is back
    gets a new one and works (no restart of the servers).
    """
    context = {
        "form_was_sent": request.method not in ("GET", "HEAD", "OPTIONS"),
        "back_url": request.path,
    }
    # The error may come before LocaleMiddleware has run (a signed-in session is read first):
    # the page's language is the one its address names.
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        response = render(request, "503.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
