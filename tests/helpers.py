"""Small helpers shared by test modules."""

import threading

import pytest
from django.conf import settings
from django.db import connection

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

requires_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="Concurrency needs PostgreSQL row locks; SQLite serialises every write, so the race "
    "cannot happen there. CI runs this test on PostgreSQL.",
)

# For bounds on bulk writes of thousands of rows.
counts_postgresql_statements = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="The bound counts PostgreSQL's statements: SQLite's 999-parameter limit splits each "
    "bulk insert into batches of about a hundred rows. CI runs this test on PostgreSQL.",
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


def run_at_once(targets):
    """Run each callable in its own thread, all released together; what each returned or raised.

    Each thread has its own database connection (closed at the end), as concurrent requests do.
    """
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def runner(index, target):
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
