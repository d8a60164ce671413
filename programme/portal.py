"""The support workers' portal (/tyo/): login and the start page.

The sections for relationships and for support-meeting cases belong to the families and meetings
apps; each gives the start page a summary scoped to the signed-in worker.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from families import portal as families_portal
from kalliola.forms import StaffLoginForm
from meetings import portal as meetings_portal


@login_required
def portal_home(request):
    context = {}
    context.update(families_portal.overview(request.user))
    context.update(meetings_portal.overview(request.user))
    return render(request, "programme/portal_home.html", context)


app_name = "portal"
urlpatterns = [
    path(
        "kirjaudu/",
        auth_views.LoginView.as_view(
            template_name="kalliola/login.html",
            redirect_authenticated_user=True,
            authentication_form=StaffLoginForm,
        ),
        name="login",
    ),
    path("kirjaudu-ulos/", auth_views.LogoutView.as_view(), name="logout"),
    path("", portal_home, name="home"),
]
