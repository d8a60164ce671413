"""What search engines read: robots.txt, sitemap.xml with hreflang alternates, meta and Open
Graph descriptions, hreflang links on every page, and schema.org Event data."""

import json
import re
import urllib.robotparser
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.pages import public_pages
from tests.factories.trainings import InfoSessionFactory, TrainingGroupFactory
from trainings.models import GroupStatus, SessionStatus

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _robots() -> urllib.robotparser.RobotFileParser:
    response = Client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    return parser


def test_robots_keeps_crawlers_out_of_the_admin_and_the_portal_only():
    robots = _robots()
    for path in ("/admin/", "/sv/admin/login/", "/en/admin/", "/tyo/", "/sv/tyo/suhteet/"):
        assert not robots.can_fetch("Googlebot", settings.SITE_URL + path), path
    for path in ("/", "/sv/", "/tukiperhetoiminta/", "/en/valmennus/", "/saavutettavuus/"):
        assert robots.can_fetch("Googlebot", settings.SITE_URL + path), path
    assert robots.site_maps() == [f"{settings.SITE_URL}/sitemap.xml"]


def _sitemap() -> dict[str, dict[str, str]]:
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = {}
    for url in root.findall("s:url", NS):
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
        urls[url.find("s:loc", NS).text] = alternates
    return urls


def test_the_sitemap_lists_each_public_page_in_three_languages_with_alternates():
    session = InfoSessionFactory(days_ahead=5)
    cancelled = InfoSessionFactory(days_ahead=6, status=SessionStatus.CANCELLED)
    group = TrainingGroupFactory()
    draft = TrainingGroupFactory(status=GroupStatus.DRAFT)
    urls = _sitemap()
    base = settings.SITE_URL
    for path in (
        "/",
        "/tukiperhetoiminta/",
        "/tukiperheeksi/",
        "/tukitapaamiset/",
        "/saavutettavuus/",
        f"/infotilaisuudet/{session.pk}/",
        f"/valmennus/{group.pk}/",
    ):
        for prefix in ("", "/sv", "/en"):
            assert base + prefix + path in urls, prefix + path
        assert urls[base + path] == {
            "fi": base + path,
            "sv": base + "/sv" + path,
            "en": base + "/en" + path,
            "x-default": base + path,
        }
    listed = "\n".join(urls)
    assert f"/infotilaisuudet/{cancelled.pk}/" not in listed
    assert f"/valmennus/{draft.pk}/" not in listed
    assert "/admin/" not in listed and "/tyo/" not in listed


def test_a_new_info_session_shows_in_the_sitemap_at_once():
    _sitemap()
    session = InfoSessionFactory(days_ahead=5)
    assert f"{settings.SITE_URL}/infotilaisuudet/{session.pk}/" in _sitemap()


def test_the_sitemap_query_count_does_not_grow_with_sessions(django_assert_max_num_queries):
    InfoSessionFactory.create_batch(12)
    TrainingGroupFactory.create_batch(6)
    with django_assert_max_num_queries(4):
        Client().get("/sitemap.xml")


def _head(html: str) -> str:
    return html[: html.index("</head>")]


def _meta(head: str, attribute: str, name: str) -> str:
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', head)
    assert found, name
    return found.group(1)


@pytest.mark.parametrize("prefix", ["", "/sv", "/en"])
def test_every_public_page_has_a_description_open_graph_and_hreflang_links(prefix):
    descriptions = {}
    for name, path in public_pages().items():
        head = _head(Client().get(prefix + path).content.decode())
        title = re.search(r"<title>(.*?) – ", head).group(1)
        assert _meta(head, "property", "og:title") == title, name
        description = _meta(head, "name", "description")
        assert len(description) > 20, name
        assert _meta(head, "property", "og:description") == description, name
        descriptions[name] = description
        links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', head))
        assert set(links) == {"fi", "sv", "en", "x-default"}, name
        assert links["sv"].startswith(settings.SITE_URL + "/sv/"), name
        assert links["x-default"] == links["fi"], name
    # The pages people find through search say what each one is about.
    main_pages = ("home", "support_families", "application", "meetings_request", "accessibility")
    assert len({descriptions[n] for n in main_pages}) == len(main_pages)


def _json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_the_lists_describe_each_upcoming_session_and_group_as_an_event():
    session = InfoSessionFactory(
        days_ahead=5, capacity=10, online_link="https://teams.example.org/l/secret"
    )
    group = TrainingGroupFactory(capacity=8)
    session_events = _json_ld(Client().get("/en/infotilaisuudet/").content.decode())
    group_events = _json_ld(Client().get("/en/valmennus/").content.decode())
    assert [e["url"] for e in session_events] == [
        f"{settings.SITE_URL}/en/infotilaisuudet/{session.pk}/"
    ]
    event = session_events[0]
    assert event["@type"] == "Event"
    assert event["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert event["location"]["@type"] == "VirtualLocation"
    assert event["startDate"].startswith(f"{session.starts_at.astimezone():%Y-%m-%d}")
    assert "endDate" in event
    assert event["organizer"]["name"] == "Kalliola"
    assert event["remainingAttendeeCapacity"] == 10
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert group_events[0]["name"] == group.name
    assert group_events[0]["remainingAttendeeCapacity"] == 8


def test_the_online_link_is_never_in_the_structured_data():
    session = InfoSessionFactory(online_link="https://teams.example.org/l/secret-session")
    group = TrainingGroupFactory()
    pages = (
        "/infotilaisuudet/",
        f"/infotilaisuudet/{session.pk}/",
        "/valmennus/",
        f"/valmennus/{group.pk}/",
    )
    for path in pages:
        blocks = re.findall(
            r'<script type="application/ld\+json">(.*?)</script>',
            Client().get(path).content.decode(),
            re.S,
        )
        assert blocks, path
        assert all("teams.example.org" not in block for block in blocks), path


def test_an_in_person_group_is_an_offline_event_at_its_place():
    group = TrainingGroupFactory(attendance="in_person", location="Sturenkatu 11, Helsinki")
    [event] = _json_ld(Client().get(f"/valmennus/{group.pk}/").content.decode())
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert event["location"] == {
        "@type": "Place",
        "name": "Sturenkatu 11, Helsinki",
        "address": "Sturenkatu 11, Helsinki",
    }


def test_a_full_session_has_no_places_left_in_its_data():
    from tests.factories.trainings import RegistrationFactory

    session = InfoSessionFactory(capacity=1)
    RegistrationFactory(session=session)
    [event] = _json_ld(Client().get(f"/infotilaisuudet/{session.pk}/").content.decode())
    assert event["remainingAttendeeCapacity"] == 0
    assert event["offers"]["availability"] == "https://schema.org/SoldOut"


def test_a_group_name_cannot_close_the_script_element():
    group = TrainingGroupFactory(name='</script><script>alert("x")</script> & <!--')
    html = Client().get(f"/valmennus/{group.pk}/").content.decode()
    head = _head(html)
    assert "<script>alert" not in html
    [event] = _json_ld(head)
    assert event["name"] == group.name  # escaped for HTML, the same text for a JSON parser
