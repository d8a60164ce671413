"""The support workers' portal (/tyo/): login and the start page.

The sections for relationships and for support-meeting cases belong to the families and meetings
apps; each gives the start page a summary scoped to the signed-in worker.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path

from families import portal as families_portal
from kalliola.portal_cache import cached_fragment
from meetings import portal as meetings_portal


@login_required
def portal_home(request):
    content = cached_fragment(request, "home", ":", lambda: _overviews(request))
    return render(request, "programme/portal_home.html", {"content": content})


def _overviews(request):
    """The HTML of both apps' summaries and until when it holds (the next meeting's start)."""
    context = {}
    context.update(families_portal.overview(request.user))
    context.update(meetings_portal.overview(request.user))
    next_meetings = context.get("meetings_overview", {}).get("next_meetings")
    # No request: the cached part needs no context processor (and must hold no CSRF token).
    html = render_to_string("programme/_portal_overviews.html", context)
    return html, next_meetings[0]["starts_at"] if next_meetings else None


app_name = "portal"
urlpatterns = [
    path(
        "kirjaudu/",
        auth_views.LoginView.as_view(
            template_name="kalliola/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("kirjaudu-ulos/", auth_views.LogoutView.as_view(), name="logout"),
    path("", portal_home, name="home"),
]
