"""Public pages of the meetings app (mounted under the language prefix)."""

from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("tukitapaamiset/", views.request_page, name="request"),
    path("tukitapaamiset/kiitos/", views.request_sent, name="request_sent"),
]
