"""Peer meetings and recreation for support families, and their invitations."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from families.models import SupportFamily
from trainings.models.sessions import SessionStatus


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


class InvitationAudience(models.TextChoices):
    """Whom a coordinator can invite to an event (several at once)."""

    ACTIVE = "active", _("Active support families")
    WAITING = "waiting", _("Approved families waiting for a child")
    ON_HOLD = "on_hold", _("Families on hold")
    WORKER = "worker", _("The families of one support worker")


class InvitationReply(models.TextChoices):
    PENDING = "pending", _("No reply yet")
    YES = "yes", _("Coming")
    NO = "no", _("Not coming")


class EventInvitation(models.Model):
    """A support family invited to an event, and its reply."""

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
