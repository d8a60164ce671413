"""A person cancels their own sign-up from the signed link in the confirmation e-mail."""

import re

import pytest
from django.core import mail

from tests.factories.trainings import InfoSessionFactory, TrainingGroupFactory
from trainings import services
from trainings.models import EnrollmentStatus, RegistrationStatus
from trainings.tokens import ENROLLMENT, cancel_token

pytestmark = pytest.mark.django_db


def person(n):
    return {"name": f"P {n}", "email": f"p{n}@example.org", "phone": "040 123 4567"}


def cancel_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/[^\s]*peru-ilmoittautuminen/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_enrollment_cancel_link_frees_the_place_and_promotes_the_next(
    client, django_capture_on_commit_callbacks
):
    group = TrainingGroupFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.enroll(group, **person(1), language="en")
        second = services.enroll(group, **person(2))
    path = cancel_path(mail.outbox[0])
    assert "p1@" not in path  # no personal data in the URL
    assert client.get(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == EnrollmentStatus.CANCELLED
    assert second.status == EnrollmentStatus.ENROLLED
    again = client.get(path)
    assert "already cancelled" in again.content.decode()


def test_registration_cancel_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register_for_info_session(
            InfoSessionFactory(), **person(1), language="en"
        )
    client.post(cancel_path(mail.outbox[0]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_tampered_or_foreign_token_is_404(client):
    assert client.get("/en/peru-ilmoittautuminen/abc/").status_code == 404
    assert client.post("/en/peru-ilmoittautuminen/abc:def:ghi/").status_code == 404
    forged = cancel_token(ENROLLMENT, 999999)
    assert client.get(f"/en/peru-ilmoittautuminen/{forged}/").status_code == 404


def test_started_group_cannot_be_cancelled_online(client):
    group = TrainingGroupFactory(sessions__days_ahead=-1)
    enrollment = services.enroll_family(
        group, services.enroll(TrainingGroupFactory(), **person(1)).family
    )
    token = cancel_token(ENROLLMENT, enrollment.pk)
    response = client.post(f"/en/peru-ilmoittautuminen/{token}/")
    assert response.status_code == 409
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ENROLLED
