"""Load benchmark: the production server under wrk, page by page, beside a bare Django view.

One command (PostgreSQL on 127.0.0.1:5432, wrk from Debian: `apt-get install -y wrk`):

    .venv/bin/python bench/load.py --scale 1

It (1) recreates the PostgreSQL database `kalliola_bench`, migrates it and fills it with
`python -m bench.seed_large --scale N` (skip with `--reuse` when the data is already there),
(2) runs collectstatic, (3) checks with EXPLAIN that the main lists do no sequential scan on the
large tables, (4) starts gunicorn on 127.0.0.1 with production settings (DEBUG off, secret key,
allowed host, Redis cache, persistent connections; HTTPS redirect and secure cookies off since
there is no TLS on the loopback; `bench.settings` adds the bare `/bench-ok/` view), (5) drives each
page with wrk at 50 connections for 30 s, each page right after the bare view so the two share
the machine's state, and (6) writes the table into docs/benchmarks.md between the
`load-bench` markers. `--duration 5` gives a quick trial run (then it does not touch the doc
unless `--write` is given).

The signed-in pages use a session made for the seeded users (the busiest support worker and the
coordinator); sign-up POSTs carry a CSRF token and a new e-mail address each.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- load-bench:start -->", "<!-- load-bench:end -->"
LARGE_TABLES = (
    "families_stay",
    "meetings_meeting",
    "families_supportrelationship",
    "families_supportfamily",
    "families_child",
    "meetings_supportcase",
)


def bench_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{args.port}",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        REDIS_URL=args.redis,
        DB_CONN_MAX_AGE="600",
        PUBLIC_FORM_RATE_PER_MINUTE="100000000",
        # Confirmation e-mails are queued by the request and built by the outbox sender, as in
        # production, but not sent anywhere.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        EMAIL_DELIVERY=getattr(args, "email_delivery", "worker"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(cmd, env, **kwargs):
    print("+", " ".join(shlex.quote(c) for c in cmd), flush=True)
    return subprocess.run(cmd, env=env, check=True, cwd=ROOT, **kwargs)


def prepare_database(args, env):
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
    run([*psql, "-c", f"DROP DATABASE IF EXISTS {args.database}"], env)
    run([*psql, "-c", f"CREATE DATABASE {args.database}"], env)
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    started = time.monotonic()
    run([PY, "-m", "bench.seed_large", "--scale", str(args.scale)], env)
    seed_seconds = time.monotonic() - started
    run([*psql, "-d", args.database, "-c", "VACUUM ANALYZE"], env)
    return seed_seconds


def django_setup(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def start_server(env, port: int, workers: int) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:`port` with the production-like settings of `env` (bench_env)."""
    return subprocess.Popen(
        [
            GUNICORN,
            "kalliola.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )


def fixtures(args) -> dict:
    """Sessions for the busiest worker and the coordinator, and an open info session."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.db.models import Count
    from django.utils import timezone

    from kalliola.roles import COORDINATORS
    from trainings.models import InfoSession

    User = get_user_model()
    worker = (
        User.objects.filter(username__startswith="large-", username__endswith="-worker-000")
        .annotate(n=Count("support_relationships"))
        .order_by("-n")
        .first()
    )
    coordinator = (
        Group.objects.get(name=COORDINATORS).user_set.filter(username__startswith="large-").first()
    )
    if worker is None or coordinator is None:
        sys.exit("No seed_large users found: run without --reuse.")

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    def session_for(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    session = (
        InfoSession.objects.filter(
            status="scheduled", capacity__isnull=True, starts_at__gt=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    if session is None:
        sys.exit("No open info session without a capacity limit in the data.")
    return {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "worker": worker,
        "coordinator": coordinator,
        # One session per connection, as when several people use the service.
        "worker_sessions": [session_for(worker) for _ in range(args.connections)],
        "coordinator_sessions": [session_for(coordinator) for _ in range(args.connections)],
        "signup_path": f"/infotilaisuudet/{session.pk}/",
        "relationships": worker.support_relationships.filter(
            status__in=["active", "paused"]
        ).count(),
        "cases": worker.support_cases.count(),
    }


def explain_main_lists(fx) -> list[dict]:
    """Render the main lists in-process, EXPLAIN every query on a large table, report seq scans."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    pages = [
        ("portal: relationships (busy worker)", fx["worker"], "/tyo/suhteet/"),
        ("portal: cases (busy worker)", fx["worker"], "/tyo/asiakkuudet/"),
        ("admin: households", fx["coordinator"], "/admin/families/supportfamily/"),
        ("admin: children", fx["coordinator"], "/admin/families/child/"),
        ("admin: relationships", fx["coordinator"], "/admin/families/supportrelationship/"),
        ("admin: support cases", fx["coordinator"], "/admin/meetings/supportcase/"),
        ("public: info sessions", None, "/infotilaisuudet/"),
        ("public: home", None, "/"),
    ]
    # One relationship and one case of the busy worker: their detail pages read stays, meetings.
    rel = fx["worker"].support_relationships.order_by("pk").first()
    case = fx["worker"].support_cases.order_by("pk").first()
    pages += [
        ("portal: relationship detail (stays)", fx["worker"], f"/tyo/suhteet/{rel.pk}/"),
        ("portal: case detail (meetings)", fx["worker"], f"/tyo/asiakkuudet/{case.pk}/"),
    ]
    report = []
    for label, user, url in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        if user is not None:
            client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        seq, tables = [], set()
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            hit = [t for t in LARGE_TABLES if f'"{t}"' in sql]
            if not hit:
                continue
            tables.update(hit)
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            for table in LARGE_TABLES:
                if re.search(rf"Seq Scan on {table}\b", plan):
                    seq.append((table, sql[:160]))
        report.append(
            {
                "label": label,
                "url": url,
                "status": response.status_code,
                "queries": len(ctx.captured_queries),
                "tables": sorted(tables),
                "seq_scans": seq,
            }
        )
        print(f"EXPLAIN {label}: {response.status_code}, {len(seq)} seq scan(s)", flush=True)
        for table, sql in seq:
            print(f"    Seq Scan on {table}: {sql}", flush=True)
    return report


LUA_COMMON = r"""
function done(summary, latency, requests)
  local f = io.open("%(out)s", "w")
  f:write(string.format(
    '{"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  f:close()
end
"""

LUA_GET = r"""
wrk.method = "GET"
wrk.path = "%(path)s"
%(cookie)s
"""

LUA_SESSIONS = r"""
local cookies = {%(cookies)s}
local counter = 0
function request()
  counter = counter + 1
  return wrk.format("GET", "%(path)s", {["Cookie"] = cookies[(counter %% #cookies) + 1]})
end
"""

LUA_SIGNUP = r"""
local counter = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function request()
  counter = counter + 1
  local body = "csrfmiddlewaretoken=%(token)s&name=Testi+Kuormittaja&email=bench-%(run)s-" ..
    tid .. "-" .. counter .. "%%40example.org&phone=040+000+1234&municipality=Helsinki" ..
    "&consent=on&website="
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=%(cookie)s",
  }, body)
end
"""


LUA_WRITE = r"""
wrk.method = "POST"
wrk.path = "/bench-write/"
wrk.body = "csrfmiddlewaretoken=%(token)s"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=%(cookie)s"
"""


def create_write_table() -> None:
    """The bare write baseline's table (bench/baseline_urls.py), in the bench database only."""
    from django.db import connection

    from bench.baseline_urls import WRITE_TABLE

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {WRITE_TABLE} "
            "(id bigserial PRIMARY KEY, written_at timestamptz NOT NULL)"
        )


