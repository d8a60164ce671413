"""Which reminders were sent, so that none is sent twice."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models import SupportFamily
from trainings.models.sessions import InfoSession, TrainingSession


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
