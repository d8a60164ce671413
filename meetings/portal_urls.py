"""This app's pages in the support workers' portal (/tyo/)."""

from django.urls import path

from meetings import portal_views as views

app_name = "meetings_portal"
urlpatterns = [
    path("asiakkuudet/", views.case_list, name="cases"),
    path("asiakkuudet/<int:pk>/", views.case_detail, name="case"),
    path("asiakkuudet/<int:pk>/tapaaminen/", views.meeting_add, name="meeting_add"),
    path(
        "asiakkuudet/<int:pk>/tapaaminen/<int:number>/",
        views.meeting_edit,
        name="meeting_edit",
    ),
    path("asiakkuudet/<int:pk>/teemat/", views.case_details, name="case_details"),
    path("asiakkuudet/<int:pk>/arvio/", views.assessment, name="assessment"),
    path("asiakkuudet/<int:pk>/suunnitelma/", views.plan, name="plan"),
    path("asiakkuudet/<int:pk>/sulje/", views.close, name="close"),
    path("asiakkuudet/<int:pk>/seuranta/", views.follow_up, name="follow_up"),
    path("kalenteri/", views.calendar_settings, name="calendar"),
    path("kalenteri/uusi-osoite/", views.calendar_reset, name="calendar_reset"),
    path("kalenteri/<str:token>.ics", views.feed, name="feed"),
]
