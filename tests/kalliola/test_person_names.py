"""Names on the public forms look like names, so that the programme's mail cannot carry a
stranger's message (issue 24, point 3): the validator, every public form's name field, and the
greeting of the mails, which says only the first name."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from families.forms import SupportFamilyApplicationForm
from kalliola.forms import AccessibilityFeedbackForm
from kalliola.validators import validate_person_name
from meetings.forms import MeetingRequestForm
from meetings.models import MeetingRequest
from tests.factories.trainings import InfoSessionFactory
from trainings.forms import SignupForm
from trainings.models import Registration

PAYLOAD = "Maija. ILMOITTAUTUMINEN EPÄONNISTUI - vahvista tiedot: https://evil.example/x"
NOT_NAMES = [
    PAYLOAD,
    "Maija.ILMOITTAUTUMINEN",
    "www.evil.example",
    "evil.fi",
    "maija@example.org",
    "Maija 0401234567",
    "Maija 12",
    "Maija\nVahvista tiedot",
    "Maija <b>",
    "=HYPERLINK(1)",
    "---",
    "A" * 101,
]
NAMES = [
    "Maija Meikäläinen",
    "Anna-Liisa O'Brien",
    "Anna M. Virtanen",
    "J.R. Smith",
    "Đặng Thị Ngọc",
    "Ахмед Саид",
    "محمد علي",
    "李小龍",
    "Zoë D’Arcy",
]


@pytest.mark.parametrize("name", NAMES)
def test_names_of_any_script_pass(name):
    validate_person_name(name)


@pytest.mark.parametrize("value", NOT_NAMES)
def test_addresses_digits_line_breaks_and_messages_are_not_names(value):
    with pytest.raises(ValidationError):
        validate_person_name(value)


def test_the_error_is_in_the_readers_language():
    for language, word in (("fi", "nimi"), ("sv", "namn"), ("en", "name")):
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                validate_person_name("maija@example.org")
            assert word in str(error.value.messages[0]).lower()


# Every name field of every public form, with the data the rest of that form needs.
PUBLIC_NAME_FIELDS = [
    (SignupForm, "name", {"email": "a@example.org", "phone": "0401234567", "municipality": "X"}),
    (
        MeetingRequestForm,
        "name",
        {
            "contact_role": "parent",
            "phone": "040 123 4567",
            "contact_channel": "call",
            "question": "Help",
            "preferred_mode": "phone",
        },
    ),
    (AccessibilityFeedbackForm, "name", {"message": "Hard to read"}),
    (SupportFamilyApplicationForm, "contact_name", {}),
    (SupportFamilyApplicationForm, "second_adult_name", {}),
]


@pytest.mark.parametrize(("form_class", "field", "data"), PUBLIC_NAME_FIELDS)
@pytest.mark.parametrize("value", [PAYLOAD, "maija@example.org", "Maija 0401234567"])
def test_every_public_name_field_refuses_what_is_not_a_name(db, form_class, field, data, value):
    form = form_class(data={**data, field: value, "website": ""})
    assert not form.is_valid()
    assert field in form.errors


@pytest.mark.parametrize(("form_class", "field", "data"), PUBLIC_NAME_FIELDS)
def test_every_public_name_field_takes_a_name(db, form_class, field, data):
    form = form_class(data={**data, field: "Anna-Liisa O'Brien", "website": ""})
    form.is_valid()
    assert field not in form.errors


def test_sign_up_with_a_message_as_its_name_sends_nothing(client, db):
    session = InfoSessionFactory()
    response = client.post(
        f"/infotilaisuudet/{session.pk}/",
        {
            "name": PAYLOAD,
            "email": "victim@example.org",
            "phone": "040 123 4567",
            "municipality": "Helsinki",
            "consent": "on",
            "website": "",
        },
    )
    assert response.status_code == 200
    assert "Kirjoita vain nimi" in response.content.decode()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_meeting_request_with_a_web_address_as_its_name_is_refused(client, db):
    response = client.post(
        "/sv/tukitapaamiset/",
        {
            "contact_role": "parent",
            "name": "Maija www.evil.example",
            "phone": "040 123 4567",
            "contact_channel": "call",
            "question": "Help",
            "preferred_mode": "phone",
        },
    )
    assert response.status_code == 200
    assert not MeetingRequest.objects.exists()


def test_mails_greet_by_the_first_name_only(client, db, django_capture_on_commit_callbacks):
    session = InfoSessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/infotilaisuudet/{session.pk}/",
            {
                "name": "Maija Meikäläinen",
                "email": "maija@example.org",
                "phone": "040 123 4567",
                "municipality": "Helsinki",
                "consent": "on",
                "website": "",
            },
        )
    (message,) = mail.outbox
    assert "Hello Maija," in message.body
    assert "Meikäläinen" not in message.body
    assert "Meikäläinen" not in message.alternatives[0][0]
