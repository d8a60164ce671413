import pytest
from django.core import mail

from tests.factories.trainings import InfoSessionFactory, TrainingGroupFactory
from trainings import services

pytestmark = pytest.mark.django_db


def sign_up(session, language, email="x@example.org"):
    return services.register_for_info_session(
        session, name="Eva", email=email, phone="040 123 4567", language=language
    )


def test_confirmation_has_plain_text_html_and_ics(django_capture_on_commit_callbacks, settings):
    session = InfoSessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(session, "en")
    message = mail.outbox[0]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "info session" in message.subject
    assert "Hello Eva" in message.body
    assert session.online_link not in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<p>" in html and 'lang="en"' in html
    assert f"{settings.SITE_URL}/en/infotilaisuudet/{session.pk}/" in message.body
    assert message.attachments[0][0] == "infotilaisuus.ics"


def test_email_is_in_the_recipients_language(django_capture_on_commit_callbacks):
    session = InfoSessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(session, "sv", email="sv@example.org")
        sign_up(session, "en", email="en@example.org")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    html_sv = by_recipient["sv@example.org"].alternatives[0][0]
    assert 'lang="sv"' in html_sv
    assert "/sv/infotilaisuudet/" in by_recipient["sv@example.org"].body
    assert "/en/infotilaisuudet/" in by_recipient["en@example.org"].body


def test_enrollment_confirmation_lists_the_three_evenings(django_capture_on_commit_callbacks):
    group = TrainingGroupFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.enroll(group, name="Eva", email="e@example.org", phone="0401234567", language="en")
    message = mail.outbox[0]
    assert message.body.count("\n- ") == 3
    assert group.name in message.body
