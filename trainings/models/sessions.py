"""Info sessions, training groups and their sessions.

Capacity is guarded in `trainings/services/` with row locks; the rules a single row can express
are database constraints here.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from families.models.choices import ContactLanguage
from kalliola.validators import PLANNED, implausible_date_error

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
        if error := implausible_date_error(self.starts_at, PLANNED):
            raise ValidationError({"starts_at": error})


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


class GroupFormat(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")


class TrainingGroup(models.Model):
    """A pre-training group: evening sessions that households attend together."""

    name = models.CharField(_("name"), max_length=200)
    # Optional: a page in Swedish or English shows the Finnish name when these are empty.
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity in households"), default=8, validators=[MinValueValidator(1)]
    )
    language = models.CharField(
        _("language"), max_length=2, choices=ContactLanguage.choices, default="fi"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=GroupStatus.choices, default=GroupStatus.DRAFT
    )
    attendance = models.CharField(
        _("how the group meets"),
        max_length=10,
        choices=GroupFormat.choices,
        default=GroupFormat.ONLINE,
    )
    location = models.CharField(
        _("where"),
        max_length=300,
        blank=True,
        help_text=_("The address of an in-person group, shown on its public page."),
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
            models.CheckConstraint(
                condition=Q(attendance__in=GroupFormat.values),
                name="traininggroup_attendance_valid",
            ),
            models.CheckConstraint(
                condition=Q(attendance=GroupFormat.ONLINE) | ~Q(location=""),
                name="traininggroup_in_person_has_location",
                violation_error_message=_("Say where an in-person group meets."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def local_name(self) -> str:
        """The group's name in the language being read (`get_language()`), else the Finnish."""
        language = (get_language() or "fi")[:2]
        return {"sv": self.name_sv, "en": self.name_en}.get(language) or self.name

    def clean(self):
        super().clean()
        if self.attendance == GroupFormat.IN_PERSON and not self.location.strip():
            raise ValidationError({"location": _("Say where an in-person group meets.")})

    @property
    def is_in_person(self) -> bool:
        return self.attendance == GroupFormat.IN_PERSON

    @property
    def evenings(self) -> list:
        """The group's sessions that take place (from the prefetched sessions)."""
        return [s for s in self.sessions.all() if s.status == SessionStatus.SCHEDULED]

    @property
    def weekday_sessions(self) -> list:
        """One session per weekday the group meets on, in weekday order (to name the days)."""
        first = {}
        for session in self.evenings:
            first.setdefault(timezone.localtime(session.starts_at).isoweekday(), session)
        return [first[day] for day in sorted(first)]

    @property
    def common_hours(self):
        """The (start, end) of a session when every evening starts and ends at the same time."""
        times = {
            (timezone.localtime(s.starts_at).time(), timezone.localtime(s.ends_at).time())
            for s in self.evenings
        }
        return next(iter(times)) if len(times) == 1 else None

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
