"""Public pages of the families app (mounted under the language prefix)."""

from django.urls import path

from families import views

app_name = "families"
urlpatterns = [
    path("tukiperhetoiminta/", views.about, name="about"),
    path("tukiperheeksi/", views.apply, name="apply"),
    path("vuosikooste/<str:token>/", views.statement, name="statement"),
    path("vuosikooste/<str:token>/csv/", views.statement_csv_file, name="statement_csv"),
]
