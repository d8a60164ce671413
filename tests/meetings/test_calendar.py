import datetime
import zoneinfo

import time_machine
from icalendar import Calendar

from meetings.models import CalendarToken
from tests.factories.meetings import ContactAdultFactory, MeetingFactory, SupportCaseFactory

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def feed_url(client, user):
    client.force_login(user)
    response = client.get("/en/tyo/kalenteri/")
    assert response.status_code == 200
    token = CalendarToken.objects.get(user=user).token
    assert token in response.content.decode()
    client.logout()
    return f"/tyo/kalenteri/{token}.ics"


def test_feed_lists_only_my_meetings_in_helsinki_time(client, support_worker, other_support_worker):
    case = SupportCaseFactory(support_worker=support_worker)
    ContactAdultFactory(case=case, name="Salainen Nimi")
    starts = datetime.datetime(2026, 6, 15, 13, 30, tzinfo=HELSINKI)
    MeetingFactory(case=case, number=1, starts_at=starts, duration_minutes=90, mode="online")
    MeetingFactory(case__support_worker=other_support_worker, number=1, starts_at=starts)
    url = feed_url(client, support_worker)
    with time_machine.travel(datetime.datetime(2026, 6, 1, tzinfo=HELSINKI)):
        response = client.get(url)  # no login: the secret address is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "Salainen Nimi" not in response.content.decode()
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert event.decoded("dtstart") == starts
    assert event.decoded("dtend") == starts + datetime.timedelta(minutes=90)
    assert event["dtstart"].params["TZID"] == "Europe/Helsinki"
    assert f"/tyo/asiakkuudet/{case.pk}/" in str(event["url"])
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Helsinki"]


def test_empty_feed_is_still_a_valid_calendar(client, support_worker):
    response = client.get(feed_url(client, support_worker))
    cal = Calendar.from_ical(response.content)
    assert cal.walk("VEVENT") == []
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Helsinki"]


def test_reset_gives_a_new_address_and_the_old_one_stops_working(client, support_worker):
    old = feed_url(client, support_worker)
    client.force_login(support_worker)
    response = client.post("/en/tyo/kalenteri/uusi-osoite/")
    assert response.status_code == 302
    client.logout()
    assert client.get(old).status_code == 404
    new = f"/tyo/kalenteri/{CalendarToken.objects.get(user=support_worker).token}.ics"
    assert new != old
    assert client.get(new).status_code == 200


def test_unknown_token_is_a_404(client, db):
    assert client.get("/tyo/kalenteri/not-a-real-token.ics").status_code == 404


def test_reset_needs_post(client, support_worker):
    client.force_login(support_worker)
    assert client.get("/en/tyo/kalenteri/uusi-osoite/").status_code == 405


def test_tokens_are_random_and_per_worker(support_worker, other_support_worker):
    from meetings import calendar

    first = calendar.token_for(support_worker).token
    assert calendar.token_for(support_worker).token == first
    assert calendar.token_for(other_support_worker).token != first
    assert len(first) >= 40
