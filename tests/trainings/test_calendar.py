"""iCalendar output: parsed back with icalendar, as a calendar program would read it."""

import datetime

import pytest
from django.core import mail
from icalendar import Calendar

from tests.factories.trainings import (
    EnrollmentFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from trainings import calendar, services
from trainings.models import GroupStatus

pytestmark = pytest.mark.django_db


def parse(content: bytes):
    parsed = Calendar.from_ical(content)
    assert parsed["VERSION"] == "2.0"
    assert parsed["PRODID"]
    return parsed


def events(parsed):
    return list(parsed.walk("VEVENT"))


def test_feed_lists_info_sessions_and_training_sessions_with_timezone(client):
    session = InfoSessionFactory()
    group = TrainingGroupFactory()
    TrainingGroupFactory(status=GroupStatus.DRAFT)  # drafts stay private
    response = client.get("/kalenteri.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = parse(response.content)
    found = events(parsed)
    assert len(found) == 1 + 3
    uids = {str(e["UID"]) for e in found}
    assert calendar.uid_for(session) in uids
    assert all(calendar.uid_for(s) in uids for s in group.sessions.all())
    zones = [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")]
    assert zones == ["Europe/Helsinki"]
    start = found[0].decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Helsinki"
    assert found[0]["DTSTART"].params["TZID"] == "Europe/Helsinki"


def test_uid_is_stable_between_downloads(client):
    session = InfoSessionFactory()
    first = events(parse(client.get(f"/infotilaisuudet/{session.pk}/kalenteri.ics").content))
    second = events(parse(client.get("/kalenteri.ics").content))
    assert str(first[0]["UID"]) == str(second[0]["UID"])


def test_event_time_matches_the_session(client):
    session = InfoSessionFactory()
    event = events(parse(client.get(f"/en/infotilaisuudet/{session.pk}/kalenteri.ics").content))[0]
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTEND") == session.ends_at
    # A public download: the meeting link is only in the attendee's own e-mail.
    assert session.online_link not in str(event.to_ical())


def test_cancellation_bumps_sequence_and_marks_cancelled(client):
    session = InfoSessionFactory()
    before = events(parse(calendar.build([session])))[0]
    assert int(before["SEQUENCE"]) == 0
    assert str(before["STATUS"]) == "CONFIRMED"
    services.cancel_info_session(session)
    session.refresh_from_db()
    after = events(parse(client.get("/kalenteri.ics").content))[0]
    assert int(after["SEQUENCE"]) == 1
    assert str(after["STATUS"]) == "CANCELLED"


def test_group_download_has_all_three_evenings(client):
    group = TrainingGroupFactory()
    response = client.get(f"/en/valmennus/{group.pk}/kalenteri.ics")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert len(events(parse(response.content))) == 3


def test_cancelled_training_session_in_notice_attachment(django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory()
    session = enrollment.group.sessions.first()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_training_session(session)
    message = mail.outbox[0]
    name, content, mimetype = message.attachments[0]
    assert mimetype.startswith("text/calendar")
    event = events(parse(content))[0]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


def test_every_email_attachment_parses(django_capture_on_commit_callbacks):
    group = TrainingGroupFactory(capacity=1)
    person = {"phone": "040 123 4567", "municipality": "Espoo"}
    with django_capture_on_commit_callbacks(execute=True):
        services.register_for_info_session(
            InfoSessionFactory(), name="A", email="a@example.org", **person
        )
        first = services.enroll(group, name="B", email="b@example.org", **person)
        services.enroll(group, name="C", email="c@example.org", **person)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_enrollment(first)
    attachments = [a for m in mail.outbox for a in m.attachments]
    assert len(attachments) >= 3
    for _name, content, _type in attachments:
        assert events(parse(content))


def test_feed_leaves_out_sessions_older_than_a_month(client):
    InfoSessionFactory(days_ahead=-40)
    recent = InfoSessionFactory(days_ahead=-5)
    found = events(parse(client.get("/kalenteri.ics").content))
    assert [str(e["UID"]) for e in found] == [calendar.uid_for(recent)]


def test_rescheduling_in_admin_bumps_sequence_and_tells_participants(
    admin_client, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory()
    registration = RegistrationFactory(session=session)
    new_start = session.starts_at + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/trainings/infosession/{session.pk}/change/",
            {
                "starts_at_0": new_start.astimezone().strftime("%d.%m.%Y"),
                "starts_at_1": "17:00:00",
                "ends_at_0": new_start.astimezone().strftime("%d.%m.%Y"),
                "ends_at_1": "18:00:00",
                "online_link": session.online_link,
                "capacity": "20",
                "language": "fi",
                "notes": "",
                "registrations-TOTAL_FORMS": "0",
                "registrations-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    session.refresh_from_db()
    assert session.sequence == 1
    assert [m.to for m in mail.outbox] == [[registration.family.email]]
    event = events(parse(mail.outbox[0].attachments[0][1]))[0]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == session.starts_at


def test_changed_training_session_is_sent_to_enrolled_households_only(
    django_capture_on_commit_callbacks,
):
    enrollment = EnrollmentFactory()
    waiting = EnrollmentFactory(group=enrollment.group, status="waitlisted")
    session = enrollment.group.sessions.first()
    session.starts_at += datetime.timedelta(hours=1)
    session.ends_at += datetime.timedelta(hours=1)
    session.sequence += 1
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_session_changed(session) == 1
    assert [m.to for m in mail.outbox] == [[enrollment.family.email]]
    assert waiting.family.email not in mail.outbox[0].to
    event = events(parse(mail.outbox[0].attachments[0][1]))[0]
    assert str(event["UID"]) == calendar.uid_for(session)
    assert event.decoded("DTSTART") == session.starts_at
