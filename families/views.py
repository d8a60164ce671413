"""Public pages of the families app."""

from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from families.forms import SupportFamilyApplicationForm
from families.services import submit_application
from kalliola.pagecache import cache_public_page
from kalliola.public_forms import rate_limited
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
