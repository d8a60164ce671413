from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models.choices import language_names
from kalliola.municipalities import MunicipalityField
from kalliola.search import folded, phone_digits, search_column
from kalliola.validators import validate_phone

ADULT_AGE = 18


class ChildStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a support family")
    MATCHED = "matched", _("Matched")
    ENDED = "ended", _("Ended")


def waiting_first():
    """0 for a waiting child, 1 for any other: sorts the waiting children first."""
    return models.Case(
        models.When(status=ChildStatus.WAITING, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class Child(models.Model):
    """A child who needs a support family, referred by child welfare or family services."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    municipality = MunicipalityField(_("municipality"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    search_names = search_column(folded("first_name", "last_name"), _("names, for search"))
    enjoys = models.TextField(_("what the child enjoys"), max_length=2000, blank=True)
    needs = models.TextField(_("what the child needs"), max_length=2000, blank=True)
    has_animal_allergy = models.BooleanField(_("allergic to animals"), default=False)
    allergies = models.CharField(_("allergies"), max_length=500, blank=True)
    practical_needs = models.TextField(_("other practical needs"), max_length=2000, blank=True)
    child_wishes = models.TextField(
        _("the child's own wishes for a support family"), max_length=2000, blank=True
    )
    guardian_wishes = models.TextField(
        _("the guardians' wishes for a support family"), max_length=2000, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ChildStatus.choices, default=ChildStatus.WAITING
    )
    # The day the child started waiting for a family (normally the referral date).
    waiting_since = models.DateField(_("waiting since"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["waiting_since", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ChildStatus.values), name="child_status_valid"
            ),
            # "Not in the future" is checked in clean(): a CHECK constraint must not depend on
            # the clock (SQLite refuses it, PostgreSQL would check it only on writes).
            models.CheckConstraint(
                condition=models.Q(waiting_since__gte=models.F("birth_date")),
                name="child_waiting_since_after_birth",
                violation_error_message=_("A child cannot wait from before being born."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "waiting_since"]),
            models.Index(fields=["municipality"]),
            # The admin list's order: waiting children first, the longest-waiting at the top;
            # the page's rows are read from the index instead of sorting every child.
            models.Index(
                waiting_first(),
                models.F("waiting_since"),
                models.F("id"),
                name="child_waiting_first_idx",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def language_names(self) -> str:
        return language_names(self.languages)

    def clean(self):
        super().clean()
        today = timezone.localdate()
        if self.birth_date is None:
            return
        if self.birth_date > today:
            raise ValidationError(
                {"birth_date": _("The birth date cannot be in the future.")}, code="future"
            )
        # Support families are for children: a new child must be under 18 today.
        if self.status == ChildStatus.WAITING and self.age_on(today) >= ADULT_AGE:
            raise ValidationError(
                {"birth_date": _("The child is 18 or older. Support families are for children.")},
                code="adult",
            )

    def age_on(self, day) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def days_waiting(self) -> int | None:
        if self.status != ChildStatus.WAITING:
            return None
        return (timezone.localdate() - self.waiting_since).days


class Guardian(models.Model):
    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="guardians"
    )
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation to the child"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    search_names = search_column(folded("name"), _("names, for search"))
    search_phones = search_column(phone_digits("phone"), _("phone numbers, for search"))

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["child", "name", "pk"]

    def __str__(self):
        return self.name


class ReferralSource(models.TextChoices):
    CHILD_WELFARE = "child_welfare", _("Child welfare")
    PREVENTIVE = "preventive", _("Preventive family services")
    FAMILY = "family", _("The family itself")


class Referral(models.Model):
    """How and by whom a child was referred to the programme."""

    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="referrals"
    )
    source = models.CharField(_("referred by"), max_length=32, choices=ReferralSource.choices)
    referring_worker = models.CharField(_("referring worker"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    referred_on = models.DateField(_("referral date"))
    guardians_consent = models.BooleanField(_("the guardians have consented"), default=False)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=ReferralSource.values),
                name="referral_source_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.referred_on:%d.%m.%Y}"
