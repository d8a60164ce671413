"""The deployment kit agrees with README, its systemd units are valid, and the production
server installs the runtime requirements only."""

import re
import shutil
import subprocess
import uuid

import psycopg2
import pytest
from django.conf import settings

from tests.deploy.kit import (
    ENV_TEMPLATE,
    ROOT,
    SYSTEMD,
    env_template,
    readme_section,
    readme_variables,
    unit_exec_start,
)
from tests.helpers import ON_POSTGRESQL

TEST_TOOLS = ("pytest", "hypothesis", "ruff", "playwright", "factory-boy", "time-machine")


def _matches(name: str, names: set[str]) -> bool:
    return name in names or any(
        pattern.endswith("*") and name.startswith(pattern[:-1]) for pattern in names
    )


def test_every_variable_of_readme_is_in_the_environment_template():
    template = set(env_template())
    missing = {
        name
        for name in readme_variables()
        if not (
            name in template
            or (name.endswith("*") and any(t.startswith(name[:-1]) for t in template))
        )
    }
    assert not missing, f"in README's table but not in {ENV_TEMPLATE.name}: {sorted(missing)}"


def test_every_variable_of_the_environment_template_is_in_readme():
    names = readme_variables()
    missing = {name for name in env_template() if not _matches(name, names)}
    assert not missing, f"in {ENV_TEMPLATE.name} but not in README's table: {sorted(missing)}"


def test_the_template_sets_what_production_needs_and_leaves_the_secret_empty():
    template = env_template()
    assert template["DEBUG"] == (True, "false")
    assert template["SECRET_KEY"] == (True, "")  # never a shipped secret
    assert template["SITE_URL"][1].startswith("https://")
    assert template["BEHIND_TLS_PROXY"] == (True, "true")
    assert template["EMAIL_DELIVERY"] == (True, "worker")


def test_every_unit_reads_the_environment_file_and_gunicorn_listens_on_the_loopback():
    units = sorted(SYSTEMD.glob("*.service"))
    assert {unit.name for unit in units} >= {
        "kalliola-web.service",
        "kalliola-mail.service",
        "kalliola-task@.service",
    }
    for unit in units:
        assert "EnvironmentFile=/etc/kalliola/kalliola.env" in unit.read_text(), unit.name
    command = unit_exec_start("kalliola-web.service")
    bind = command[command.index("--bind") + 1]
    assert bind.startswith(("127.0.0.1:", "unix:")), bind


def test_the_timers_run_every_periodic_command():
    commands = set()
    for timer in SYSTEMD.glob("*.timer"):
        [unit] = re.findall(r"^Unit=kalliola-task@(\w+)\.service$", timer.read_text(), re.M)
        commands.add(unit)
    assert commands == {"send_queued_mail", "send_reminders", "apply_retention", "clearsessions"}


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verifies_the_units(tmp_path):
    # The units name the production paths; verify checks that the programs exist, so it reads
    # copies that point at this checkout and its virtualenv.
    venv = ROOT / ".venv"
    environment = tmp_path / "kalliola.env"
    environment.write_text("")
    for unit in SYSTEMD.iterdir():
        text = unit.read_text().replace("/srv/kalliola/app/.venv", str(venv))
        text = text.replace("/srv/kalliola/app", str(ROOT))
        text = text.replace("/etc/kalliola/kalliola.env", str(environment))
        (tmp_path / unit.name).write_text(text)
    units = [*tmp_path.glob("*.service"), *tmp_path.glob("*.timer")]
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in units)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [line for line in (result.stdout + result.stderr).splitlines() if "kalliola" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


def _requirement_names(path) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.append(re.split(r"[=<>~!\[ ]", line)[0].lower())
    return names


def test_runtime_requirements_hold_no_test_or_development_tool():
    runtime = _requirement_names(ROOT / "requirements.txt")
    assert "django" in runtime and "gunicorn" in runtime
    assert not set(runtime) & set(TEST_TOOLS)
    dev = (ROOT / "requirements-dev.txt").read_text()
    assert "-r requirements.txt" in dev.splitlines()
    assert set(TEST_TOOLS) <= set(_requirement_names(ROOT / "requirements-dev.txt"))


def test_make_installs_both_and_the_deploy_steps_the_runtime_set_only():
    assert "-r requirements-dev.txt" in (ROOT / "Makefile").read_text()
    deploying = readme_section("Deploying")
    installs = re.findall(r"pip install[^\n]*", deploying)
    assert installs, "README's Deploying installs nothing"
    assert all("-r requirements.txt" in line for line in installs), installs
    assert "-r requirements-dev" not in deploying


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the SQL is PostgreSQL's; CI runs on PostgreSQL")
def test_readme_sql_gives_the_database_owner_what_migrate_needs():
    """PostgreSQL 15 took CREATE on the public schema from everyone: a user given only
    `GRANT ALL PRIVILEGES ON DATABASE` cannot create a table there; the database's owner can."""
    [sql] = re.findall(r"```sql\n(.*?)```", readme_section("Deploying"), re.S)
    suffix = uuid.uuid4().hex[:8]
    name, password = f"kalliola_readme_{suffix}", f"pw-{suffix}"
    sql = sql.replace("'…password…'", f"'{password}'")
    sql = re.sub(r"\bkalliola\b", name, sql)
    statements = [s.strip() for s in sql.split(";") if s.strip() and not s.strip().startswith("--")]
    params = settings.DATABASES["default"]
    admin = psycopg2.connect(
        dbname="postgres",
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"],
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        owner = psycopg2.connect(
            dbname=name, user=name, password=password, host=params["HOST"], port=params["PORT"]
        )
        try:
            with owner.cursor() as cursor:
                cursor.execute("CREATE TABLE public.django_probe (id bigint PRIMARY KEY)")
                cursor.execute("SELECT current_user, current_database()")
                assert cursor.fetchone() == (name, name)
            owner.commit()
        finally:
            owner.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'DROP ROLE IF EXISTS "{name}"')
        admin.close()
