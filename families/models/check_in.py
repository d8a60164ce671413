"""The support worker's regular check-in on a relationship: how it goes, in three plain steps."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from families.models.relationship import SupportRelationship


class Going(models.IntegerChoices):
    """How it goes: higher is better, so "fell" is a smaller number than the check-in before."""

    WELL = 3, _("Well")
    MIXED = 2, _("Up and down")
    POORLY = 1, _("Poorly")


# The three questions of a check-in, in the order they are asked and compared.
SCALES = ("for_child", "for_family", "for_parent")


class CheckIn(models.Model):
    """One check-in of a relationship by its support worker (every `CHECK_IN_INTERVAL_WEEKS`)."""

    relationship = models.ForeignKey(
        SupportRelationship,
        verbose_name=_("support relationship"),
        on_delete=models.PROTECT,
        related_name="check_ins",
    )
    date = models.DateField(_("date"))
    for_child = models.PositiveSmallIntegerField(
        _("how it goes for the child"), choices=Going.choices
    )
    for_family = models.PositiveSmallIntegerField(
        _("how it goes for the support family"), choices=Going.choices
    )
    for_parent = models.PositiveSmallIntegerField(
        _("how it goes for the child's parent"), choices=Going.choices
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-date", "-pk"]
        constraints = [
            # One a day: a second tap on a slow phone does not record it twice.
            models.UniqueConstraint(
                fields=["relationship", "date"],
                name="checkin_one_per_relationship_and_day",
                violation_error_message=_("A check-in of this day is already recorded."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{scale}__in": Going.values}), name=f"checkin_{scale}_valid"
                )
                for scale in SCALES
            ),
        ]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}"
