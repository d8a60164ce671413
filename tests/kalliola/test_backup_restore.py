"""A backup that is proven: the demo database dumped with pg_dump, restored with pg_restore into a
fresh database, migrated and checked (README, "Backups and restore"), holds the same rows in
every table and serves the admin and the portal."""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from families.models import SupportFamily
from tests.helpers import ON_POSTGRESQL

pytestmark = [
    pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_dump and pg_restore: PostgreSQL only (CI)"),
    pytest.mark.skipif(
        shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
        reason="pg_dump / pg_restore are not installed",
    ),
]

ROOT = Path(__file__).resolve().parents[2]


def _libpq_env(db: dict) -> dict:
    env = {**os.environ, "PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432)}
    env["PGUSER"] = db["USER"] or "postgres"
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(args, env) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])


def _row_counts(db: dict, name: str) -> dict[str, int]:
    with (
        psycopg2.connect(
            dbname=name,
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"] or "postgres",
            password=db["PASSWORD"] or None,
        ) as conn,
        conn.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    conn.close()
    return counts


@pytest.mark.django_db(transaction=True)
def test_the_demo_database_restores_with_every_row_and_serves_admin_and_portal(client, tmp_path):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    db = connection.settings_dict
    source, restored = db["NAME"], f"{db['NAME']}_restored"
    env = _libpq_env(db)
    dump = tmp_path / "kalliola.dump"
    family = SupportFamily.objects.order_by("pk").first()

    # The README's commands, in its order: dump; restore into a fresh database; migrate; check.
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source], env)
    _run(["dropdb", "--if-exists", restored], env)
    _run(["createdb", restored], env)
    try:
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", dump], env)
        url = f"postgres://{env['PGUSER']}:{db['PASSWORD'] or ''}@{env['PGHOST']}:{env['PGPORT']}"
        manage = {**os.environ, "DATABASE_URL": f"{url}/{restored}"}
        _run([sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput"], manage)
        _run([sys.executable, str(ROOT / "manage.py"), "check"], manage)

        original = _row_counts(db, source)
        assert original["families_supportfamily"] > 0 and original["auth_user"] > 0
        assert _row_counts(db, restored) == original

        # Serve pages from the restored copy: this process's connection, pointed at it.
        connection.close()
        db["NAME"] = restored
        cache.clear()  # nothing from the original may answer for it
        coordinator = User.objects.get(username="koordinaattori")
        worker = User.objects.get(username="tyontekija")
        client.force_login(coordinator)
        changelist = client.get("/admin/families/supportfamily/")
        assert changelist.status_code == 200
        assert family.contact_name in changelist.content.decode()
        assert client.get(f"/admin/families/supportfamily/{family.pk}/change/").status_code == 200
        assert client.get("/admin/").status_code == 200
        client.force_login(worker)
        assert client.get("/tyo/").status_code == 200
        assert client.get("/tyo/suhteet/").status_code == 200
        assert client.get("/tyo/asiakkuudet/").status_code == 200
    finally:
        connection.close()
        db["NAME"] = source
        _run(["dropdb", "--if-exists", "--force", restored], env)
    assert settings.DATABASES["default"]["NAME"] == source
