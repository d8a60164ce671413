"""Cached public listings are forgotten whenever what they show changes.

Receivers rather than calls in each service: the lists depend on five models that change from
services, admin forms, inlines and actions alike, and one receiver per model catches every save
and delete, so no path can forget to invalidate. (Bulk `.update()` sends no signal: the one such
call, completing enrollments, calls `listings_changed()` itself.)
"""

from django.db.models.signals import post_delete, post_save

from trainings.models import Enrollment, InfoSession, Registration, TrainingGroup, TrainingSession
from trainings.services.listings import listings_changed

LISTED_MODELS = (InfoSession, TrainingGroup, TrainingSession, Registration, Enrollment)


def forget_cached_listings(sender, **kwargs):
    if not kwargs.get("raw"):
        listings_changed()


for _model in LISTED_MODELS:
    post_save.connect(forget_cached_listings, sender=_model, dispatch_uid=f"listings-{_model}")
    post_delete.connect(forget_cached_listings, sender=_model, dispatch_uid=f"listings-d-{_model}")
