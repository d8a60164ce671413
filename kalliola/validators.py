"""Validators shared by every app's forms and models."""

import calendar
import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

postal_code_validator = RegexValidator(
    r"^\d{5}$", _("Enter a postal code of five digits, for example 00530.")
)

_PHONE_ALLOWED = re.compile(r"^\+?[\d\s\-()]+$")


def validate_phone(value: str) -> None:
    """A phone number as people write it: digits, spaces, dashes, an optional leading +."""
    digits = re.sub(r"\D", "", value)
    if not _PHONE_ALLOWED.match(value) or not 7 <= len(digits) <= 15:
        raise ValidationError(
            _("Enter a phone number with 7–15 digits, for example 040 123 4567."),
            code="invalid_phone",
        )


def normalise_email(value: str) -> str:
    """E-mail addresses compare case-insensitively; store them lower-case and trimmed."""
    return (value or "").strip().lower()


# Dates people type: a birth date, a stay, a meeting, a closing day. Outside these years a date
# is a typing error, and near year 1 or 9999 the programme's own sums (a follow-up six months
# on, a review a year on, a time zone shift) would overflow.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def validate_sensible_date(value) -> None:
    """A date (or date and time) between EARLIEST_YEAR and LATEST_YEAR, both included."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": EARLIEST_YEAR, "last": LATEST_YEAR},
        )


def guard_every_date_field(form_fields) -> None:
    """Give every form date field of Django (admin, portal, public forms) the sensible range.

    Called once when Django reads the app list (kalliola/apps.py): a form written tomorrow gets
    it too, without remembering a validator on each field.
    """
    for field_class in (form_fields.DateField, form_fields.DateTimeField):
        if validate_sensible_date not in field_class.default_validators:
            field_class.default_validators = [
                *field_class.default_validators,
                validate_sensible_date,
            ]


# A person's name as people write it, in any script: letters (with their accents and other
# combining marks), spaces, hyphens, apostrophes and periods. Anything else (a colon, a slash,
# an @, digits, a line break) is how a web address, an e-mail address, a phone number or a
# message would get into the greeting of a mail the programme sends.
NAME_MAX_LENGTH = 100
_NAME_PUNCTUATION = frozenset(" -'’.")
# A period with letters right after it ("maija.fi", "Maija.ILMOITTAUTUMINEN"): a web address.
# Initials ("Anna M. Virtanen", "J.R. Smith") keep a space or a single letter after the period.
_DOMAIN_LIKE = re.compile(r"\.[^\W\d_]{2,}")


def validate_person_name(value: str) -> None:
    """What a person's name looks like; refuses web and e-mail addresses, digits, line breaks."""
    if len(value) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("A name can be at most %(limit)s letters long."),
            code="name_too_long",
            params={"limit": NAME_MAX_LENGTH},
        )
    has_letter = any(unicodedata.category(c).startswith("L") for c in value)
    only_name_characters = all(
        c in _NAME_PUNCTUATION or unicodedata.category(c)[0] in "LM" for c in value
    )
    if not has_letter or not only_name_characters or _DOMAIN_LIKE.search(value):
        raise ValidationError(
            _(
                "Write only a name. A name has letters. It can have spaces, hyphens (-) and "
                "apostrophes ('). It cannot have numbers, web addresses or e-mail addresses."
            ),
            code="invalid_name",
        )


# Text people type, anywhere (public forms, the portal, the admin): Unicode format characters
# (category Cf: bidi overrides that turn "exe.pdf" around, zero-width spaces that hide inside a
# name) and control characters are removed, and the text is stored composed (NFC), so that the
# same name typed on two keyboards is the same name. Multi-line text areas keep their line
# breaks and tabs; a single-line field that gets a line break (no browser sends one) refuses it.
_LINE_BREAKS = frozenset("\n\r")


def clean_typed_text(value: str, *, multiline: bool) -> str:
    """`value` without format and control characters, in NFC; see the note above."""
    if not multiline and any(c in _LINE_BREAKS for c in value):
        raise ValidationError(_("Write this on one line."), code="line_break")
    # A NUL byte stays: Django's own validator of every CharField refuses it with a form error.
    kept_controls = "\x00\n\r\t" if multiline else "\x00\t"
    kept = "".join(
        c for c in value if c in kept_controls or unicodedata.category(c) not in ("Cc", "Cf")
    )
    if not multiline:
        kept = kept.replace("\t", " ")
    return unicodedata.normalize("NFC", kept)


def guard_every_text_field(form_fields) -> None:
    """Make every form text field of Django (admin, portal, public forms) clean what is typed
    with `clean_typed_text` before anything else looks at it.

    Called once when Django reads the app list (kalliola/apps.py), like the date guard above.
    Password fields are left as typed: a secret is compared exactly as it was set.
    """
    char_field = form_fields.CharField
    if getattr(char_field.to_python, "cleans_typed_text", False):
        return
    original_to_python = char_field.to_python

    def to_python(self, value):
        if isinstance(value, str) and not isinstance(self.widget, form_fields.PasswordInput):
            value = clean_typed_text(value, multiline=isinstance(self.widget, form_fields.Textarea))
        return original_to_python(self, value)

    to_python.cleans_typed_text = True
    char_field.to_python = to_python


# Plausible dates (issue 24): a date that starts retention or a follow-up must not postpone
# them. A day that says something happened (a case closed, a follow-up took place) is today or
# earlier; a relationship's end is at most three months ahead; a planned day (a session, a stay,
# a meeting, a follow-up's due day) at most two years ahead.
HAPPENED = "happened"
ENDS = "ends"
PLANNED = "planned"
END_MONTHS_AHEAD = 3
PLANNED_YEARS_AHEAD = 2


def _months_ahead(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_plausible_date(kind: str, today: datetime.date | None = None) -> datetime.date:
    """The last day a date of `kind` (HAPPENED, ENDS, PLANNED) may be."""
    today = today or timezone.localdate()
    months = {HAPPENED: 0, ENDS: END_MONTHS_AHEAD, PLANNED: 12 * PLANNED_YEARS_AHEAD}[kind]
    return _months_ahead(today, months)


def implausible_date_error(value, kind: str) -> str | None:
    """The reader's message when `value` (a date or an aware date and time) is later than a
    date of `kind` may be, else None. The services raise it as their own error."""
    if value is None:
        return None
    day = timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value
    if day <= latest_plausible_date(kind):
        return None
    if kind == HAPPENED:
        return str(_("This day is in the future. Choose today or a day before today."))
    if kind == ENDS:
        return str(
            _("The end date can be at most %(months)s months from today.")
            % {"months": END_MONTHS_AHEAD}
        )
    return str(
        _("The date can be at most %(years)s years from today.") % {"years": PLANNED_YEARS_AHEAD}
    )
