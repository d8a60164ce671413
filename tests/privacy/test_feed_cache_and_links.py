"""The smaller holes of issue 17: the private feed after the role ends, feed tokens in logs,
private pages in caches, and language links to another host on a 404 page."""

import io
import logging
import re
import runpy
import types
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from gunicorn.config import Config

from kalliola.logs import GunicornLogger
from kalliola.roles import SUPPORT_WORKERS
from meetings.models import CalendarToken
from tests.factories.families import ChildFactory
from tests.factories.meetings import SupportCaseFactory
from tests.factories.relationships import RelationshipFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _feed_path(client, worker) -> str:
    client.force_login(worker)
    assert client.get("/tyo/kalenteri/").status_code == 200
    client.logout()
    return f"/tyo/kalenteri/{CalendarToken.objects.get(user=worker).token}.ics"


def test_the_private_feed_stops_when_the_worker_loses_the_support_worker_role(
    client, support_worker
):
    SupportCaseFactory(support_worker=support_worker)
    path = _feed_path(client, support_worker)
    assert client.get(path).status_code == 200

    support_worker.groups.remove(Group.objects.get(name=SUPPORT_WORKERS))

    assert client.get(path).status_code == 404


def _console_output(run) -> str:
    handler = next(h for h in logging.getLogger("django.request").handlers)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        run()
    finally:
        handler.setStream(previous)
    return stream.getvalue()


def test_a_feed_token_never_reaches_django_s_request_log(client):
    token = "s3cr3t-t0ken-of-a-worker"
    output = _console_output(lambda: client.get(f"/tyo/kalenteri/{token}.ics"))
    assert "Not Found" in output
    assert token not in output
    assert "/tyo/kalenteri/[redacted].ics" in output


def test_gunicorn_reads_a_logger_that_redacts_feed_tokens_and_cancel_links():
    # gunicorn loads gunicorn.conf.py from the project folder on start.
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["logger_class"] == (
        "kalliola.logs.GunicornLogger"
    )
    logger = GunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/sv/tyo/kalenteri/abcDEF123.ics?x=1",
        "PATH_INFO": "/sv/tyo/kalenteri/abcDEF123.ics",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://tuki.example.org/peru-ilmoittautuminen/r-12-abc/",
    }
    response = types.SimpleNamespace(status="200 OK", headers=[], sent=10)
    request_time = types.SimpleNamespace(seconds=0, microseconds=5)
    atoms = logger.atoms(response, [], environ, request_time)
    line = " ".join(str(value) for value in atoms.values())
    assert "abcDEF123" not in line and "r-12-abc" not in line
    assert atoms["r"] == "GET /sv/tyo/kalenteri/[redacted].ics HTTP/1.1"


def test_admin_and_portal_pages_with_children_s_data_are_never_stored(
    client, coordinator, support_worker
):
    child = ChildFactory()
    relationship = RelationshipFactory(support_worker=support_worker)
    client.force_login(coordinator)
    for path in (f"/admin/families/child/{child.pk}/change/", "/admin/families/child/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    client.force_login(support_worker)
    for path in (f"/tyo/suhteet/{relationship.pk}/", f"/tyo/suhteet/{relationship.pk}/kaynti/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    ["/sv//evil.example/", "/en//evil.example/x", "/sv/\\evil.example/", "/x//evil.example/"],
)
def test_language_links_on_a_404_page_stay_on_this_site(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    switcher = html[html.index('class="language-switcher') :]
    switcher = switcher[: switcher.index("</ul>")]
    links = re.findall(r'href="([^"]+)"', switcher)
    assert len(links) == 3
    for link in links:
        assert link.startswith("/") and not link.startswith(("//", "/\\")), link
        assert re.match(r"^/(sv/|en/)?[^/\\]", link) or link in ("/", "/sv/", "/en/"), link
