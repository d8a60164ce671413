"""This app's pages in the support workers' portal (/tyo/)."""

from django.urls import path

from families import portal_views

app_name = "families_portal"
urlpatterns = [
    path("suhteet/", portal_views.relationship_list, name="relationships"),
    path("suhteet/<int:pk>/", portal_views.relationship_detail, name="relationship"),
    path("suhteet/<int:pk>/kaynnit/", portal_views.relationship_stays, name="stays"),
    path("suhteet/<int:pk>/kaynti/", portal_views.log_stay, name="log_stay"),
    path(
        "suhteet/<int:pk>/kaynti/<int:stay_pk>/",
        portal_views.edit_stay,
        name="edit_stay",
    ),
    path("suhteet/<int:pk>/yhteydenpito/", portal_views.log_contact, name="log_contact"),
    path("suhteet/<int:pk>/tauot/", portal_views.periods, name="periods"),
    path(
        "suhteet/<int:pk>/tauot/<int:period_pk>/",
        portal_views.edit_period,
        name="edit_period",
    ),
    path("suhteet/<int:pk>/kuulumiset/", portal_views.check_in, name="check_in"),
]
