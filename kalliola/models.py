"""Model pieces shared by the apps, and the e-mail outbox."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatusChange(models.Model):
    """One recorded status change: who made it, when and why. Never edited.

    A subclass adds the foreign key to the record whose status changed and the `from_status` /
    `to_status` fields with that record's choices.
    """

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.get_from_status_display() or '–'} → {self.get_to_status_display()}"


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed, not retried")
    DROPPED = "dropped", _("dropped: its record is gone")


class QueuedMail(models.Model):
    """One e-mail the programme owes someone, written in the transaction of the change it is about.

    It names a registered mail function and the ids it is called with (never an address or any
    text): the mail is rendered when it is sent, from the rows as they are then. A sender
    (`manage.py send_queued_mail`) sends what is due, retries a failing provider with growing
    pauses, and records the outcome here.
    """

    mail = models.CharField(_("e-mail"), max_length=120)
    args = models.JSONField(_("record ids"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("queued e-mail")
        verbose_name_plural = _("queued e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sender's one question: what is due now, oldest first.
            models.Index(
                fields=["next_attempt_at", "id"],
                name="queuedmail_due_idx",
                condition=models.Q(status="queued"),
            ),
            models.Index(fields=["status", "-created_at"], name="queuedmail_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in MailStatus]),
                name="queuedmail_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
                name="queuedmail_sent_at_iff_sent",
            ),
        ]

    def __str__(self):
        return f"{self.mail} {self.args} ({self.get_status_display()})"
