"""Sign-ups for info sessions, enrolments in training groups, attendance and home visits."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models import SupportFamily
from trainings.models.sessions import MAX_SESSION_HOURS, InfoSession, TrainingGroup, TrainingSession


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
