"""Public info-session and training-group pages and their sign-up forms."""

import pytest
from django.core import mail
from django.urls import reverse

from families.models import SupportFamily
from tests.factories.trainings import InfoSessionFactory, RegistrationFactory, TrainingGroupFactory
from trainings.models import Enrollment, EnrollmentStatus, GroupStatus, Registration

pytestmark = pytest.mark.django_db


def form_data(**extra):
    return {
        "name": "Maija Meikäläinen",
        "email": "maija@example.org",
        "phone": "040 123 4567",
        "municipality": "Helsinki",
        "consent": "on",
        "website": "",
        **extra,
    }


def info_url(session, lang="/en"):
    return f"{lang}/infotilaisuudet/{session.pk}/"


def group_url(group, lang="/en"):
    return f"{lang}/valmennus/{group.pk}/"


def test_info_session_list_shows_upcoming_sessions_with_places(client):
    session = InfoSessionFactory(capacity=5)
    RegistrationFactory(session=session)
    InfoSessionFactory(days_ahead=-3)  # past: not listed
    response = client.get("/en/infotilaisuudet/")
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("trainings:info_session_detail", args=[session.pk]) in content
    assert "4 places left" in content


def test_finnish_list_is_served_at_the_unprefixed_path(client):
    InfoSessionFactory()
    assert client.get("/infotilaisuudet/").status_code == 200
    assert client.get("/valmennus/").status_code == 200


def test_signup_form_has_consent_with_link_to_privacy_notice(client):
    session = InfoSessionFactory()
    content = client.get(info_url(session)).content.decode()
    assert 'name="consent"' in content
    assert f'href="{reverse("privacy")}"' in content
    assert 'name="website"' in content  # honeypot


def test_info_session_signup_redirects_and_sends_confirmation(
    client, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(info_url(session), form_data())
    assert response.status_code == 302
    assert Registration.objects.filter(session=session, family__email="maija@example.org")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][0].endswith(".ics")


def test_same_email_again_is_answered_as_any_sign_up(client):
    session = InfoSessionFactory()
    first = client.post(info_url(session), form_data(), follow=True)
    again = client.post(info_url(session), form_data(email="MAIJA@example.org"), follow=True)
    assert again.status_code == first.status_code == 200
    assert "already signed up" not in again.content.decode()
    assert [str(m) for m in again.context["messages"]] == [
        str(m) for m in first.context["messages"]
    ]
    assert Registration.objects.count() == 1
    assert SupportFamily.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"email": "not-an-email"},
        {"phone": "123"},
        {"phone": "call me maybe"},
        {"consent": ""},
        {"name": "x" * 201},
        {"municipality": "y" * 101},
        {"name": "   "},
    ],
)
def test_bad_input_gets_a_form_error_and_saves_nothing(client, bad):
    session = InfoSessionFactory()
    data = form_data(**bad)
    if data["consent"] == "":
        del data["consent"]
    response = client.post(info_url(session), data)
    assert response.status_code == 200
    assert b"invalid-feedback" in response.content or b"is-invalid" in response.content
    assert Registration.objects.count() == 0
    assert SupportFamily.objects.count() == 0


