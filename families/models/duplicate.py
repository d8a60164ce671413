from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models.household import SupportFamily


class SubmissionSource(models.TextChoices):
    APPLICATION = "application", _("application")
    INFO_SESSION = "info_session", _("info-session sign-up")
    TRAINING_GROUP = "training_group", _("pre-training sign-up")


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", _("waiting for a coordinator")
    MERGED = "merged", _("merged into the household")
    DISMISSED = "dismissed", _("dismissed")


class DuplicateSubmission(models.Model):
    """What a public form brought for an e-mail address a household already has.

    A public form never changes a stored household: anyone can type anyone's address. What it
    brought is kept here, apart, until a coordinator compares it with the household field by
    field and merges what is right (`families.services.merge_duplicate`) or dismisses it.
    """

    family = models.ForeignKey(
        SupportFamily,
        verbose_name=_("support family"),
        on_delete=models.CASCADE,
        related_name="duplicate_submissions",
    )
    source = models.CharField(_("sent with"), max_length=20, choices=SubmissionSource.choices)
    # The household's fields as the form sent them (only fields the form may set).
    data = models.JSONField(_("what was sent"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DuplicateStatus.values),
                name="duplicatesubmission_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=SubmissionSource.values),
                name="duplicatesubmission_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", handled_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(handled_at__isnull=False)),
                name="duplicatesubmission_handled_at_iff_handled",
            ),
        ]
        indexes = [models.Index(fields=["status", "-submitted_at"])]

    def __str__(self):
        # No name: the string is copied into the audit trail and the admin's history.
        if self.submitted_at is None:
            return str(self.get_source_display())
        return f"{self.get_source_display()} {timezone.localtime(self.submitted_at):%d.%m.%Y %H:%M}"
