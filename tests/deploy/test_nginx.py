"""The kit proven with real parts: gunicorn, started as kalliola-web.service starts it, behind
Debian's nginx with the shipped site, over https with the public host name on a port other than
443. Installs nothing: it runs where nginx is (CI installs it) and skips elsewhere, unless
REQUIRE_NGINX is set.

The app runs as README's "Deploying" sets it up: the environment template, migrate,
collectstatic, check --deploy, the first coordinator from create_staff_user.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.deploy.kit import NGINX_SITE, ROOT, env_template, free_port, unit_exec_start

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
HOST = "tuki.example.org"
PASSWORD = "kahvi-pannu-lumi-7"
SEARCHED = "Virtanen-Marker"

pytestmark = pytest.mark.skipif(
    NGINX is None and not os.environ.get("REQUIRE_NGINX"),
    reason="nginx is not installed (CI installs Debian's nginx; apt-get install nginx)",
)


def _wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"{what} stopped: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on {port}")


def _run(args, env, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, **kwargs
    )
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, f"the shipped nginx site no longer has {old!r}"
    return text.replace(old, new)


def _site(tmp: Path, https_port: int, http_port: int, app_port: int, static_root: Path) -> Path:
    """The shipped site with this machine's ports and files (IPv4 only: the test host may have
    no IPv6)."""
    text = NGINX_SITE.read_text()
    text = re.sub(r"^\s*listen \[::\].*\n", "", text, flags=re.M)
    text = _replace_once(
        text, "listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;"
    )
    text = _replace_once(text, "listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    text = _replace_once(text, "server 127.0.0.1:8000", f"server 127.0.0.1:{app_port}")
    text = _replace_once(text, "/srv/kalliola/static/", f"{static_root}/")
    text = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {tmp}/cert.pem;", text)
    text = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {tmp}/key.pem;", text)
    site = tmp / "kalliola.conf"
    site.write_text(text)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = tmp / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
        "events { worker_connections 64; }\n"
        "http {\n    include /etc/nginx/mime.types;\n"
        f"{temp_paths}\n    include {site};\n}}\n"
    )
    return main


@pytest.fixture
def certificate(tmp_path):
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={HOST}",
            "-addext",
            f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
            "-keyout",
            str(tmp_path / "key.pem"),
            "-out",
            str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return tmp_path / "cert.pem"


def _app_environment(tmp: Path) -> dict[str, str]:
    """The environment template's values, with a secret, a fresh SQLite file and no Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update({name: value for name, (is_set, value) in env_template().items() if is_set})
    env.update(
        SECRET_KEY="test-" + "k" * 60,
        DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3",
        REDIS_URL="",
        STATIC_ROOT=str(tmp / "static"),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_DELIVERY="worker",  # queued only: nothing is sent from the test
    )
    return env


def test_gunicorn_behind_the_shipped_nginx_site(tmp_path, certificate):
    env = _app_environment(tmp_path)
    python = sys.executable
    _run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
    _run([python, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    check = _run([python, "manage.py", "check", "--deploy", "--fail-level", "ERROR"], env)
    assert "kalliola.E" not in check.stdout + check.stderr
    _run(
        [python, "manage.py", "create_staff_user", "aino", "--role", "coordinator"],
        env,
        input=PASSWORD + "\n",
    )

    app_port, https_port, http_port = free_port(), free_port(), free_port()
    command = unit_exec_start("kalliola-web.service")
    command[0] = str(Path(python).parent / "gunicorn")
    command[command.index("--bind") + 1] = f"127.0.0.1:{app_port}"
    command[command.index("--workers") + 1] = "1"
    main_conf = _site(tmp_path, https_port, http_port, app_port, tmp_path / "static")
    nginx_args = [
        NGINX,
        "-p",
        str(tmp_path),
        "-e",
        str(tmp_path / "error.log"),
        "-c",
        str(main_conf),
    ]
    tested = subprocess.run([*nginx_args, "-t"], capture_output=True, text=True, timeout=60)
    assert tested.returncode == 0, tested.stderr

    gunicorn = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    nginx = subprocess.Popen([*nginx_args, "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        _wait_for_port(app_port, gunicorn, "gunicorn")
        _wait_for_port(https_port, nginx, "nginx")
        _exercise(certificate, https_port, http_port, app_port)
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    # The service's log: each request by method, path and status, never what was searched for.
    log = gunicorn.stdout.read()
    assert "GET /tyo/kirjaudu/ 200" in log
    assert "POST /tyo/kirjaudu/ 302" in log
    assert SEARCHED not in log


def _exercise(certificate: Path, https_port: int, http_port: int, app_port: int) -> None:
    public = f"{HOST}:{https_port}"
    origin = f"https://{public}"
    web = requests.Session()
    # Not web.verify: requests lets REQUESTS_CA_BUNDLE in the environment win over it.
    web.trust_env = False
    web.verify = str(certificate)
    web.headers["Host"] = public
    base = f"https://127.0.0.1:{https_port}"

    # Plain http is sent to https.
    plain = requests.get(
        f"http://127.0.0.1:{http_port}/tyo/kirjaudu/",
        headers={"Host": HOST},
        allow_redirects=False,
        timeout=10,
    )
    assert plain.status_code == 301
    assert plain.headers["Location"] == f"https://{HOST}/tyo/kirjaudu/"

    page = web.get(f"{base}/tyo/kirjaudu/?q={SEARCHED}", allow_redirects=False, timeout=20)
    assert page.status_code == 200, page.text[:500]
    assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    csrf_cookie = next(c for c in web.cookies if c.name == "csrftoken")
    assert csrf_cookie.secure
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    # A CSRF-protected POST through the proxy, with the Origin a browser sends (port included).
    signed_in = web.post(
        f"{base}/tyo/kirjaudu/",
        data={"csrfmiddlewaretoken": token, "username": "aino", "password": PASSWORD},
        headers={"Origin": origin, "Referer": f"{origin}/tyo/kirjaudu/"},
        allow_redirects=False,
        timeout=20,
    )
    assert signed_in.status_code == 302, signed_in.text[:800]
    session_cookie = next(c for c in web.cookies if c.name == "sessionid")
    assert session_cookie.secure and session_cookie.has_nonstandard_attr("HttpOnly")

    # Static files straight from nginx, cached for ever.
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text).group(1)
    static = web.get(f"{base}{stylesheet}", timeout=10)
    assert static.status_code == 200
    assert "immutable" in static.headers["Cache-Control"]

    # The load balancer's probe: plain http, the server's address as Host, through nginx's
    # port 80 and straight at gunicorn. Any other path: the https redirect, the host check.
    for address in (f"127.0.0.1:{http_port}", f"127.0.0.1:{app_port}"):
        for method in ("GET", "HEAD"):
            probe = requests.request(
                method, f"http://{address}/health/", allow_redirects=False, timeout=10
            )
            assert probe.status_code == 200, (address, method, probe.status_code)
    by_address = requests.get(f"http://127.0.0.1:{http_port}/", allow_redirects=False, timeout=10)
    assert by_address.status_code == 301
    around = requests.get(f"http://127.0.0.1:{app_port}/", allow_redirects=False, timeout=10)
    assert around.status_code == 400
