"""The online meeting link lets anyone into the meeting: it goes only to people who signed up
(the text of their e-mail and the .ics attached to it), never to a public page or feed."""

import pytest
from django.core import mail
from icalendar import Calendar

from tests.factories.trainings import InfoSessionFactory, TrainingGroupFactory
from trainings import services

pytestmark = pytest.mark.django_db

INFO_LINK = "https://teams.example.org/l/info"
GROUP_LINK = "https://teams.example.org/l/group"
PERSON = {"phone": "040 123 4567", "municipality": "Espoo"}


def ics_text(message) -> str:
    (_name, content, _type) = message.attachments[0]
    return b"".join(Calendar.from_ical(content).to_ical().split(b"\r\n ")).decode()


def test_info_session_confirmation_has_the_link_in_text_html_and_ics(
    django_capture_on_commit_callbacks,
):
    session = InfoSessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.register_for_info_session(
            session, name="Eva", email="eva@example.org", language="en", **PERSON
        )
    message = mail.outbox[0]
    assert f"Join online: {INFO_LINK}" in message.body
    assert f'href="{INFO_LINK}"' in message.alternatives[0][0]
    assert INFO_LINK in ics_text(message)


def test_training_place_confirmation_has_the_evenings_link(django_capture_on_commit_callbacks):
    group = TrainingGroupFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.enroll(group, name="Eva", email="eva@example.org", language="en", **PERSON)
    message = mail.outbox[0]
    assert message.body.count(f"Join online: {GROUP_LINK}") == 3
    assert GROUP_LINK in ics_text(message)


def test_waiting_list_notice_has_no_link(django_capture_on_commit_callbacks):
    group = TrainingGroupFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.enroll(group, name="A", email="a@example.org", **PERSON)
        services.enroll(group, name="B", email="b@example.org", **PERSON)
    waiting = next(m for m in mail.outbox if m.to == ["b@example.org"])
    assert GROUP_LINK not in waiting.body
    assert GROUP_LINK not in waiting.alternatives[0][0]


def test_link_is_in_no_public_response(client):
    session = InfoSessionFactory()
    group = TrainingGroupFactory()
    paths = ["/kalenteri.ics"]
    for prefix in ("", "/sv", "/en"):
        paths += [
            f"{prefix}/",
            f"{prefix}/infotilaisuudet/",
            f"{prefix}/infotilaisuudet/{session.pk}/",
            f"{prefix}/infotilaisuudet/{session.pk}/kalenteri.ics",
            f"{prefix}/valmennus/",
            f"{prefix}/valmennus/{group.pk}/",
            f"{prefix}/valmennus/{group.pk}/kalenteri.ics",
        ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert "teams.example.org" not in body, path
    # The public calendar still has the events, only without the link.
    feed = Calendar.from_ical(client.get("/kalenteri.ics").content)
    found = feed.walk("VEVENT")
    assert len(found) == 4
    assert all(str(e["LOCATION"]) and "http" not in str(e["LOCATION"]) for e in found)
