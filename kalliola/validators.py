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
