"""Periods when a support family does not host (holidays, other commitments)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from families.models.household import SupportFamily


class UnavailableReason(models.TextChoices):
    """Why the household does not host: a word from a list, so no free text is needed."""

    HOLIDAY = "holiday", _("Holiday or trip")
    COMMITMENT = "commitment", _("Other commitment")
    FAMILY_SITUATION = "family_situation", _("The family's own situation")
    OTHER = "other", _("Other reason")


class UnavailablePeriod(models.Model):
    """Days on which the household takes no child; a stay inside one asks for confirmation
    (`families.services.availability.unavailable_periods_for_stay`)."""

    family = models.ForeignKey(
        SupportFamily,
        verbose_name=_("support family"),
        on_delete=models.PROTECT,
        related_name="unavailable_periods",
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=20, choices=UnavailableReason.choices)
    # Short and optional: the reason's word usually says enough. It is personal data (blanked
    # when the household is anonymised) and never a place for health or other sensitive details.
    note = models.CharField(
        _("note"),
        max_length=100,
        blank=True,
        help_text=_("Optional, a few words. No health or other sensitive details."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("period without hosting")
        verbose_name_plural = _("periods without hosting")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="unavailableperiod_ends_on_or_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(reason__in=UnavailableReason.values),
                name="unavailableperiod_reason_valid",
            ),
        ]
        indexes = [models.Index(fields=["family", "end_date"])]

    def __str__(self):
        return f"{self.start_date:%d.%m.%Y}–{self.end_date:%d.%m.%Y} {self.get_reason_display()}"
