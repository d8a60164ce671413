import pytest
from django.db import connection

from families.models import Child


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On SQLite, drop Child's "birth date not in the future" CHECK from the test database.

    It compares with Now(), which SQLite refuses in a CHECK constraint ("non-deterministic use
    of strftime()"), so no child could be saved on SQLite at all. PostgreSQL keeps it. Reported
    to the owner of families/models/child.py; remove this fixture once it is fixed there.
    """
    if connection.vendor != "sqlite":
        return
    broken = [c for c in Child._meta.constraints if c.name == "child_birth_date_not_in_future"]
    if not broken:
        return
    # SQLite rebuilds the table from the model's constraints, so leave it out while it does.
    kept = Child._meta.constraints
    Child._meta.constraints = [c for c in kept if c is not broken[0]]
    try:
        with django_db_blocker.unblock(), connection.schema_editor() as editor:
            editor.remove_constraint(Child, broken[0])
    finally:
        Child._meta.constraints = kept


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Factories create many support workers here; hashing their passwords slowly proves nothing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