def test_honeypot_filled_is_refused(client):
    session = InfoSessionFactory()
    response = client.post(info_url(session), form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("kind", ["past", "cancelled", "full"])
def test_closed_info_session_says_so_and_refuses_posts(client, kind):
    if kind == "past":
        session = InfoSessionFactory(days_ahead=-1)
        text = "already taken place"
    elif kind == "cancelled":
        session = InfoSessionFactory(status="cancelled")
        text = "cancelled"
    else:
        session = InfoSessionFactory(capacity=1)
        RegistrationFactory(session=session)
        text = "is full"
    page = client.get(info_url(session))
    assert page.status_code == 200
    assert text in page.content.decode()
    assert 'name="consent"' not in page.content.decode()
    response = client.post(info_url(session), form_data())
    assert response.status_code == 409
    assert not SupportFamily.objects.filter(email="maija@example.org").exists()


def test_tampered_ids_are_404(client):
    assert client.get("/en/infotilaisuudet/999999/").status_code == 404
    assert client.get("/en/valmennus/999999/").status_code == 404
    assert client.get("/en/infotilaisuudet/abc/").status_code == 404
    draft = TrainingGroupFactory(status=GroupStatus.DRAFT)
    assert client.get(group_url(draft)).status_code == 404
    assert client.post(group_url(draft), form_data()).status_code == 404
    assert client.get(f"/en/valmennus/{draft.pk}/kalenteri.ics").status_code == 404


def test_group_page_lists_sessions_and_signs_up(client, django_capture_on_commit_callbacks):
    group = TrainingGroupFactory(capacity=2)
    page = client.get(group_url(group))
    assert page.status_code == 200
    assert "2 places left" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(group_url(group), form_data())
    assert response.status_code == 302
    enrollment = Enrollment.objects.get()
    assert enrollment.status == EnrollmentStatus.ENROLLED
    assert len(mail.outbox[0].attachments) == 1


def test_full_group_offers_the_waiting_list(client):
    group = TrainingGroupFactory(capacity=1)
    client.post(group_url(group), form_data(email="first@example.org"))
    page = client.get(group_url(group))
    assert "Join the waiting list" in page.content.decode()
    client.post(group_url(group), form_data())
    assert Enrollment.objects.get(family__email="maija@example.org").status == (
        EnrollmentStatus.WAITLISTED
    )


def test_started_group_says_so_and_has_no_form(client):
    group = TrainingGroupFactory(sessions__days_ahead=-1)
    page = client.get(group_url(group))
    assert "already started" in page.content.decode()
    assert 'name="consent"' not in page.content.decode()


def test_signup_rate_limit_answers_429(client, settings):
    settings.PUBLIC_FORM_RATE_PER_MINUTE = 2
    session = InfoSessionFactory()
    for n in range(2):
        client.post(info_url(session), form_data(email=f"p{n}@example.org"))
    assert client.post(info_url(session), form_data(email="p9@example.org")).status_code == 429


@pytest.mark.parametrize("rows", [10, 500])
def test_info_session_list_query_count_is_constant(client, django_assert_max_num_queries, rows):
    for n in range(rows):
        session = InfoSessionFactory(capacity=30)
        if n % 10 == 0:
            RegistrationFactory(session=session)
    with django_assert_max_num_queries(4):
        response = client.get("/en/infotilaisuudet/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [10, 100])
def test_group_list_query_count_is_constant(client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        TrainingGroupFactory()
    with django_assert_max_num_queries(5):
        response = client.get("/en/valmennus/")
    assert response.status_code == 200
    assert response.content.decode().count("/valmennus/") >= rows


@pytest.mark.parametrize("rows", [10, 100])
def test_home_page_query_count_is_constant(client, django_assert_max_num_queries, rows):
    groups = [TrainingGroupFactory() for _ in range(rows)]
    sessions = [InfoSessionFactory() for _ in range(rows)]
    with django_assert_max_num_queries(5):
        response = client.get("/en/")
    assert response.status_code == 200
    content = response.content.decode()
    assert f"/en/valmennus/{groups[0].pk}/" in content
    assert f"/en/infotilaisuudet/{sessions[0].pk}/" in content
    assert "8 places left" in content


def test_home_page_leaves_out_drafts_past_and_cancelled(client):
    draft = TrainingGroupFactory(status=GroupStatus.DRAFT)
    started = TrainingGroupFactory(sessions__days_ahead=-1)
    past = InfoSessionFactory(days_ahead=-1)
    cancelled = InfoSessionFactory(status="cancelled")
    content = client.get("/en/").content.decode()
    assert f"/en/valmennus/{draft.pk}/" not in content
    assert f"/en/valmennus/{started.pk}/" not in content
    assert f"/en/infotilaisuudet/{past.pk}/" not in content
    assert f"/en/infotilaisuudet/{cancelled.pk}/" not in content


@pytest.mark.parametrize("rows", [3, 300])
def test_a_signup_runs_the_same_few_queries_however_many_have_signed_up(
    client, settings, django_assert_max_num_queries, rows
):
    """With a mail sender beside the site (EMAIL_DELIVERY=worker) the request only queues the
    confirmation: it renders no mail and reads nothing more for it."""
    settings.EMAIL_DELIVERY = "worker"
    session = InfoSessionFactory(capacity=rows + 10)
    for _ in range(rows):
        RegistrationFactory(session=session)
    # The session, the household (found or created with its history and audit row), the lock,
    # the count of places taken, the registration and its audit row, the queued mail, and the
    # transaction and savepoint statements around them.
    with django_assert_max_num_queries(14):
        response = client.post(info_url(session), form_data(email="new@example.org"))
    assert response.status_code == 302
    assert mail.outbox == []
    assert Registration.objects.filter(session=session, family__email="new@example.org").exists()
