import datetime

from django.contrib import messages
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kalliola.forms import AccessibilityFeedbackForm
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
@require_GET
def health(request):
    """200 when the database answers a query, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
