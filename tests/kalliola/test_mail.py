"""A failing mail service never turns a saved change into an error page (kalliola/mail.py)."""

import logging

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import InfoSessionFactory, RegistrationFactory
from tests.helpers import signup_form
from trainings import services
from trainings.models import Registration

pytestmark = pytest.mark.django_db(transaction=True)


class RefusingBackend(BaseEmailBackend):
    """Refuses mail to any address with "refused" in it, as a provider might; delivers the rest."""

    def send_messages(self, messages):
        for message in messages:
            if any("refused" in address for address in message.to):
                raise ConnectionError(f"provider refused {message.to[0]}")
            mail.outbox.append(message)
        return len(messages)


@pytest.fixture(autouse=True)
def _refusing_mail(settings):
    settings.EMAIL_BACKEND = "tests.kalliola.test_mail.RefusingBackend"
    mail.outbox = []


def test_a_signup_is_saved_and_thanked_for_when_its_mail_fails(caplog):
    session = InfoSessionFactory(capacity=5)
    with caplog.at_level(logging.ERROR, logger="kalliola.mail"):
        response = Client().post(
            f"/en/infotilaisuudet/{session.pk}/", signup_form(email="refused@example.org")
        )
    assert response.status_code == 302
    assert Registration.objects.filter(session=session).count() == 1
    assert "send_registration_confirmation" in caplog.text
    # The log says which mail and why, never to whom.
    assert "refused@example.org" not in caplog.text


def test_one_refused_address_does_not_stop_the_others_being_told():
    session = InfoSessionFactory()
    for email in ("a@example.org", "refused@example.org", "c@example.org"):
        RegistrationFactory(session=session, family=SupportFamilyFactory(email=email))
    services.cancel_info_session(session)
    told = sorted(message.to[0] for message in mail.outbox)
    assert told == ["a@example.org", "c@example.org"]
