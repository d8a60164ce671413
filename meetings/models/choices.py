from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_MEETINGS = 5
FOLLOW_UP_AFTER_DAYS = 182  # about six months after the case closes
TEXT_MAX = 2000  # free text a person types: long enough for a story, short enough to read


class ContactRole(models.TextChoices):
    """Who got in touch: kept on requests and cases for statistics (the source of contact)."""

    PARENT = "parent", _("Parent")
    RELATIVE = "relative", _("Relative, for example a grandparent")
    PROFESSIONAL = "professional", _("Professional")


class MeetingMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")


class ContactChannel(models.TextChoices):
    PHONE_CALL = "call", _("Phone call")
    TEXT_MESSAGE = "sms", _("Text message")
    EMAIL = "email", _("E-mail")


class RequestStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CASE_OPENED = "case_opened", _("Case opened")
    DECLINED = "declined", _("Not taken forward")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    FOLLOWED_UP = "followed_up", _("Followed up")


# Which status may follow which; anything else is refused by the service.
CASE_TRANSITIONS = {
    CaseStatus.NEW: {CaseStatus.ACTIVE, CaseStatus.CLOSED},
    CaseStatus.ACTIVE: {CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.FOLLOWED_UP, CaseStatus.ACTIVE},
    CaseStatus.FOLLOWED_UP: set(),
}


class Topic(models.TextChoices):
    """What was done in a meeting (several per meeting)."""

    MAPPING = "mapping", _("Mapping the situation")
    FINDING_SERVICES = "services", _("Finding services")
    APPLICATION = "application", _("Filling an application together")
    MINUTES = "minutes", _("Going through meeting minutes")
    AUTHORITIES = "authorities", _("Preparing for a meeting with authorities")
    PARENTING_TASKS = "parenting", _("Parenting-skill tasks")
    CONFLICT = "conflict", _("Settling a conflict")
    OTHER_FAMILIES = "stories", _("Hearing other families' stories")
    OTHER = "other", _("Other")


class ReferralKind(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal service")
    NGO = "ngo", _("NGO")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    APPLIED = "applied", _("Applied")
    RECEIVED = "received", _("Received")


class Outcome(models.IntegerChoices):
    """A simple scale for the follow-up: how are things now compared with before?"""

    WORSE = 1, _("Worse")
    SAME = 2, _("About the same")
    SOMEWHAT_BETTER = 3, _("A little better")
    BETTER = 4, _("Much better")
