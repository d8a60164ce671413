"""Fault run: Redis stopped and started again under load, with every answer counted.

One command (PostgreSQL on 127.0.0.1:5432 and `redis-server` installed; nothing else is touched):

    .venv/bin/python bench/faults.py

It (1) recreates the PostgreSQL database `kalliola_faults`, migrates it and loads the demo data,
(2) starts a redis-server of its own on a free port (no persistence), (3) starts gunicorn with
production settings (DEBUG off, Redis cache, cached-database sessions) on that Redis, (4) runs
10 connections (threads) for `--duration` seconds, each loading public pages (home, info-session
list, an info session, the training groups) and sending an info-session sign-up with a new
e-mail address every fourth request, (5) stops Redis at `--outage-start` for `--outage`
seconds and starts it again on the same port, and (6) prints, before, during and after the
outage: requests, errors (5xx, timeouts, refused connections), sign-ups answered with success
(the 302 to the session's page), sign-ups stored and confirmations queued (counted in the
database afterwards), and the latency. `/health/` is asked in each phase. PostgreSQL itself is
never stopped: the run only stops the Redis it started. `--write` puts the table into
docs/benchmarks.md between the `faults-bench` markers.
"""

import argparse
import datetime
import http.client
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.load import bench_env  # noqa: E402 (run as a script, like bench/load.py)

PY = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- faults-bench:start -->", "<!-- faults-bench:end -->"
PHASES = ("before", "during", "after")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(cmd, env) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


class Redis:
    """A redis-server of the run's own, stopped and started on the same port."""

    def __init__(self, workdir: str):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", self.workdir],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing answered on port {port} in time")


