"""Public pages that show more than one app: the home page and the thanks after an application."""

from django.shortcuts import render

from kalliola.pagecache import cache_public_page
from trainings import services as trainings_services


@cache_public_page(trainings_services.LISTINGS)
def home(request):
    """The programme in our own words, with the next info sessions and training groups."""
    return render(request, "programme/home.html", trainings_services.cached_home_listing())


def application_sent(request):
    """Thanks for the support-family application, and the next step: the next info sessions."""
    return render(request, "families/apply_done.html", trainings_services.home_listing())
