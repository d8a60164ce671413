"""Read-only history tables on admin change pages (kalliola/admin_inlines.py): shown, and the
page still saves as a browser sends it, without touching the rows shown."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories.meetings import MeetingFactory
from tests.factories.relationships import StayFactory

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """What a browser sends for the change form: inputs, checked boxes, selected options."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append((name, a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.append(tuple(self._textarea))
            self._textarea = None


def _save_as_shown(client, url):
    page = client.get(url)
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.content.decode())
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value.strip("\n"))
    data["_save"] = ["Tallenna"]
    return page, client.post(url, data)


def test_case_page_lists_meetings_and_saves_without_touching_them(client, coordinator):
    meeting = MeetingFactory(number=1, topics=["mapping"], notes="Kartoitettiin <b>tilanne</b>")
    client.force_login(coordinator)
    url = reverse("admin:meetings_supportcase_change", args=[meeting.case_id])
    page, saved = _save_as_shown(client, url)
    html = page.content.decode()
    assert "Mapping the situation" in html or "Tilanteen kartoitus" in html
    assert "Kartoitettiin &lt;b&gt;tilanne&lt;/b&gt;" in html  # escaped, as every cell
    assert saved.status_code == 302, saved.content.decode()[:2000]
    meeting.refresh_from_db()
    assert meeting.notes == "Kartoitettiin <b>tilanne</b>" and meeting.topics == ["mapping"]


def test_relationship_page_lists_stays_and_saves(client, coordinator):
    stay = StayFactory(notes="")
    client.force_login(coordinator)
    url = reverse("admin:families_supportrelationship_change", args=[stay.relationship_id])
    page, saved = _save_as_shown(client, url)
    assert f"{stay.nights}</td>" in page.content.decode()
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert stay.relationship.stays.count() == 1


def test_an_empty_table_says_so(client, coordinator):
    case = MeetingFactory().case
    case.meetings.all().delete()
    client.force_login(coordinator)
    with translation.override("en"):
        page = client.get(reverse("admin:meetings_supportcase_change", args=[case.pk]))
    assert page.status_code == 200
    meetings = page.content.decode().split('id="meetings-heading"')[1].split("</fieldset>")[0]
    assert "None yet." in meetings
