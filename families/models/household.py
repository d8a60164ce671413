import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from families.models.choices import ContactLanguage, language_names
from kalliola.models import StatusChange
from kalliola.municipalities import MunicipalityField
from kalliola.search import folded, phone_digits, search_column
from kalliola.validators import normalise_email, postal_code_validator, validate_phone


class FamilyStatus(models.TextChoices):
    """The pipeline of a volunteer household, in order (see DESIGN.md).

    *interested* has only signed up for an info session: not an application. *accepted for
    pre-training* is the coordinator's review of the application; a household waits there for a
    place in a group (and returns there when its place is cancelled).
    """

    INTERESTED = "interested", _("Interested (info session)")
    APPLIED = "applied", _("Applied")
    INFO_SESSION_ATTENDED = "info_session_attended", _("Attended an info session")
    ACCEPTED_FOR_TRAINING = "accepted_for_training", _("Accepted for pre-training")
    IN_TRAINING = "in_training", _("In pre-training")
    TRAINED = "trained", _("Trained")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    ENDED = "ended", _("Ended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECLINED = "declined", _("Declined")


CLOSED_STATUSES = frozenset({FamilyStatus.ENDED, FamilyStatus.WITHDRAWN, FamilyStatus.DECLINED})
# Households a child can be placed with (if they have a free place): matching, a new
# relationship and the admin's "room for a child" filter all read this.
CAN_TAKE_A_CHILD = (FamilyStatus.APPROVED, FamilyStatus.ACTIVE)


class Frequency(models.TextChoices):
    ONE_WEEKEND_A_MONTH = "weekend_month", _("One weekend a month")
    TWO_WEEKENDS_A_MONTH = "two_weekends_month", _("Two weekends a month")
    DAYTIME = "daytime", _("Daytime visits now and then")
    FLEXIBLE = "flexible", _("Flexible, to be agreed")


class SupportFamilyQuerySet(models.QuerySet):
    def with_email(self, email: str):
        """Households with this address, compared as the unique index compares (lower-case).

        `email__iexact` would compare UPPER() on both sides, which that index cannot serve.
        """
        return self.alias(email_lower=Lower("email")).filter(email_lower=normalise_email(email))


class SupportFamily(models.Model):
    """A volunteer household (a family or one person) that a child visits."""

    status = models.CharField(
        _("status"), max_length=32, choices=FamilyStatus.choices, default=FamilyStatus.APPLIED
    )
    status_changed_at = models.DateTimeField(_("status changed"), auto_now_add=True)

    # Contact adults: the first is the household's contact person.
    contact_name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone"), max_length=32, validators=[validate_phone])
    second_adult_name = models.CharField(_("second adult's name"), max_length=200, blank=True)
    second_adult_email = models.EmailField(_("second adult's e-mail"), blank=True)
    second_adult_phone = models.CharField(
        _("second adult's phone"), max_length=32, blank=True, validators=[validate_phone]
    )
    contact_language = models.CharField(
        _("language for messages"),
        max_length=2,
        choices=ContactLanguage.choices,
        default=ContactLanguage.FINNISH,
    )

    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=5, blank=True, validators=[postal_code_validator]
    )
    municipality = MunicipalityField(_("municipality"), blank=True)

    # Normalised copies for the admin's search (kalliola/search.py), computed by the database.
    search_names = search_column(
        folded("contact_name", "second_adult_name"), _("names, for search")
    )
    search_phones = search_column(
        phone_digits("phone", "second_adult_phone"), _("phone numbers, for search")
    )

    household_members = models.TextField(
        _("who lives in the household"), max_length=2000, blank=True
    )
    languages = models.JSONField(_("languages spoken at home"), default=list, blank=True)
    has_pets = models.BooleanField(_("has pets"), default=False)
    pets = models.CharField(_("pets"), max_length=200, blank=True)

    # What the household can offer.
    child_age_min = models.PositiveSmallIntegerField(
        _("youngest child age"), default=0, validators=[MaxValueValidator(17)]
    )
    child_age_max = models.PositiveSmallIntegerField(
        _("oldest child age"), default=17, validators=[MaxValueValidator(17)]
    )
    max_children = models.PositiveSmallIntegerField(
        _("children at a time"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    frequency = models.CharField(
        _("how often"),
        max_length=32,
        choices=Frequency.choices,
        default=Frequency.ONE_WEEKEND_A_MONTH,
    )
    home_accessibility = models.CharField(
        _("accessibility of the home"), max_length=500, blank=True
    )
    wishes = models.TextField(_("the household's own wishes"), max_length=2000, blank=True)

    commitment_acknowledged = models.BooleanField(_("commits to at least a year"), default=False)
    consent_given_at = models.DateTimeField(_("consent to data processing given"), null=True)
    # Set when the full application form has been sent; an info-session sign-up alone leaves
    # it empty, and the application then completes that same household.
    application_submitted_at = models.DateTimeField(
        _("application received"), null=True, blank=True
    )

    # The criminal-record extract is seen, never stored: only when and by whom.
    criminal_record_checked_on = models.DateField(
        _("criminal-record extract seen on"), null=True, blank=True
    )
    criminal_record_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("criminal-record extract seen by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    objects = SupportFamilyQuerySet.as_manager()

    class Meta:
        verbose_name = _("support family")
        verbose_name_plural = _("support families")
        ordering = ["contact_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="supportfamily_unique_email",
                violation_error_message=_("A household with this e-mail address already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(child_age_min__lte=models.F("child_age_max")),
                name="supportfamily_age_range_ordered",
                violation_error_message=_("The youngest age must not exceed the oldest age."),
            ),
            models.CheckConstraint(
                condition=models.Q(child_age_max__lte=17),
                name="supportfamily_age_max_under_18",
            ),
            models.CheckConstraint(
                condition=models.Q(max_children__gte=1, max_children__lte=4),
                name="supportfamily_max_children_1_to_4",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FamilyStatus.values),
                name="supportfamily_status_valid",
            ),
            # The extract is recorded as a pair: the date it was seen and who saw it.
            models.CheckConstraint(
                condition=models.Q(
                    criminal_record_checked_on__isnull=True,
                    criminal_record_checked_by__isnull=True,
                )
                | models.Q(
                    criminal_record_checked_on__isnull=False,
                    criminal_record_checked_by__isnull=False,
                ),
                name="supportfamily_criminal_record_check_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "municipality"]),
            models.Index(fields=["created_at"]),
            # The admin list's default order and its municipality filter.
            models.Index(fields=["contact_name", "id"]),
            models.Index(fields=["municipality"]),
        ]

    def __str__(self):
        return self.contact_name

    @property
    def first_name(self) -> str:
        """The first word of the contact's name: all a mail's greeting says, so that a name
        cannot carry a message to the address it was sent with."""
        words = self.contact_name.split()
        return words[0] if words else ""

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def language_names(self) -> str:
        return language_names(self.languages)


class SystemNote(models.TextChoices):
    """A note the programme writes itself on a status change: stored as its code and shown in
    the reader's language (a note typed by a person is stored as typed, in `note`)."""

    SIGNED_UP = "signed_up", _("Signed up on the website.")
    SIGNED_UP_INFO_SESSION = "signed_up_info_session", _(
        "Signed up for an info session on the website."
    )
    SIGNED_UP_GROUP = "signed_up_group", _("Signed up for a pre-training group on the website.")
    APPLICATION_SENT = "application_sent", _("Application sent on the website.")
    ENTERED_BY_COORDINATOR = "entered", _("Entered by a coordinator.")
    RELATIONSHIP_STARTED = "relationship_started", _("A support relationship started.")
    LAST_RELATIONSHIP_ENDED = "last_relationship_ended", _("The last support relationship ended.")
    APPLICATION_MERGED = "application_merged", _(
        "The application sent on the website was merged."
    )
    # A note with a value: `note` holds the value on its first line (a day as an ISO date, a
    # group's name, hours as a plain number), shown in the reader's format; a person's words,
    # if any, follow on the next lines.
    INFO_SESSION_ATTENDED = "info_session_attended", _("Attended the info session on %(date)s.")
    REVIEWED_WITH_GROUP = "reviewed_with_group", _(
        "Application reviewed with the sign-up for %(group)s."
    )
    GROUP_PLACE_CANCELLED = "group_place_cancelled", _(
        "The place in %(group)s was cancelled: waiting for a group."
    )
    GROUP_CANCELLED = "group_cancelled", _(
        "The group %(group)s was cancelled: waiting for a group."
    )
    TRAINING_COMPLETED = "training_completed", _("Pre-training completed: %(hours)s hours.")


class FamilyStatusChange(StatusChange):
    """One step of a household's pipeline: who moved it, when and why. Never edited."""

    family = models.ForeignKey(
        SupportFamily,
        verbose_name=_("support family"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(
        _("from"), max_length=32, choices=FamilyStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=32, choices=FamilyStatus.choices)
    note_code = models.CharField(
        _("note by the system"), max_length=32, choices=SystemNote.choices, blank=True
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["family", "-changed_at"])]

    @property
    def note_shown(self) -> str:
        """The note in the reader's language: a system note's text, or what a person typed."""
        if self.note_code not in SystemNote.values:
            return self.note
        text = str(SystemNote(self.note_code).label)
        if "%(" not in text:
            return text
        value, _newline, words = self.note.partition("\n")
        shown = text % {"date": _shown_date(value), "group": value, "hours": _shown_number(value)}
        return f"{shown} {words.strip()}".strip()


def _shown_date(value: str) -> str:
    try:
        return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except ValueError:
        return value


def _shown_number(value: str) -> str:
    try:
        number = Decimal(value)
    except ArithmeticError:
        return value
    # 10.00 → "10", 9.50 → "9,5" in Finnish.
    whole = number == number.to_integral()
    return number_format(number.quantize(1) if whole else number.normalize())
