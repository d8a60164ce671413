"""Cached figures are forgotten whenever what they were computed from changes.

Three caches, each under a version key (kalliola/versioned_cache.py), none holding a person's
data: the dashboard's counts (programme/dashboard.py), who may do what (kalliola/access.py:
roles, permissions and the admin's per-user list of apps), and the filter choices of the big
admin lists (kalliola/admin_lists.py: households per status, municipalities).

Receivers rather than calls in each service, as in trainings/signals.py: these models change from
services, admin forms, inlines, actions and the portal alike, and one receiver per model catches
every save and delete. Writes that send no signal (`QuerySet.update()`, `bulk_update`) either
happen in a transaction that also saves one of these models (approving a payment month creates
the PaymentMonth; its on-commit bump follows the stays' update) or change no count (erasure and
retention anonymise values and keep every row and status); each cache's 60-second timeout is
the backstop.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

from families.models import (
    CheckIn,
    Child,
    PaymentMonth,
    ReadinessCheck,
    ReadinessItem,
    Stay,
    SupportFamily,
    SupportRelationship,
)
from kalliola.access import access_changed, is_sign_in_save
from kalliola.admin_lists import LIST_FIGURES
from kalliola.models import AccessibilityFeedback
from meetings.models import FollowUp, MeetingRequest, SupportCase
from programme import dashboard
from trainings.models import Enrollment, InfoSession, Registration, TrainingGroup, TrainingSession

DASHBOARD_MODELS = (
    SupportFamily,
    Child,
    SupportRelationship,
    Stay,
    CheckIn,
    PaymentMonth,
    ReadinessCheck,
    ReadinessItem,
    MeetingRequest,
    FollowUp,
    InfoSession,
    Registration,
    TrainingGroup,
    TrainingSession,
    Enrollment,
    AccessibilityFeedback,
)


dashboard.CACHE.follow(*DASHBOARD_MODELS)


# Who may do what (kalliola/access.py: roles, permissions and the admin's per-user list of
# apps) follows the user's flags and groups, the groups' permissions, the user's own
# permissions. A sign-in saves only last_login, which changes none of it.
User = get_user_model()


def forget_access(sender, update_fields=None, **kwargs):
    if kwargs.get("raw") or is_sign_in_save(update_fields):
        return
    access_changed()


for _model in (User, Group, Permission):
    post_save.connect(forget_access, sender=_model, dispatch_uid=f"access-{_model}")
    post_delete.connect(forget_access, sender=_model, dispatch_uid=f"access-d-{_model}")
for _through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
    m2m_changed.connect(forget_access, sender=_through, dispatch_uid=f"access-{_through}")


# The big admin lists' filter choices (kalliola/admin_lists.py): households per status and the
# municipalities of households, children, requests and cases.
LIST_FIGURES.follow(SupportFamily, Child, MeetingRequest, SupportCase)
