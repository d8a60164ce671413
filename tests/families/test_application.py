"""The public application /tukiperheeksi/: a new household, or completing one that exists."""

import pytest
from django.core import mail
from django.urls import reverse

from families.models import DuplicateSubmission, FamilyStatus, FamilyStatusChange, SupportFamily
from families.services import submit_application
from tests.helpers import requires_postgresql, run_at_once

pytestmark = pytest.mark.django_db

URL = "/en/tukiperheeksi/"


def valid_data(**overrides):
    data = {
        "contact_name": "Maija Meikäläinen",
        "email": "Maija@Example.org",
        "phone": "040 000 0123",
        "second_adult_name": "",
        "second_adult_email": "",
        "second_adult_phone": "",
        "contact_language": "en",
        "street_address": "Testikatu 1 A 2",
        "postal_code": "00530",
        "municipality": "Helsinki",
        "household_members": "Two adults and a cat",
        "languages": ["fi", "en"],
        "has_pets": "on",
        "pets": "a cat",
        "child_age_min": "4",
        "child_age_max": "10",
        "max_children": "1",
        "frequency": "weekend_month",
        "home_accessibility": "",
        "wishes": "We like the outdoors.",
        "commitment": "on",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_form_page_shows_the_four_parts_and_the_honeypot(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    for part in ("Your household", "What you can offer", "Your wishes", "Commitment and consent"):
        assert part in body
    assert 'name="website"' in body


def test_application_creates_a_household_in_applied_with_history(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("application_sent")
    family = SupportFamily.objects.get()
    assert family.email == "maija@example.org"
    assert family.status == FamilyStatus.APPLIED
    assert family.languages == ["fi", "en"]
    assert (family.child_age_min, family.child_age_max) == (4, 10)
    assert family.commitment_acknowledged
    assert family.consent_given_at is not None
    assert family.application_submitted_at is not None
    change = FamilyStatusChange.objects.get(family=family)
    assert (change.from_status, change.to_status) == ("", FamilyStatus.APPLIED)


def test_confirmation_email_is_sent_after_commit_in_the_persons_language(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(URL, valid_data())
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maija@example.org"]
    assert "We received your application" in message.subject
    assert "/infotilaisuudet/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    # The greeting says the first name only: a name cannot carry a message (issue 24).
    assert "Hello Maija," in message.body
    assert "Hello Maija," in html
    assert "Meikäläinen" not in message.body + html


def test_thank_you_page_points_to_the_info_sessions(client):
    response = client.get(reverse("application_sent"))
    assert response.status_code == 200
    assert reverse("trainings:info_session_list") in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postal_code", "1234"),
        ("postal_code", "123456"),
        ("postal_code", "00 530"),
        ("phone", "abc"),
        ("phone", "123"),
        ("second_adult_phone", "+358 40 12x"),
        ("email", "not-an-address"),
        ("contact_name", ""),
    ],
)
def test_malformed_input_is_a_form_error_and_nothing_is_saved(client, field, value):
    response = client.post(URL, valid_data(**{field: value, "second_adult_name": "Matti"}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SupportFamily.objects.exists()


@pytest.mark.parametrize("missing", ["consent", "commitment"])
def test_missing_consent_or_commitment_is_refused(client, missing):
    data = valid_data()
    del data[missing]
    response = client.post(URL, data)
    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert not SupportFamily.objects.exists()


def test_what_was_typed_is_kept_after_an_error(client):
    response = client.post(URL, valid_data(postal_code="12"))
    body = response.content.decode()
    assert 'value="Testikatu 1 A 2"' in body
    assert "We like the outdoors." in body


def test_age_range_the_wrong_way_round_is_refused(client):
    response = client.post(URL, valid_data(child_age_min="12", child_age_max="5"))
    assert "child_age_max" in response.context["form"].errors
    assert not SupportFamily.objects.exists()


def test_age_over_17_is_not_offered(client):
    response = client.post(URL, valid_data(child_age_max="18"))
    assert "child_age_max" in response.context["form"].errors


def test_pets_need_a_word_on_what_pets(client):
    response = client.post(URL, valid_data(pets=""))
    assert "pets" in response.context["form"].errors


def test_filled_honeypot_is_refused(client):
    response = client.post(URL, valid_data(website="http://spam.example"))
    assert response.status_code == 200
    assert not SupportFamily.objects.exists()


def test_status_cannot_be_set_from_the_form(client):
    client.post(URL, valid_data(status="approved", criminal_record_checked_on="2026-01-01"))
    family = SupportFamily.objects.get()
    assert family.status == FamilyStatus.APPLIED
    assert family.criminal_record_checked_on is None


def test_too_many_posts_from_one_address_get_429(client, settings):
    settings.PUBLIC_FORM_RATE_PER_MINUTE = 2
    codes = [client.post(URL, valid_data(postal_code="1")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_finnish_page_is_at_the_unprefixed_path(client):
    assert client.get("/tukiperheeksi/").status_code == 200
    assert reverse("families:apply") in ("/tukiperheeksi/", "/en/tukiperheeksi/")


def test_confirmation_is_written_in_the_language_the_person_chose(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, valid_data(contact_language="sv"))
    html, _mimetype = mail.outbox[0].alternatives[0]
    assert '<html lang="sv">' in html


def test_application_page_has_one_csrf_token(client):
    body = client.get(URL).content.decode()
    form = body[body.index('class="application-form"') :]
    assert form.count("csrfmiddlewaretoken") == 1


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_applications_with_the_same_new_email_at_once_make_one_household():
    data = {"contact_name": "Maija", "phone": "040 000 0123", "municipality": "Helsinki"}

    def send():
        return submit_application(email="same@example.org", data=data)[1]

    outcomes = run_at_once([send, send])
    # Neither is refused: the second is kept apart as the first one's possible duplicate.
    assert sorted(outcomes) == [False, True]
    assert SupportFamily.objects.filter(email="same@example.org").count() == 1
    assert DuplicateSubmission.objects.count() == 1
