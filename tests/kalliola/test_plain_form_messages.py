"""No Django default message on a public page, in Finnish, Swedish or English (issue 25).

Django's own wording ("Tämä kenttä vaaditaan.", "Syötä kelvollinen sähköpostiosoite.", "Detta
fält måste fyllas i.", "This field is required.") is passive and says nothing about how to fix
the answer. Each public form is sent empty and then with every kind of wrong answer a browser
can send (too long, not an address, a choice that is not offered, not a number); the page it
answers with shows the form's own messages and none of Django's.
"""

import pytest
from django.utils import translation

from families.forms import SupportFamilyApplicationForm
from kalliola.forms import AccessibilityFeedbackForm, StaffLoginForm
from kalliola.public_forms import DJANGO_MESSAGE_IDS, message_id
from meetings.forms import MeetingRequestForm
from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import EventFactory, InfoSessionFactory, TrainingGroupFactory
from trainings.forms import EventReplyForm, SignupForm
from trainings.models import EventInvitation
from trainings.tokens import INVITATION, make_token

pytestmark = pytest.mark.django_db

LANGUAGES = {"fi": "", "sv": "/sv", "en": "/en"}

# The wording the issue met, written out so the test does not only trust the set it checks with.
SEEN_IN_THE_ISSUE = {
    "fi": ["Tämä kenttä vaaditaan", "Syötä kelvollinen sähköpostiosoite"],
    "sv": ["Detta fält måste fyllas i", "Fyll i en giltig e-postadress"],
    "en": ["This field is required", "Enter a valid email address"],
}


def django_wordings(language: str) -> list[str]:
    """Django's default messages as a page in `language` would show them: the fixed text of
    each, up to its first placeholder."""
    wordings = set(SEEN_IN_THE_ISSUE[language])
    with translation.override(language):
        for msgid in DJANGO_MESSAGE_IDS:
            text = translation.gettext(msgid)
            fixed = text.split("%(")[0].split("{")[0].split("“")[0].strip()
            if len(fixed) >= 12:  # long enough to be that message, not a common word
                wordings.add(fixed)
    return sorted(wordings)


def wrong_answers(form_class, **form_kwargs) -> list[dict]:
    """Posts that bring out every message a field of `form_class` has: all empty, and each
    field with a wrong answer of its kind."""
    form = form_class(**form_kwargs)
    wrong: dict = {}
    for name, field in form.fields.items():
        widget = type(field.widget).__name__
        if getattr(field, "max_length", None):
            wrong[name] = "a" * (field.max_length + 1)
        if "Email" in type(field).__name__:
            wrong[name] = "not an address"
        if hasattr(field, "choices") and widget != "CheckboxInput":
            wrong[name] = ["no-such-choice"] if "Multiple" in widget else "no-such-choice"
        if "Integer" in type(field).__name__:
            wrong[name] = "many"
    too_big = {
        name: "999"
        for name, field in form.fields.items()
        if getattr(field, "max_value", None) is not None
    }
    # The honeypot, empty, is sent as a browser sends it (an empty POST is an unbound form).
    return [{"website": ""}, {**wrong, "website": ""}, {**too_big, "website": ""}]


def assert_no_django_wording(client, path: str, form_class, **form_kwargs):
    for language, prefix in LANGUAGES.items():
        wordings = django_wordings(language)
        for data in wrong_answers(form_class, **form_kwargs):
            response = client.post(prefix + path, data)
            assert response.status_code == 200, (language, data)
            page = response.content.decode()
            assert "form-error-summary" in page, (language, data)
            shown = [w for w in wordings if w in page]
            assert shown == [], (path, language, data, shown)


def test_form_fields_keep_no_django_default_message():
    forms = [
        MeetingRequestForm(),
        SignupForm(purpose="info_session"),
        SignupForm(),
        SupportFamilyApplicationForm(),
        AccessibilityFeedbackForm(),
        EventReplyForm(),
        StaffLoginForm(),
    ]
    for form in forms:
        for name, field in form.fields.items():
            left = [
                code
                for code, message in field.error_messages.items()
                if message_id(message) in DJANGO_MESSAGE_IDS
            ]
            assert left == [], (type(form).__name__, name, left)


def test_meetings_request_shows_only_its_own_messages(client):
    assert_no_django_wording(client, "/tukitapaamiset/", MeetingRequestForm)


def test_info_session_sign_up_shows_only_its_own_messages(client):
    session = InfoSessionFactory()
    assert_no_django_wording(
        client, f"/infotilaisuudet/{session.pk}/", SignupForm, purpose="info_session"
    )


def test_training_group_sign_up_shows_only_its_own_messages(client):
    group = TrainingGroupFactory()
    assert_no_django_wording(client, f"/valmennus/{group.pk}/", SignupForm)


def test_application_shows_only_its_own_messages(client):
    assert_no_django_wording(client, "/tukiperheeksi/", SupportFamilyApplicationForm)


def test_accessibility_feedback_shows_only_its_own_messages(client):
    assert_no_django_wording(client, "/saavutettavuus/", AccessibilityFeedbackForm)


def test_event_reply_shows_only_its_own_messages(client):
    invitation = EventInvitation.objects.create(event=EventFactory(), family=SupportFamilyFactory())
    path = f"/tapahtumat/vastaa/{make_token(INVITATION, invitation.pk)}/"
    assert_no_django_wording(client, path, EventReplyForm)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plain_messages_exist_in_each_language(client, language):
    """The form's own words, translated: not the English text on a Finnish or Swedish page."""
    expected = {
        "fi": ["Kirjoita nimesi.", "Kirjoita puhelinnumero tai sähköposti. Yksi riittää."],
        "sv": ["Skriv ditt namn.", "Skriv ett telefonnummer eller en e-postadress."],
        "en": ["Write your name.", "Write a phone number or an e-mail address. One is enough."],
    }[language]
    page = client.post(LANGUAGES[language] + "/tukitapaamiset/", {"website": ""}).content.decode()
    for text in expected:
        assert text in page
    too_long = client.post(
        LANGUAGES[language] + "/tukitapaamiset/", {"question": "a" * 2001}
    ).content.decode()
    assert {"fi": "Lyhennä se", "sv": "Gör den kortare", "en": "Make it at most"}[
        language
    ] in too_long
    bad_address = client.post(
        LANGUAGES[language] + "/tukitapaamiset/", {"email": "maija(at)example"}
    ).content.decode()
    assert {
        "fi": "nimi@esimerkki.fi",
        "sv": "namn@exempel.fi",
        "en": "name@example.fi",
    }[language] in bad_address


def test_support_workers_sign_in_shows_only_its_own_messages(client):
    assert_no_django_wording(client, "/tyo/kirjaudu/", StaffLoginForm)
    page = client.post("/tyo/kirjaudu/", {"username": "nobody", "password": "wrong"})
    assert "Käyttäjätunnus tai salasana on väärin." in page.content.decode()
