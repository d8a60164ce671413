"""Support relationships, the stays they consist of, the rates that price them and payments."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from families.models.child import Child
from families.models.household import SupportFamily
from kalliola.models import StatusChange


class RelationshipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class EndCause(models.TextChoices):
    """Why a relationship ended: one structured answer, counted in the statistics."""

    CHILD_NEEDS_CHANGED = "child_needs_changed", _("The child's needs changed")
    FAMILY_SITUATION_CHANGED = (
        "family_situation_changed",
        _("The support family's situation changed"),
    )
    CHILD_MOVED = "child_moved", _("The child moved")
    GOALS_REACHED = "goals_reached", _("The goals were reached")
    DID_NOT_WORK = "did_not_work", _("The relationship did not work")
    OTHER = "other", _("Other reason")


class EndInitiator(models.TextChoices):
    """Who proposed the ending. NOT_RECORDED is only for relationships ended before the question
    was asked (migration 0012); the end form never offers it."""

    SUPPORT_FAMILY = "support_family", _("The support family")
    CHILDS_FAMILY = "childs_family", _("The child or the child's parent")
    SOCIAL_SERVICES = "social_services", _("Social services")
    PROGRAMME = "programme", _("The support worker or coordinator")
    TOGETHER = "together", _("Agreed together")
    NOT_RECORDED = "not_recorded", _("Not recorded")


# A relationship that still binds the child and takes one of the household's places.
OPEN_RELATIONSHIP_STATUSES = (RelationshipStatus.ACTIVE, RelationshipStatus.PAUSED)


# A relationship is reviewed this many years after it starts (`review_date_for`).
REVIEW_INTERVAL_YEARS = 1
# A review at most this many days ahead, or overdue, is due: the dashboard, the relationships'
# filter in the admin and the support workers' portal all read `review_due_by`.
REVIEW_DUE_DAYS = 60


def review_date_for(start: datetime.date) -> datetime.date:
    """A relationship is reviewed `REVIEW_INTERVAL_YEARS` after it starts (29 February → 28
    February)."""
    year = start.year + REVIEW_INTERVAL_YEARS
    try:
        return start.replace(year=year)
    except ValueError:
        return start.replace(year=year, day=28)


def review_due_by(today: datetime.date) -> datetime.date:
    """The last review date that counts as due on `today` (`REVIEW_DUE_DAYS` ahead)."""
    return today + datetime.timedelta(days=REVIEW_DUE_DAYS)


class SupportRelationship(models.Model):
    """A child ↔ support family relationship, followed by a named support worker."""

    child = models.ForeignKey(
        Child,
        verbose_name=_("child"),
        on_delete=models.PROTECT,
        related_name="support_relationships",
    )
    family = models.ForeignKey(
        SupportFamily,
        verbose_name=_("support family"),
        on_delete=models.PROTECT,
        related_name="support_relationships",
    )
    support_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("support worker"),
        on_delete=models.PROTECT,
        related_name="support_relationships",
    )
    start_date = models.DateField(_("start date"))
    rhythm = models.CharField(
        _("agreed rhythm"),
        max_length=200,
        blank=True,
        help_text=_("For example: one weekend a month, Friday to Sunday."),
    )
    review_date = models.DateField(_("review date"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RelationshipStatus.choices,
        default=RelationshipStatus.ACTIVE,
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_cause = models.CharField(
        _("reason for ending"), max_length=32, choices=EndCause.choices, blank=True
    )
    end_initiator = models.CharField(
        _("ending proposed by"), max_length=32, choices=EndInitiator.choices, blank=True
    )
    # Free words beside the structured reason; personal, so never in the statistics.
    end_reason = models.TextField(_("note on the ending"), max_length=2000, blank=True)
    # The review date a reminder was sent for: a conditional update claims it exactly once.
    review_reminded_for = models.DateField(_("review reminder sent for"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("support relationship")
        verbose_name_plural = _("support relationships")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status__in=["active", "paused"]),
                name="supportrelationship_one_open_per_child",
                violation_error_message=_("The child already has a support relationship."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=RelationshipStatus.values),
                name="supportrelationship_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="supportrelationship_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(status="ended", end_date__isnull=False)
                | (~Q(status="ended") & Q(end_date__isnull=True)),
                name="supportrelationship_ended_has_end_date",
            ),
            models.CheckConstraint(
                condition=Q(status="ended", end_cause__in=EndCause.values)
                & Q(end_initiator__in=EndInitiator.values)
                | (~Q(status="ended") & Q(end_cause="", end_initiator="")),
                name="supportrelationship_ended_has_reason",
                violation_error_message=_("Choose why the relationship ends and who proposed it."),
            ),
        ]
        indexes = [
            models.Index(fields=["support_worker", "status"]),
            models.Index(fields=["family", "status"]),
            models.Index(fields=["status", "review_date"]),
            # The admin list's default order (newest first).
            models.Index(fields=["-start_date", "-id"]),
            # The dashboard's nearest reviews (the first five, read on every index page): in
            # review order, not all open relationships sorted for five.
            models.Index(fields=["review_date", "id"]),
        ]

    def __str__(self):
        return f"{self.child} – {self.family}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RELATIONSHIP_STATUSES


class RelationshipStatusChange(StatusChange):
    """One status change of a relationship: who, when, why. Never edited."""

    relationship = models.ForeignKey(
        SupportRelationship,
        verbose_name=_("support relationship"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=RelationshipStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=RelationshipStatus.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("relationship status change")
        verbose_name_plural = _("relationship status changes")


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class PaymentMonth(models.Model):
    """A household's payment report for one month, approved by a coordinator.

    Once approved, the month is locked: its stays cannot be added, changed or removed, and the
    amounts are stored on the stays so later rate changes never alter them.
    """

    family = models.ForeignKey(
        SupportFamily,
        verbose_name=_("support family"),
        on_delete=models.PROTECT,
        related_name="payment_months",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    nights = models.PositiveIntegerField(_("nights"), default=0)
    stays = models.PositiveIntegerField(_("stays"), default=0)
    fee_total = models.DecimalField(_("fees"), max_digits=10, decimal_places=2, default=0)
    reimbursement_total = models.DecimalField(
        _("expense reimbursements"), max_digits=10, decimal_places=2, default=0
    )
    approved_at = models.DateTimeField(_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("approved payment month")
        verbose_name_plural = _("payment reports")
        ordering = ["-month", "family__contact_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "month"], name="paymentmonth_one_per_family_and_month"
            ),
        ]

    def __str__(self):
        return f"{self.family} {self.month:%m/%Y}"

    @property
    def total(self) -> Decimal:
        return self.fee_total + self.reimbursement_total


class PaymentMonthReopening(models.Model):
    """A coordinator reopened a household's approved month, and said why.

    Reopening removes the approval, so the month is unlocked: the support worker can log and
    correct its stays, and the month can be approved again. This row keeps what had been
    approved (when, by whom, the total) and the reason, shown on the month's payment page.
    """

    family = models.ForeignKey(
        SupportFamily,
        verbose_name=_("support family"),
        on_delete=models.PROTECT,
        related_name="payment_reopenings",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    reason = models.TextField(_("reason for reopening"), max_length=1000)
    approved_at = models.DateTimeField(_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_total = models.DecimalField(_("approved total"), max_digits=10, decimal_places=2)
    reopened_at = models.DateTimeField(_("reopened at"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reopened payment month")
        verbose_name_plural = _("reopened payment months")
        ordering = ["-reopened_at", "family__contact_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="paymentmonthreopening_has_reason",
                violation_error_message=_("Give the reason for reopening the month."),
            ),
        ]
        indexes = [models.Index(fields=["month", "reopened_at"])]

    def __str__(self):
        return f"{self.family} {self.month:%m/%Y}"


class Stay(models.Model):
    """One visit of the child at the support family (for example a weekend).

    `fee` and `reimbursement` stay empty until the month is approved; then they are stored so
    that a later change of rates never alters a paid stay.
    """

    relationship = models.ForeignKey(
        SupportRelationship,
        verbose_name=_("support relationship"),
        on_delete=models.PROTECT,
        related_name="stays",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    nights = models.PositiveSmallIntegerField(_("nights"), default=0)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    payment_month = models.ForeignKey(
        PaymentMonth,
        verbose_name=_("approved in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_stays",
    )
    fee = models.DecimalField(_("fee"), max_digits=10, decimal_places=2, null=True, blank=True)
    reimbursement = models.DecimalField(
        _("expense reimbursement"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        ordering = ["-starts_at", "-pk"]
        # On PostgreSQL an exclusion constraint (migration 0002's RunPython, needs btree_gist)
        # also forbids two overlapping stays of one relationship; the service checks under a lock
        # on every database.
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="stay_ends_after_start",
                violation_error_message=_("A stay must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(payment_month__isnull=True)
                | Q(fee__isnull=False, reimbursement__isnull=False),
                name="stay_approved_has_amounts",
            ),
        ]
        indexes = [
            models.Index(fields=["relationship", "starts_at"]),
            # The stays of one month, approved or not (the month's payment page).
            models.Index(fields=["starts_at"], name="stay_starts_idx"),
            # Stays awaiting approval (the dashboard and the payment reports): a small part of
            # all stays once months are approved.
            models.Index(
                fields=["starts_at"],
                condition=Q(payment_month__isnull=True),
                name="stay_unapproved_starts_idx",
            ),
        ]

    def __str__(self):
        return f"{self.starts_at:%d.%m.%Y}–{self.ends_at:%d.%m.%Y}"

    @property
    def is_approved(self) -> bool:
        return self.payment_month_id is not None


class RateKind(models.TextChoices):
    FEE = "fee", _("Fee")
    REIMBURSEMENT = "reimbursement", _("Expense reimbursement")


class RateUnit(models.TextChoices):
    PER_NIGHT = "night", _("per night")
    PER_STAY = "stay", _("per stay")


class Rate(models.Model):
    """An amount paid for each night or each stay, valid for a period.

    A per-night rate prices each night by the date the night begins; a per-stay rate applies to a
    stay that begins within its validity. Rates of one kind and unit may not overlap.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=RateKind.choices)
    unit = models.CharField(_("unit"), max_length=8, choices=RateUnit.choices)
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty while it is in use.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["kind", "unit", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RateKind.values), name="rate_kind_valid"),
            models.CheckConstraint(condition=Q(unit__in=RateUnit.values), name="rate_unit_valid"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="rate_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="rate_valid_until_after_from",
                violation_error_message=_("A rate must end on or after the day it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} € {self.get_unit_display()}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def clean(self):
        super().clean()
        if not (self.kind and self.unit and self.valid_from):
            return
        if self.valid_until and self.valid_until < self.valid_from:
            return
        others = Rate.objects.filter(kind=self.kind, unit=self.unit).exclude(pk=self.pk)
        others = others.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from))
        if self.valid_until is not None:
            others = others.filter(valid_from__lte=self.valid_until)
        if others.exists():
            raise ValidationError(
                _(
                    "Another rate of the same kind is valid on some of these days. End it the "
                    "day before this one starts."
                )
            )


class ContactMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")


class SupervisionContact(models.Model):
    """The support worker's contact with the support family or the child's family."""

    relationship = models.ForeignKey(
        SupportRelationship,
        verbose_name=_("support relationship"),
        on_delete=models.PROTECT,
        related_name="supervision_contacts",
    )
    date = models.DateField(_("date"))
    mode = models.CharField(_("how"), max_length=16, choices=ContactMode.choices)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision contact")
        verbose_name_plural = _("supervision contacts")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=ContactMode.values), name="supervisioncontact_mode_valid"
            ),
        ]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} {self.get_mode_display()}"
