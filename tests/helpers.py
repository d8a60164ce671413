"""Small helpers shared by test modules."""

import pytest
from django.conf import settings

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

requires_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="Concurrency needs PostgreSQL row locks; SQLite serialises every write, so the race "
    "cannot happen there. CI runs this test on PostgreSQL.",
)


def signup_form(**extra) -> dict:
    """What a visitor types into a public sign-up form (info session or training group)."""
    return {
        "name": "Testi Henkilö",
        "email": "testi@example.org",
        "phone": "040 000 1234",
        "municipality": "Helsinki",
        "consent": "on",
        "website": "",
        **extra,
    }
