"""The signed link of a yearly statement e-mail (the rule: only a link this site signed opens a
statement, only the one household's of the one year it was sent for, only within
`STATEMENT_LINK_DAYS`). Apart from `statements` so that `families.emails` can build the link
without importing the sending (which imports the e-mails)."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from families.models import SupportFamily

# The years a statement can be asked for (the dates the site accepts at all).
FIRST_YEAR, LAST_YEAR = 1900, 2100
TOKEN_SALT = "families.statements.link"


class LinkExpired(Exception):
    """A genuine statement link, older than `STATEMENT_LINK_DAYS`."""


def is_statement_year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=TOKEN_SALT)


def statement_token(family: SupportFamily, year: int) -> str:
    """The signed part of a statement link: the household's number and the year, no name."""
    if not is_statement_year(year):
        raise ValueError(year)
    return _signer().sign(f"{family.pk}.{year}")


def family_for_token(token: str, *, max_age_days: int | None = None) -> tuple[SupportFamily, int]:
    """The household and year a link opens. Rule: only a link this site signed, for the one
    household it was sent to, within `STATEMENT_LINK_DAYS` of sending; never an anonymised
    household. LinkExpired for an old link; SupportFamily.DoesNotExist for anything else."""
    days = settings.STATEMENT_LINK_DAYS if max_age_days is None else max_age_days
    try:
        value = _signer().unsign(token, max_age=datetime.timedelta(days=days))
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise SupportFamily.DoesNotExist from None
    family_id, _dot, year = value.partition(".")
    if not (family_id.isdigit() and year.isdigit() and is_statement_year(int(year))):
        raise SupportFamily.DoesNotExist
    family = SupportFamily.objects.get(pk=int(family_id), anonymised_at__isnull=True)
    return family, int(year)


def statement_url(family: SupportFamily, year: int) -> str:
    """The full address of the household's statement page, for its e-mail."""
    path = reverse("families:statement", args=[statement_token(family, year)])
    return settings.SITE_URL + path
