"""Cached public listings are forgotten whenever what they show changes.

Receivers rather than calls in each service: the lists depend on five models that change from
services, admin forms, inlines and actions alike, and one receiver per model catches every save
and delete, so no path can forget to invalidate. (Bulk `.update()` sends no signal: the one such
call, completing enrollments, calls `listings_changed()` itself.)
"""

from trainings.models import Enrollment, InfoSession, Registration, TrainingGroup, TrainingSession
from trainings.services.listings import LISTINGS

LISTED_MODELS = (InfoSession, TrainingGroup, TrainingSession, Registration, Enrollment)

LISTINGS.follow(*LISTED_MODELS)
