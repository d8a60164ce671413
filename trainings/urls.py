"""Public pages of the trainings app (mounted under the language prefix)."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "trainings"
_placeholder = TemplateView.as_view(template_name="kalliola/coming_soon.html")
urlpatterns = [
    path("infotilaisuudet/", _placeholder, name="info_session_list"),
    path("valmennus/", _placeholder, name="group_list"),
]
