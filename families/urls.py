"""Public pages of the families app (mounted under the language prefix)."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "families"
_placeholder = TemplateView.as_view(template_name="kalliola/coming_soon.html")
urlpatterns = [
    path("tukiperheeksi/", _placeholder, name="apply"),
]
