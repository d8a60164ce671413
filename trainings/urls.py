"""Public pages of the trainings app (mounted under the language prefix)."""

from django.urls import path

from trainings import views

app_name = "trainings"
urlpatterns = [
    path("infotilaisuudet/", views.info_session_list, name="info_session_list"),
    path("infotilaisuudet/<int:pk>/", views.info_session_detail, name="info_session_detail"),
    path(
        "infotilaisuudet/<int:pk>/kiitos/",
        views.info_session_detail,
        {"signed_up": True},
        name="info_session_thanks",
    ),
    path("infotilaisuudet/<int:pk>/kalenteri.ics", views.info_session_ics, name="info_session_ics"),
    path("valmennus/", views.group_list, name="group_list"),
    path("valmennus/<int:pk>/", views.group_detail, name="group_detail"),
    path(
        "valmennus/<int:pk>/kiitos/", views.group_detail, {"signed_up": True}, name="group_thanks"
    ),
    path("valmennus/<int:pk>/kalenteri.ics", views.group_ics, name="group_ics"),
    path("peru-ilmoittautuminen/<str:token>/", views.cancel_signup, name="cancel_signup"),
    path("tapahtumat/vastaa/<str:token>/", views.event_reply, name="event_reply"),
]
