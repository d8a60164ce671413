import pytest
from django.core import mail

from meetings.models import ContactRole, MeetingRequest
from tests.factories.meetings import ContactAdultFactory

URL = "/en/tukitapaamiset/"


def valid(**overrides):
    data = {
        "contact_role": "parent",
        "name": "Testi Vanhempi",
        "phone": "040 123 4567",
        "email": "Vanhempi@Example.org",
        "contact_channel": "call",
        "best_time": "weekdays after 12",
        "question": "We need help with a letter from social services.",
        "preferred_mode": "phone",
        "municipality": "Helsinki",
        "organisation": "",
    }
    data.update(overrides)
    return data


def test_page_explains_support_meetings_and_shows_the_form(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "What are support meetings?" in html
    assert 'name="contact_role"' in html
    assert 'name="family_agreed"' in html
    assert 'name="website"' in html  # honeypot
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_finnish_page_answers_at_the_unprefixed_path(client, db):
    assert client.get("/tukitapaamiset/").status_code == 200


def test_request_is_saved_confirmed_on_screen_and_by_email(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid())
    assert response.status_code == 302
    saved = MeetingRequest.objects.get()
    assert saved.contact_role == ContactRole.PARENT
    assert saved.email == "vanhempi@example.org"
    assert saved.preferred_mode == "phone"
    assert saved.language == "en"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "We got your message" in page.content.decode()
    assert "We will call you." in page.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["vanhempi@example.org"]
    assert "We contact you in about one week." in mail.outbox[0].body


def test_thank_you_page_without_a_request_goes_back_to_the_form(client, db):
    response = client.get("/en/tukitapaamiset/kiitos/")
    assert response.status_code == 302
    assert response["Location"].endswith("/tukitapaamiset/")


def test_no_email_is_sent_without_an_address(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, valid(email="")).status_code == 302
    assert mail.outbox == []


def test_professional_without_the_familys_agreement_is_refused(client, db):
    response = client.post(URL, valid(contact_role="professional", organisation="Neuvola"))
    assert response.status_code == 200
    assert response.context["form"].errors["family_agreed"]
    assert not MeetingRequest.objects.exists()
    assert mail.outbox == []


def test_professional_with_agreement_is_saved_with_source_for_statistics(client, db):
    response = client.post(
        URL, valid(contact_role="professional", organisation="Neuvola", family_agreed="on")
    )
    assert response.status_code == 302
    saved = MeetingRequest.objects.get()
    assert saved.contact_role == ContactRole.PROFESSIONAL
    assert saved.family_agreed is True


@pytest.mark.parametrize(
    ("field", "length"), [("question", 2001), ("name", 201), ("best_time", 201)]
)
def test_over_long_text_is_a_form_error_and_nothing_is_saved(client, db, field, length):
    response = client.post(URL, valid(**{field: "x" * length}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not MeetingRequest.objects.exists()


def test_phone_or_email_is_needed(client, db):
    response = client.post(URL, valid(phone="", email="", contact_channel="call"))
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not MeetingRequest.objects.exists()


def test_asking_for_email_needs_an_email_address(client, db):
    response = client.post(URL, valid(email="", contact_channel="email"))
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_bad_phone_number_is_a_form_error(client, db):
    response = client.post(URL, valid(phone="call me maybe"))
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors


def test_unknown_choice_is_a_form_error_not_a_500(client, db):
    response = client.post(URL, valid(preferred_mode="carrier-pigeon", contact_role="robot"))
    assert response.status_code == 200
    assert not MeetingRequest.objects.exists()


def test_filled_honeypot_is_refused(client, db):
    response = client.post(URL, valid(website="http://spam.example"))
    assert response.status_code == 200
    assert not MeetingRequest.objects.exists()


def test_request_from_a_family_with_an_earlier_case_links_to_it(client, db):
    earlier = ContactAdultFactory(email="perhe@example.org").case
    client.post(URL, valid(email="PERHE@example.org", phone="050 999 8888"))
    assert MeetingRequest.objects.get().earlier_case == earlier


@pytest.mark.parametrize("typed", ["0401234567", "+358 40 123 4567", "040-123 4567"])
def test_same_phone_written_differently_links_to_the_earlier_case(db, typed):
    from meetings.services import find_earlier_case

    earlier = ContactAdultFactory(phone="040 123 4567", email="").case
    assert find_earlier_case(email="", phone=typed) == earlier
    assert find_earlier_case(email="", phone="040 765 0000") is None


def test_public_form_is_rate_limited(client, db, settings):
    settings.PUBLIC_FORM_RATE_PER_MINUTE = 2
    for _ in range(2):
        client.post(URL, valid())
    assert client.post(URL, valid()).status_code == 429
    assert MeetingRequest.objects.count() == 2


def test_public_page_query_count_is_small(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get(URL).status_code == 200
