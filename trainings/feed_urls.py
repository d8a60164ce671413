"""Calendar feeds, outside the language prefix so their addresses never change."""

from django.urls import path

from trainings import views

urlpatterns = [
    path("kalenteri.ics", views.feed, name="calendar_feed"),
]
