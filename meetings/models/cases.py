from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kalliola.municipalities import MunicipalityField
from kalliola.validators import validate_phone
from meetings.models.choices import (
    TEXT_MAX,
    CaseStatus,
    ContactChannel,
    ContactRole,
    MeetingMode,
    RequestStatus,
)
from meetings.models.fields import BoundedTextField
from meetings.models.themes import HeardFrom


class MeetingRequest(models.Model):
    """A contact through the public form: from a parent, a relative or a professional."""

    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.WAITING
    )
    contact_role = models.CharField(
        _("who got in touch"), max_length=16, choices=ContactRole.choices
    )
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    contact_channel = models.CharField(
        _("how to reach"), max_length=8, choices=ContactChannel.choices
    )
    best_time = models.CharField(_("when to reach"), max_length=200, blank=True)
    organisation = models.CharField(_("workplace"), max_length=200, blank=True)
    municipality = MunicipalityField(_("municipality"), blank=True)
    # Both may be left open on the public form: the first meeting is there to work out the
    # question, and a parent may not know yet how to meet.
    question = BoundedTextField(
        _("what the family wants help with"), max_length=TEXT_MAX, blank=True
    )
    preferred_mode = models.CharField(
        _("preferred way to meet"), max_length=16, choices=MeetingMode.choices, blank=True
    )
    family_agreed = models.BooleanField(_("the family agreed to the contact"), default=False)
    heard_from = models.CharField(
        _("heard of the service from"), max_length=16, choices=HeardFrom.choices, blank=True
    )
    language = models.CharField(_("language"), max_length=8, default="fi")
    earlier_case = models.ForeignKey(
        "meetings.SupportCase",
        verbose_name=_("earlier case of the same family"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_requests",
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["received_at"]
        indexes = [models.Index(fields=["status", "received_at"])]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(contact_role=ContactRole.PROFESSIONAL) | Q(family_agreed=True),
                name="meetings_request_professional_needs_agreement",
            ),
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""),
                name="meetings_request_has_phone_or_email",
            ),
        ]

    def __str__(self):
        return _("Request %(id)s") % {"id": self.pk}


class SupportCase(models.Model):
    """One family's 1–5 support meetings on a question the family itself defines."""

    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    request = models.OneToOneField(
        MeetingRequest,
        verbose_name=_("request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case",
    )
    source = models.CharField(_("who got in touch"), max_length=16, choices=ContactRole.choices)
    support_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("support worker"),
        on_delete=models.PROTECT,
        related_name="support_cases",
    )
    question = BoundedTextField(_("the family's question"), max_length=TEXT_MAX, blank=True)
    preferred_mode = models.CharField(
        _("preferred way to meet"), max_length=16, choices=MeetingMode.choices, blank=True
    )
    municipality = MunicipalityField(_("municipality"), blank=True)
    heard_from = models.CharField(
        _("heard of the service from"), max_length=16, choices=HeardFrom.choices, blank=True
    )
    # The parent's need of support in learning and understanding: recorded only with the
    # client's consent, whose date and recorder are kept (a constraint: no need without it).
    learning_support_need = models.BooleanField(
        _("the parent needs support in learning and understanding"), default=False
    )
    learning_support_consent_on = models.DateField(
        _("consent to record the learning-support need given on"), null=True, blank=True
    )
    learning_support_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    earlier_case = models.ForeignKey(
        "self",
        verbose_name=_("earlier case of the same family"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_cases",
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("support case")
        verbose_name_plural = _("support cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="meetings_case_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[CaseStatus.NEW, CaseStatus.ACTIVE])
                | Q(closed_on__isnull=False),
                name="meetings_closed_case_has_closing_date",
            ),
            models.CheckConstraint(
                condition=Q(learning_support_need=False)
                | Q(learning_support_consent_on__isnull=False),
                name="meetings_case_learning_support_needs_consent",
                violation_error_message=_(
                    "The learning-support need can be recorded only with the client's consent."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["support_worker", "status"]),
            # The lists' default order (newest first) and the status filter.
            models.Index(fields=["-opened_on", "-id"]),
            models.Index(fields=["status", "-opened_on"]),
        ]

    def __str__(self):
        return _("Case %(id)s") % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in (CaseStatus.NEW, CaseStatus.ACTIVE)


class ContactAdult(models.Model):
    """An adult of the family whom the support worker contacts."""

    case = models.ForeignKey(
        SupportCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(
        _("relation to the family"), max_length=100, blank=True, help_text=_("For example mother.")
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    best_time = models.CharField(_("when to reach"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("contact adult")
        verbose_name_plural = _("contact adults")

    def __str__(self):
        return self.name


class CaseStatusChange(models.Model):
    """Every status change of a case: who, when, why. Never overwritten."""

    case = models.ForeignKey(
        SupportCase,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("from"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=CaseStatus.choices)
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("case status change")
        verbose_name_plural = _("case status changes")

    def __str__(self):
        return f"{self.from_status or '–'} → {self.to_status}"
