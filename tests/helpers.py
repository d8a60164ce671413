"""Small helpers shared by test modules."""

import pytest
from django.conf import settings

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

requires_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="Concurrency needs PostgreSQL row locks; SQLite serialises every write, so the race "
    "cannot happen there. CI runs this test on PostgreSQL.",
)