def wait_for_health(port: int, seconds: float = 60) -> None:
    """Until /health/ answers 200: the workers are up and have loaded Django."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if health(port).startswith("200 "):
            return
        time.sleep(0.5)
    sys.exit("gunicorn did not answer /health/ in time")


def server_env(args, redis_port: int) -> dict:
    """bench/load.py's production-like environment, on the run's own Redis and database."""
    args.redis = f"redis://127.0.0.1:{redis_port}/0"
    args.email_delivery = "worker"  # sign-ups only queue their mail: the run counts the queue
    return bench_env(args)


def prepare(args, env) -> int:
    """A fresh database with the demo data; the pk of an info session open to many sign-ups."""
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
    run([*psql, "-c", f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)"], env)
    run([*psql, "-c", f"CREATE DATABASE {args.database}"], env)
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PY, "manage.py", "seed_demo", "--force"], env)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    sql = (
        "UPDATE trainings_infosession SET capacity = 1000000 WHERE id = ("
        "SELECT id FROM trainings_infosession WHERE status = 'scheduled' AND starts_at > now() "
        "ORDER BY starts_at LIMIT 1) RETURNING id"
    )
    out = subprocess.run(
        [*psql, "-d", args.database, "-Atc", sql], env=env, check=True, capture_output=True
    )
    return int(out.stdout.split()[0])


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows = {p: {"requests": 0, "errors": 0, "signups_ok": 0, "ms": []} for p in PHASES}
        self.error_kinds: dict[str, int] = {}

    def add(self, phase: str, ms: float, error: str | None, signup_ok: bool) -> None:
        with self.lock:
            row = self.rows[phase]
            row["requests"] += 1
            row["ms"].append(ms)
            row["signups_ok"] += signup_ok
            if error:
                row["errors"] += 1
                self.error_kinds[error] = self.error_kinds.get(error, 0) + 1


class Clock:
    """Which phase the run is in; the main thread moves it on."""

    def __init__(self):
        self.phase = "before"
        self.stop = threading.Event()


def client_loop(n: int, args, session_pk: int, clock: Clock, tally: Tally, run_id: str) -> None:
    pages = ["/", "/infotilaisuudet/", f"/infotilaisuudet/{session_pk}/", "/valmennus/"]
    signup_path = f"/infotilaisuudet/{session_pk}/"
    conn = None
    token = cookie = None
    i = 0
    while not clock.stop.is_set():
        phase = clock.phase
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
        started = time.monotonic()
        error, signup_ok = None, False
        try:
            if i % 4 == 3 and token:
                email = f"faults-{run_id}-{phase}-{n}-{i}@example.org"
                body = urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": token,
                        "name": "Testi Henkilö",
                        "email": email,
                        "phone": "040 000 1234",
                        "municipality": "Helsinki",
                        "consent": "on",
                        "website": "",
                    }
                )
                conn.request(
                    "POST",
                    signup_path,
                    body=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Cookie": f"csrftoken={cookie}",
                        "Referer": f"http://127.0.0.1:{args.port}{signup_path}",
                    },
                )
                response = conn.getresponse()
                response.read()
                signup_ok = response.status == 302
                if response.status != 302:
                    error = f"sign-up {response.status}"
            else:
                path = pages[i % len(pages)] if token else signup_path
                conn.request("GET", path)
                response = conn.getresponse()
                html = response.read().decode(errors="replace")
                if response.status != 200:
                    error = f"GET {response.status}"
                elif path == signup_path and token is None:
                    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
                    cookies = response.headers.get_all("Set-Cookie") or []
                    cookie = next(c for c in cookies if c.startswith("csrftoken="))
                    cookie = cookie.split(";")[0].split("=", 1)[1]
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
            conn.close()
            conn = None
        tally.add(phase, (time.monotonic() - started) * 1000, error, signup_ok)
        i += 1


def health(port: int) -> str:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/health/")
        response = conn.getresponse()
        return f"{response.status} {json.loads(response.read())}"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return type(exc).__name__


def stored(args, env, run_id: str) -> dict[str, tuple[int, int]]:
    """Per phase: sign-ups stored, and confirmations queued for them."""
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", args.database, "-Atc"]
    counts = {}
    for phase in PHASES:
        like = f"faults-{run_id}-{phase}-%"
        sql = (
            "SELECT count(*), count(DISTINCT q.id) FROM trainings_registration r "
            "JOIN families_supportfamily f ON f.id = r.family_id "
            "LEFT JOIN kalliola_queuedmail q ON q.mail LIKE '%send_registration_confirmation' "
            "AND (q.args->>0)::int = r.id "
            f"WHERE f.email LIKE '{like}'"
        )
        out = subprocess.run([*psql, sql], env=env, check=True, capture_output=True, text=True)
        registrations, mails = out.stdout.strip().split("|")
        counts[phase] = (int(registrations), int(mails))
    return counts


def table(tally: Tally, counts, seconds: dict) -> str:
    lines = [
        "| phase | seconds | requests | errors | sign-ups answered with success | sign-ups stored "
        "| confirmations queued | p50 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    labels = {"before": "Redis up", "during": "**Redis stopped**", "after": "Redis started again"}
    for phase in PHASES:
        row = tally.rows[phase]
        ms = sorted(row["ms"]) or [0]
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        lines.append(
            f"| {labels[phase]} | {seconds[phase]:.0f} | {row['requests']} | {row['errors']} "
            f"| {row['signups_ok']} | {counts[phase][0]} | {counts[phase][1]} "
            f"| {statistics.median(ms):.0f} | {p99:.0f} | {max(ms):.0f} |"
        )
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text()
    if START in doc:
        before, rest = doc.split(START, 1)
        doc = before + START + "\n" + text + "\n" + END + rest.split(END, 1)[1]
    else:
        head, body = doc.split("\n## ", 1)
        doc = f"{head}\n{START}\n{text}\n{END}\n\n## {body}"
    DOC.write_text(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="Seconds of load in all.")
    parser.add_argument("--outage-start", type=int, default=15, help="Seconds before Redis stops.")
    parser.add_argument("--outage", type=int, default=25, help="Seconds Redis stays stopped.")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers.")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (0: a free one).")
    parser.add_argument("--database", default="kalliola_faults")
    parser.add_argument("--write", action="store_true", help="Put the table in the doc.")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed (apt-get install -y redis-server)")
    args.port = args.port or free_port()
    workdir = tempfile.mkdtemp(prefix="kalliola-faults-")
    redis = Redis(workdir)
    env = server_env(args, redis.port)
    session_pk = prepare(args, env)
    redis.start()
    server = subprocess.Popen(
        [GUNICORN, "kalliola.wsgi:application", "--bind", f"127.0.0.1:{args.port}"]
        + ["--workers", str(args.workers), "--access-logfile", "/dev/null"]
        + ["--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_for_health(args.port)
        print("health, Redis up:", health(args.port), flush=True)
        tally, clock, run_id = Tally(), Clock(), str(int(time.time()))
        threads = [
            threading.Thread(target=client_loop, args=(n, args, session_pk, clock, tally, run_id))
            for n in range(args.connections)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(args.outage_start)
        clock.phase = "during"
        outage_at = time.monotonic()
        redis.stop()
        print(f"Redis stopped at {outage_at - started:.1f} s", flush=True)
        time.sleep(args.outage / 2)
        print("health, Redis stopped:", health(args.port), flush=True)
        time.sleep(args.outage / 2)
        redis.start()
        back_at = time.monotonic()
        clock.phase = "after"
        print(f"Redis started again at {back_at - started:.1f} s", flush=True)
        time.sleep(max(1, args.duration - (back_at - started)))
        clock.stop.set()
        for thread in threads:
            thread.join(15)
        ended = time.monotonic()
        print("health, Redis started again:", health(args.port), flush=True)
    finally:
        server.terminate()
        server.wait(15)
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    seconds = {
        "before": outage_at - started,
        "during": back_at - outage_at,
        "after": ended - back_at,
    }
    counts = stored(args, env, run_id)
    text = table(tally, counts, seconds)
    print(text)
    if tally.error_kinds:
        print("errors by kind:", tally.error_kinds)
    command = "python bench/faults.py " + " ".join(sys.argv[1:])
    print(f"command: {command}; {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    if args.write:
        write_doc(text)


if __name__ == "__main__":
    main()
