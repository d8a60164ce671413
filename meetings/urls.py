"""Public pages of the meetings app (mounted under the language prefix)."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "meetings"
_placeholder = TemplateView.as_view(template_name="kalliola/coming_soon.html")
urlpatterns = [
    path("tukitapaamiset/", _placeholder, name="request"),
]