def csrf_for(base: str, path: str) -> tuple[str, str]:
    with urllib.request.urlopen(base + path) as response:
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookie = next(c for c in cookies if c.startswith("csrftoken=")).split(";")[0].split("=", 1)[1]
    return token, cookie


def wrk(base, lua: str, args, workdir: Path, name: str, connections: int | None = None) -> dict:
    out = workdir / f"{name}.json"
    script = workdir / f"{name}.lua"
    script.write_text(lua + LUA_COMMON % {"out": out})
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{connections or args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        base,
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    data = json.loads(out.read_text())
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return data


def get_lua(path: str, cookies: list[str] | None = None) -> str:
    if not cookies:
        return LUA_GET % {"path": path, "cookie": ""}
    listed = ", ".join(f'"{c}"' for c in cookies)
    return LUA_SESSIONS % {"path": path, "cookies": listed}


def drain_outbox(signups: int, seconds: int = 600) -> dict:
    """How many confirmations were still queued when the sign-up run ended, and how long the
    sender then took to send them all."""
    from django.db import connections

    from kalliola.models import MailStatus, QueuedMail

    def waiting() -> int:
        return QueuedMail.objects.filter(status=MailStatus.QUEUED).count()

    started, backlog = time.monotonic(), waiting()
    while waiting() and time.monotonic() - started < seconds:
        time.sleep(1)
    drained = time.monotonic() - started
    left = waiting()
    connections.close_all()
    print(
        f"Outbox: {backlog} of {signups} still queued at the end, sent in {drained:.0f} s"
        f" ({left} left)",
        flush=True,
    )
    return {"backlog": backlog, "drain_seconds": drained, "left": left}


def wait_for(base: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/health/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not answer /health/ in time.")


def ms(us: int) -> str:
    return f"{us / 1000:.1f}"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    lua: str
    group: str  # public, signup, reference, portal, admin: decides the target (TARGETS)
    connections: int


# Issue 15's targets. Public pages: a share of the bare view's throughput in the same run;
# staff pages: p95 at 10 connections (several times the staff at work at once); the sign-up:
# no errors, its throughput reported beside the bare write's.
TARGETS = {
    "public": {"min_ratio": 0.6},
    "portal": {"p95_ms": 150},
    "admin": {"p95_ms": 300},
    "signup": {},
}


def target_met(group: str, page: dict, ratio: float) -> tuple[str, str]:
    """The target's wording and whether it was met ("–" for a reference row)."""
    if group not in TARGETS:
        return "–", "–"
    target = TARGETS[group]
    words, met = ["0 errors"], page["errors"] == 0
    if "p95_ms" in target:
        words.append(f"p95 < {target['p95_ms']} ms")
        met = met and page["p95"] / 1000 < target["p95_ms"]
    if "min_ratio" in target:
        words.append(f"≥ {target['min_ratio']:.0%} of bare")
        met = met and ratio >= target["min_ratio"]
    return ", ".join(words), "yes" if met else "**no**"


def write_doc(args, results, explain, seed_seconds, fx, command):
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.rstrip()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    pg = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    lines = [
        START,
        "",
        f"**Run:** {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, `{command}`",
        "",
        f"**Machine:** `nproc` = {nproc}; Python {platform.python_version()}; PostgreSQL {pg}; "
        f"load average at the end of the run {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        "(wrk, gunicorn and PostgreSQL share these 2 vCPUs). `free -h`:",
        "",
        "```",
        free,
        "```",
        "",
        f"**Server:** gunicorn, {args.workers} sync workers, production settings (DEBUG off, "
        "Redis cache, `DB_CONN_MAX_AGE=600`), on 127.0.0.1 with wrk on the same machine: "
        f"{args.threads} threads, {args.connections} connections for the public pages and "
        f"{args.staff_connections} for the staff pages, {args.duration} s per page, each page "
        "right after its reference at the same connections: the bare `/bench-ok/` view (a "
        'Django view returning "ok" through the same middleware), or for the sign-up the bare '
        "write. "
        f"Data: `python -m bench.seed_large --scale {args.scale}`"
        + (f" (seeded in {seed_seconds:.0f} s)" if seed_seconds else "")
        + f"; the busy support worker has {fx['relationships']} open relationships and "
        f"{fx['cases']} cases.",
        "",
        "| page | conn. | req/s | p50 ms | p95 ms | p99 ms | errors | reference | ref. req/s "
        "| ref. p50 | ref. p95 | ref. p99 | ref. errors | throughput vs ref. | target | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: "
        "| ---: | --- | --- |",
    ]
    for r in results:
        spec, page, base = r["spec"], r["page"], r["bare"]
        ratio = page["rps"] / base["rps"] if base["rps"] else 0
        target, met_text = target_met(spec.group, page, ratio)
        reference = "bare write" if spec.group == "signup" else "bare view"
        lines.append(
            f"| {spec.label} | {spec.connections} | {page['rps']:.0f} | {ms(page['p50'])} | "
            f"{ms(page['p95'])} | {ms(page['p99'])} | {page['errors']} | {reference} | "
            f"{base['rps']:.0f} | {ms(base['p50'])} | {ms(base['p95'])} | {ms(base['p99'])} | "
            f"{base['errors']} | {100 * ratio:.0f} % | {target} | {met_text} |"
        )
    for r in results:
        if "outbox" in r["page"]:
            box = r["page"]["outbox"]
            lines += [
                "",
                f"**E-mail outbox during the sign-up run** (`send_queued_mail --loop` beside "
                f"gunicorn): {r['page']['requests']} confirmations queued; {box['backlog']} "
                f"still waiting when the run ended, all sent {box['drain_seconds']:.0f} s later"
                + (f" ({box['left']} left unsent)" if box["left"] else "")
                + ".",
            ]
    lines += [
        "",
        "**EXPLAIN of the main lists** (every query of the page that reads a large table, "
        "planned by PostgreSQL on the scale data):",
        "",
        "| page | status | queries | large tables read | sequential scans on large tables |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    for e in explain:
        seq = "; ".join(sorted({t for t, _sql in e["seq_scans"]})) or "none"
        lines.append(
            f"| {e['label']} | {e['status']} | {e['queries']} | {', '.join(e['tables'])} | {seq} |"
        )
    lines += ["", END]
    block = "\n".join(lines)
    text = DOC.read_text()
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Load: pages under wrk beside a bare Django view\n\n" + block
        text += "\n"
    DOC.write_text(text)
    print(f"Wrote {DOC.relative_to(ROOT)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration", type=int, default=30, help="Seconds per page.")
    parser.add_argument("--connections", type=int, default=50, help="For the public pages.")
    parser.add_argument(
        "--staff-connections", type=int, default=10, help="For the portal and admin pages."
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers.")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--database", default="kalliola_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--reuse", action="store_true", help="Keep the database as it is.")
    parser.add_argument("--write", action="store_true", help="Write the doc even on short runs.")
    parser.add_argument("--only", default="", help="Comma-separated page keys to run.")
    parser.add_argument(
        "--email-delivery",
        default="worker",
        choices=["worker", "request"],
        help="EMAIL_DELIVERY of the server (request: mail built in the sign-up's request).",
    )
    args = parser.parse_args()
    command = "python bench/load.py " + " ".join(sys.argv[1:])
    env = bench_env(args)

    seed_seconds = 0.0
    if not args.reuse:
        seed_seconds = prepare_database(args, env)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    django_setup(env)
    from django.core.cache import cache

    cache.clear()  # the bench's own Redis database: no listings cached from an earlier run
    fx = fixtures(args)
    explain = explain_main_lists(fx)
    create_write_table()
    from django.db import connections

    connections.close_all()

    base = f"http://127.0.0.1:{args.port}"
    server = start_server(env, args.port, args.workers)
    # The e-mail sender runs beside gunicorn, as in production (EMAIL_DELIVERY=worker): the
    # confirmations the sign-ups queue are built on the same two cores during the run.
    mailer = subprocess.Popen(
        [PY, "manage.py", "send_queued_mail", "--loop"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(base)
        token, csrf_cookie = csrf_for(base, fx["signup_path"])
        worker_cookie = [f"{fx['cookie_name']}={key}" for key in fx["worker_sessions"]]
        coord_cookie = [f"{fx['cookie_name']}={key}" for key in fx["coordinator_sessions"]]
        run_id = str(int(time.time()))
        rel = fx["worker"].support_relationships.order_by("pk").first()
        case = fx["worker"].support_cases.order_by("pk").first()
        signup_lua = LUA_SIGNUP % {
            "token": token,
            "cookie": csrf_cookie,
            "path": fx["signup_path"],
            "run": run_id,
        }
        write_lua = LUA_WRITE % {"token": token, "cookie": csrf_cookie}

        def staff(key, label, path, cookies, group):
            return Page(key, label, get_lua(path, cookies), group, args.staff_connections)

        pages = [
            Page("home", "Home page", get_lua("/"), "public", args.connections),
            Page(
                "infosessions",
                "Info-session list",
                get_lua("/infotilaisuudet/"),
                "public",
                args.connections,
            ),
            Page("feed", "Calendar feed", get_lua("/kalenteri.ics"), "public", args.connections),
            Page(
                "write",
                "Bare write (reference: POST, one INSERT)",
                write_lua,
                "reference",
                args.connections,
            ),
            Page("signup", "Sign-up POST (info session)", signup_lua, "signup", args.connections),
            staff(
                "portal",
                "Portal: relationships (busy worker)",
                "/tyo/suhteet/",
                worker_cookie,
                "portal",
            ),
            staff(
                "portalrel",
                "Portal: a relationship (stays)",
                f"/tyo/suhteet/{rel.pk}/",
                worker_cookie,
                "portal",
            ),
            staff(
                "portalcases",
                "Portal: cases (busy worker)",
                "/tyo/asiakkuudet/",
                worker_cookie,
                "portal",
            ),
            staff(
                "portalcase",
                "Portal: a case (meetings)",
                f"/tyo/asiakkuudet/{case.pk}/",
                worker_cookie,
                "portal",
            ),
            staff("portalhome", "Portal: start page", "/tyo/", worker_cookie, "portal"),
            staff(
                "changelist",
                "Admin: households changelist",
                "/admin/families/supportfamily/",
                coord_cookie,
                "admin",
            ),
            staff(
                "children",
                "Admin: children changelist",
                "/admin/families/child/",
                coord_cookie,
                "admin",
            ),
            staff(
                "relationships",
                "Admin: relationships changelist",
                "/admin/families/supportrelationship/",
                coord_cookie,
                "admin",
            ),
            staff(
                "cases",
                "Admin: support cases changelist",
                "/admin/meetings/supportcase/",
                coord_cookie,
                "admin",
            ),
            staff(
                "household",
                "Admin: a household's change page",
                f"/admin/families/supportfamily/{rel.family_id}/change/",
                coord_cookie,
                "admin",
            ),
            staff("dashboard", "Admin: dashboard (index)", "/admin/", coord_cookie, "admin"),
        ]
        only = {k for k in args.only.split(",") if k}
        results = []
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            # Warm every worker up (templates, translations, connections).
            wrk(
                base,
                get_lua("/bench-ok/"),
                argparse.Namespace(**{**vars(args), "duration": 2}),
                workdir,
                "warm",
            )
            for spec in pages:
                if only and spec.key not in only:
                    continue
                # The sign-up is compared with the bare write, every other page with the bare
                # view, each run right before it at the same number of connections.
                reference_lua = write_lua if spec.group == "signup" else get_lua("/bench-ok/")
                bare = wrk(base, reference_lua, args, workdir, f"{spec.key}-ref", spec.connections)
                page = wrk(base, spec.lua, args, workdir, spec.key, spec.connections)
                if spec.key == "signup":
                    page["outbox"] = drain_outbox(page["requests"])
                print(
                    f"{spec.label} ({spec.connections} conn.): {page['rps']:.0f} req/s, "
                    f"p95 {ms(page['p95'])} ms, errors {page['errors']} | reference "
                    f"{bare['rps']:.0f} req/s, p95 {ms(bare['p95'])} ms",
                    flush=True,
                )
                results.append({"spec": spec, "page": page, "bare": bare})
    finally:
        server.terminate()
        mailer.terminate()
        server.wait(timeout=30)
        mailer.wait(timeout=30)
    if args.duration >= 30 or args.write:
        write_doc(args, results, explain, seed_seconds, fx, command)


if __name__ == "__main__":
    main()
