"""Validators shared by every app's forms and models."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
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
