import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.models.cases import SupportCase
from meetings.models.choices import (
    MAX_MEETINGS,
    TEXT_MAX,
    MeetingMode,
    Outcome,
    ReferralKind,
    ReferralStatus,
)
from meetings.models.fields import BoundedTextField


class MeetingQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)


class Meeting(models.Model):
    """One of a case's meetings, numbered 1–5 by the service under a lock on the case."""

    case = models.ForeignKey(
        SupportCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="meetings"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    starts_at = models.DateTimeField(_("date and time"))
    mode = models.CharField(_("how we met"), max_length=16, choices=MeetingMode.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    topics = models.JSONField(_("what was done"), default=list, blank=True)
    notes = BoundedTextField(_("notes"), max_length=TEXT_MAX, blank=True)
    tasks = BoundedTextField(_("tasks until next time"), max_length=TEXT_MAX, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # A planned meeting cancelled when its case closed (`close_case`): kept, not deleted, so the
    # case's history shows it; calendars and statistics leave it out.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["case", "number"]
        # Calendar feeds and statistics read meetings by time.
        indexes = [models.Index(fields=["starts_at"])]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=MAX_MEETINGS),
                name="meetings_meeting_number_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["case", "number"], name="meetings_meeting_number_unique_in_case"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=600),
                name="meetings_meeting_duration_sensible",
            ),
        ]

    def __str__(self):
        return _("Meeting %(number)s of case %(case)s") % {
            "number": self.number,
            "case": self.case_id,
        }

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def ends_at(self):
        import datetime

        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class Assessment(models.Model):
    """What the first meeting found out."""

    case = models.OneToOneField(
        SupportCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assessment"
    )
    life_situation = BoundedTextField(_("life situation"), max_length=TEXT_MAX)
    services_in_use = BoundedTextField(
        _("services in use and how they work"), max_length=TEXT_MAX, blank=True
    )
    family_question = BoundedTextField(_("the family's question"), max_length=TEXT_MAX)
    what_would_help = BoundedTextField(_("what would help"), max_length=TEXT_MAX, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["case"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self):
        return _("Assessment of case %(case)s") % {"case": self.case_id}


class Plan(models.Model):
    """The closing plan: what the family does next and who does what."""

    case = models.OneToOneField(
        SupportCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="plan"
    )
    next_steps = BoundedTextField(_("what the family does next"), max_length=TEXT_MAX)
    who_does_what = BoundedTextField(_("who does what"), max_length=TEXT_MAX, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["case"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return _("Plan of case %(case)s") % {"case": self.case_id}


class ServiceReferral(models.Model):
    """A service the family was guided to, and how far it has got."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="referrals"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReferralKind.choices)
    name = models.CharField(_("service"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReferralStatus.choices,
        default=ReferralStatus.SUGGESTED,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("service referral")
        verbose_name_plural = _("service referrals")

    def __str__(self):
        return self.name


class FollowUp(models.Model):
    """The follow-up about six months after a case closes."""

    case = models.OneToOneField(
        SupportCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_up"
    )
    due_on = models.DateField(_("due on"))
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.PositiveSmallIntegerField(
        _("how things are now"), choices=Outcome.choices, null=True, blank=True
    )
    notes = BoundedTextField(_("in the family's words"), max_length=TEXT_MAX, blank=True)
    referred_again = models.BooleanField(_("referred to services again"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on"])]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(outcome__isnull=False),
                name="meetings_followup_done_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(outcome__isnull=True) | Q(outcome__gte=1, outcome__lte=4),
                name="meetings_followup_outcome_on_scale",
            ),
        ]

    def __str__(self):
        return _("Follow-up of case %(case)s") % {"case": self.case_id}

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a support worker's private calendar-feed address; resetting replaces it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="meetings_calendar_token",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        ordering = ["user"]
        verbose_name = _("calendar feed address")
        verbose_name_plural = _("calendar feed addresses")

    def __str__(self):
        return str(self.user)
