"""Info sessions, training groups and their sessions, sign-ups, attendance, home visits, events.

Capacity is guarded in `services.py` with row locks; the rules a single row can express are
database constraints here.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models import SupportFamily
from families.models.choices import ContactLanguage

MAX_SESSION_HOURS = Decimal("12")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class GroupStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class TimedItem(models.Model):
    """Something with a start and an end that appears in calendars."""

    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    online_link = models.URLField(_("online meeting link"), max_length=500, blank=True)
    # Bumped on every change people's calendars must follow (time, link, cancellation).
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)

    class Meta:
        abstract = True

    @property
    def hours(self) -> Decimal:
        seconds = Decimal((self.ends_at - self.starts_at).total_seconds())
        return (seconds / Decimal(3600)).quantize(Decimal("0.01"))

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})


class InfoSession(TimedItem):
    """A remote info session for prospective support families."""

    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=ContactLanguage.choices, default="fi"
    )
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("info session")
        verbose_name_plural = _("info sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="infosession_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="infosession_capacity_positive",
                violation_error_message=_("The capacity must be at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="infosession_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return _("Info session %(date)s") % {"date": local.strftime("%d.%m.%Y %H:%M")}

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


class TrainingGroup(models.Model):
    """A pre-training group: evening sessions that households attend together."""

    name = models.CharField(_("name"), max_length=200)
    capacity = models.PositiveIntegerField(
        _("capacity in households"), default=8, validators=[MinValueValidator(1)]
    )
    language = models.CharField(
        _("language"), max_length=2, choices=ContactLanguage.choices, default="fi"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=GroupStatus.choices, default=GroupStatus.DRAFT
    )
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("training group")
        verbose_name_plural = _("training groups")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="traininggroup_capacity_positive",
                violation_error_message=_("The capacity must be at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=GroupStatus.values), name="traininggroup_status_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_cancelled(self) -> bool:
        return self.status == GroupStatus.CANCELLED


class TrainingSession(TimedItem):
    """One evening of a training group (by default three 3-hour sessions)."""

    group = models.ForeignKey(
        TrainingGroup,
        verbose_name=_("training group"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="trainingsession_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="trainingsession_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.group.name}: {local.strftime('%d.%m.%Y %H:%M')}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """A household signed up for an info session."""

    session = models.ForeignKey(
        InfoSession,
        verbose_name=_("info session"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    family = models.ForeignKey(
        SupportFamily,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="info_session_registrations",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    attended = models.BooleanField(_("attended"), default=False)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)

    class Meta:
        verbose_name = _("info session registration")
        verbose_name_plural = _("info session registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "family"],
                name="registration_one_per_household",
                violation_error_message=_("This household has already signed up."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values),
                name="registration_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.family} – {self.session}"


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


TAKES_A_PLACE = (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED)


class Enrollment(models.Model):
    """A household in a training group, or on its waiting list."""

    group = models.ForeignKey(
        TrainingGroup,
        verbose_name=_("training group"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    family = models.ForeignKey(
        SupportFamily,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.ENROLLED,
    )
    # The waiting list is served in the order people joined it.
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "family"],
                name="enrollment_one_per_household",
                violation_error_message=_("This household is already in this group."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnrollmentStatus.values), name="enrollment_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["group", "status", "joined_at"])]

    def __str__(self):
        return f"{self.family} – {self.group}"


class Attendance(models.Model):
    """How many hours of one training session a household attended."""

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("enrollment"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("training session"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    hours = models.DecimalField(_("hours attended"), max_digits=4, decimal_places=2)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "session"],
                name="attendance_one_per_enrollment_session",
                violation_error_message=_("Attendance for this session is already recorded."),
            ),
            # The session's own length is checked in the form and service (it lives in another
            # table); the database keeps the value sane.
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=MAX_SESSION_HOURS),
                name="attendance_hours_in_range",
                violation_error_message=_("Hours must be between 0 and 12."),
            ),
        ]

    def __str__(self):
        return f"{self.enrollment.family} – {self.session}: {self.hours} h"

    def clean(self):
        super().clean()
        if self.hours is not None and self.session_id and self.hours > self.session.hours:
            raise ValidationError(
                {
                    "hours": _("At most %(hours)s hours: the length of the session.")
                    % {"hours": self.session.hours}
                }
            )


class HomeVisit(models.Model):
    """The trainer's visit to the applicant household's home, part of the pre-training."""

    family = models.ForeignKey(
        SupportFamily,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="home_visits",
    )
    visited_on = models.DateField(_("date"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2, default=Decimal("1"))
    notes = models.TextField(_("notes"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=MAX_SESSION_HOURS),
                name="homevisit_hours_in_range",
                violation_error_message=_("Hours must be more than 0 and at most 12."),
            ),
        ]

    def __str__(self):
        return f"{self.family} – {self.visited_on:%d.%m.%Y}"


class EventKind(models.TextChoices):
    PEER = "peer", _("Peer meeting")
    RECREATION = "recreation", _("Recreation")


class Event(models.Model):
    """A yearly peer meeting or recreation day for active support families."""

    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
        ]

    def __str__(self):
        return self.title


class InvitationReply(models.TextChoices):
    PENDING = "pending", _("No reply yet")
    YES = "yes", _("Coming")
    NO = "no", _("Not coming")


class EventInvitation(models.Model):
    """An active support family invited to an event, and its reply."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="invitations"
    )
    family = models.ForeignKey(
        SupportFamily,
        verbose_name=_("support family"),
        on_delete=models.CASCADE,
        related_name="event_invitations",
    )
    reply = models.CharField(
        _("reply"), max_length=16, choices=InvitationReply.choices, default=InvitationReply.PENDING
    )
    participants = models.PositiveSmallIntegerField(_("participants"), default=0)
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)

    class Meta:
        verbose_name = _("event invitation")
        verbose_name_plural = _("event invitations")
        ordering = ["event", "family__contact_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "family"], name="eventinvitation_one_per_family"
            ),
            models.CheckConstraint(
                condition=Q(reply__in=InvitationReply.values), name="eventinvitation_reply_valid"
            ),
            models.CheckConstraint(
                condition=Q(participants__lte=20), name="eventinvitation_participants_max_20"
            ),
        ]

    def __str__(self):
        return f"{self.family} – {self.event}"


class SentReminder(models.Model):
    """Marks a reminder as sent, so overlapping runs never send it twice (unique rows)."""

    info_session = models.ForeignKey(
        InfoSession, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    training_session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    family = models.ForeignKey(SupportFamily, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["info_session", "family"], name="sentreminder_once_per_info_session"
            ),
            models.UniqueConstraint(
                fields=["training_session", "family"],
                name="sentreminder_once_per_training_session",
            ),
            models.CheckConstraint(
                condition=Q(info_session__isnull=True, training_session__isnull=False)
                | Q(info_session__isnull=False, training_session__isnull=True),
                name="sentreminder_exactly_one_session",
            ),
        ]

    def __str__(self):
        return f"{self.family_id}: {self.info_session_id or self.training_session_id}"
