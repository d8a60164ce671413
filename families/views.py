"""Public pages of the families app."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods

from families.forms import SupportFamilyApplicationForm
from families.models import SupportFamily
from families.services import submit_application
from families.services.statement_links import LinkExpired, family_for_token
from families.services.statements import statement_csv, yearly_statement
from kalliola.audit import record_view
from kalliola.pagecache import cache_public_page
from kalliola.public_forms import rate_limited
from kalliola.reports.export import CSV_TYPE, download
from kalliola.site_content import CONTENT


@require_http_methods(["GET", "POST"])
@rate_limited("family-application")
def apply(request):
    """The application to become a support family; the answer never says whether the address is
    known (`submit_application` keeps a known address's application apart)."""
    if request.method == "POST":
        form = SupportFamilyApplicationForm(request.POST)
        if form.is_valid():
            submit_application(email=form.cleaned_data["email"], data=form.application_data())
            return redirect("application_sent")
    else:
        language = (get_language() or "fi")[:2]
        form = SupportFamilyApplicationForm(initial={"contact_language": language})
    return render(request, "families/apply.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
@cache_public_page(CONTENT)
def about(request):
    """Support families in our own words: the children, what we expect, what we offer, questions
    and answers, and whom to ask (the texts coordinators edit, kalliola/site_content.py)."""
    return render(request, "families/about.html")


# A signed token is some 40 characters; anything much longer is not one of ours.
TOKEN_MAX_LENGTH = 120


def _private(response):
    """A statement page or file: never stored by a browser or proxy, never indexed."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _statement_for(request, token):
    """The statement a link opens, or the plain page saying why not (404 for a link that is
    not ours or not for a household we hold, 410 for an expired one): never any figures."""
    try:
        if len(token) > TOKEN_MAX_LENGTH:
            raise SupportFamily.DoesNotExist
        family, year = family_for_token(token)
    except LinkExpired:
        message = gettext("This link has expired.")
        status = 410
    except SupportFamily.DoesNotExist:
        message = gettext("This link does not open a statement.")
        status = 404
    else:
        # The family opened its own figures: an access entry, as a coordinator's view writes.
        record_view(request, family)
        return yearly_statement(family, year), None
    page = render(request, "families/statement_link.html", {"message": message}, status=status)
    return None, _private(page)


@require_http_methods(["GET", "HEAD"])
def statement(request, token):
    """A support family's yearly statement, opened from the link of its e-mail."""
    found, refused = _statement_for(request, token)
    if refused is not None:
        return refused
    context = {
        "statement": found,
        "csv_url": reverse("families:statement_csv", args=[token]),
        "printed_at": timezone.now(),
    }
    return _private(render(request, "families/statement.html", context))


@require_http_methods(["GET", "HEAD"])
def statement_csv_file(request, token):
    found, refused = _statement_for(request, token)
    if refused is not None:
        return refused
    filename = f"statement-{found.year}.csv"
    return _private(download(statement_csv(found), CSV_TYPE, filename))
