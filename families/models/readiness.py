"""The readiness checklist: what a household must have done, and until when it holds.

The programme's own items (`ReadinessItem`) are kept in the admin: a name, whether it is
required, and how many months a check holds (empty: for good). The criminal-record extract is
one of them (``code="criminal_record"``, created by the migration, always required; its
validity is how often an active household renews it). Every time someone sees a document or
confirms an item, a `ReadinessCheck` row is added: the day and who; rows are never edited, the
latest per item counts. The rules read these rows in `families.services.readiness`.
"""

import calendar
import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from families.models.household import SupportFamily

CRIMINAL_RECORD = "criminal_record"


def shift_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months later (earlier if negative); 31 August + 6 → 28/29 February."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def valid_until(checked_on: datetime.date, months: int | None) -> datetime.date | None:
    """The last day a check made on `checked_on` holds (None: for good). A check holds on a day
    D when it was made on or before D and on or after D less `months` months."""
    return None if months is None else shift_months(checked_on, months)


class ReadinessItem(models.Model):
    """An item of every household's readiness checklist, kept by the coordinators."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("A household is suggested for a child only when every required item holds."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Empty: a check holds for good."),
    )
    # Set on the built-in items only (the criminal-record extract); never typed in the admin.
    code = models.CharField(_("code"), max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("readiness item")
        verbose_name_plural = _("readiness items")
        ordering = ["-code", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="readinessitem_unique_code",
            ),
            models.CheckConstraint(
                condition=models.Q(validity_months__isnull=True)
                | models.Q(validity_months__gte=1, validity_months__lte=240),
                name="readinessitem_validity_1_to_240",
            ),
            # The extract is always required (approval and matching both need it).
            models.CheckConstraint(
                condition=~models.Q(code=CRIMINAL_RECORD) | models.Q(required=True),
                name="readinessitem_criminal_record_required",
            ),
        ]

    def __str__(self):
        if self.code == CRIMINAL_RECORD:
            return str(_("Criminal-record extract"))
        return self.name

    @property
    def is_builtin(self) -> bool:
        return bool(self.code)


class ReadinessCheck(models.Model):
    """Someone saw a document or confirmed an item for a household, on a day. Never edited."""

    family = models.ForeignKey(
        SupportFamily,
        verbose_name=_("support family"),
        on_delete=models.CASCADE,
        related_name="readiness_checks",
    )
    item = models.ForeignKey(
        ReadinessItem,
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="checks",
    )
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # Set once by `families.reminders.READINESS` (a conditional update): its expiry was told.
    expiry_notice_sent_at = models.DateTimeField(
        _("expiry notice sent"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("readiness check")
        verbose_name_plural = _("readiness checks")
        ordering = ["-checked_on", "-pk"]
        indexes = [models.Index(fields=["family", "item", "-checked_on"])]

    def __str__(self):
        return f"{self.item} {self.checked_on:%d.%m.%Y}"

    @property
    def valid_until(self):
        """The last day this check holds (None: for good); see `families.services.readiness`."""
        return valid_until(self.checked_on, self.item.validity_months)
