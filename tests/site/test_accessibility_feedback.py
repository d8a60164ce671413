"""The accessibility statement and its feedback form: what the law asks the page to say, and
feedback reaching the coordinators with its answer-by date (14 days)."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kalliola.audit import ANONYMISED
from kalliola.models import AccessibilityFeedback, FeedbackStatus
from kalliola.services import mark_feedback_answered, submit_accessibility_feedback
from programme.retention import apply_retention

pytestmark = pytest.mark.django_db

HELSINKI_EVENING = datetime.datetime(2026, 12, 31, 22, 30, tzinfo=datetime.UTC)  # 1.1. local


def _url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("accessibility")


def _form(**changes) -> dict:
    return {
        "message": "The buttons are hard to see.",
        "page_address": "/valmennus/",
        "name": "Liisa",
        "email": "Liisa@Example.org",
        "website": "",
        **changes,
    }


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", ["täyttää saavutettavuusvaatimukset", "osittain", "Liikenne- ja viestintävirasto"]),
        (
            "sv",
            ["uppfyller tillgänglighetskraven", "delvis", "Transport- och kommunikationsverket"],
        ),
        ("en", ["meets the accessibility requirements", "partly", "Traficom"]),
    ],
)
def test_the_statement_says_conformance_gaps_date_feedback_and_authority(language, expected):
    html = Client().get(_url(language)).content.decode()
    for text in expected:
        assert text in html
    assert "saavutettavuus@traficom.fi" in html
    assert "www.saavutettavuusvaatimukset.fi" in html
    assert html.count("<li>") >= 3  # known gaps (and the menu)
    # The date the statement was made, as the language writes dates.
    assert ("3 Dec 2026" if language == "en" else "3.12.2026") in html
    assert 'class="feedback-form"' in html


def test_every_public_page_links_to_the_statement():
    html = Client().get("/").content.decode()
    assert f'href="{_url("fi")}"' in html[html.index("<footer") :]


def test_feedback_reaches_the_coordinators_due_fourteen_days_after_it_arrived():
    with time_machine.travel(HELSINKI_EVENING, tick=False):
        response = Client().post(_url(), _form())
    assert response.status_code == 302
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == "The buttons are hard to see."
    assert feedback.email == "liisa@example.org"
    assert feedback.language == "en"
    assert feedback.status == FeedbackStatus.NEW
    # Arrived on 1 January local time: the answer is due on the 15th.
    assert feedback.answer_by == datetime.date(2027, 1, 15)


def test_feedback_without_name_or_email_is_accepted():
    response = Client().post(_url(), _form(name="", email="", page_address=""))
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.get().name == ""


def test_thanks_after_sending_and_the_page_is_not_cached_for_the_sender():
    client = Client()
    response = client.post(_url(), _form(), follow=True)
    assert "Thank you for your feedback" in response.content.decode()
    assert "Thank you for your feedback" not in Client().get(_url()).content.decode()


@pytest.mark.parametrize(
    "changes",
    [
        {"message": ""},
        {"message": "x" * 5001},
        {"message": "nul\x00byte"},
        {"email": "not-an-address"},
        {"page_address": "/" * 501},
        {"name": "a\x00b"},
        {"website": "http://spam.example"},
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_stored(changes):
    response = Client().post(_url(), _form(**changes))
    if any("\x00" in value for value in changes.values()):
        # Refused before any view runs (kalliola.security.RejectNulBytesMiddleware).
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert "form-error-summary" in response.content.decode()
    assert not AccessibilityFeedback.objects.exists()


def test_markup_and_formulas_are_kept_as_plain_text(admin_client):
    Client().post(_url(), _form(message='=HYPERLINK("x")<script>alert(1)</script>'))
    feedback = AccessibilityFeedback.objects.get()
    html = admin_client.get(
        reverse("admin:kalliola_accessibilityfeedback_change", args=[feedback.pk])
    ).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_form_is_rate_limited_like_the_other_public_forms(settings):
    settings.PUBLIC_FORM_RATE_PER_MINUTE = 2
    client = Client()
    answers = [client.post(_url(), _form()).status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    assert AccessibilityFeedback.objects.count() == 2


def test_only_get_and_post_are_answered():
    assert Client().put(_url()).status_code == 405


def test_the_dashboard_shows_open_feedback_with_its_answer_by_date(client, coordinator):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)):
        submit_accessibility_feedback(message="Kontrasti on heikko.")
        answered = submit_accessibility_feedback(message="Vastattu jo.")
        mark_feedback_answered(answered, by=coordinator)
    client.force_login(coordinator)
    with translation.override("en"):
        response = client.get(reverse("admin:index"))
    item = next(i for i in response.context["dashboard"] if i.key == "accessibility_feedback")
    assert item.count == 1
    assert item.entries[0].detail == "answer by 15.12.2026"
    assert "answer by 15.12.2026" in response.content.decode()


def test_a_coordinator_marks_feedback_answered_and_it_leaves_the_dashboard(client, coordinator):
    feedback = submit_accessibility_feedback(message="Kontrasti on heikko.")
    client.force_login(coordinator)
    changelist = reverse("admin:kalliola_accessibilityfeedback_changelist")
    assert "Kontrasti" not in client.get(changelist).content.decode()  # the list shows no text
    response = client.post(
        changelist, {"action": "mark_answered", "_selected_action": [feedback.pk]}
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ANSWERED
    assert feedback.answered_by == coordinator
    assert feedback.answered_at is not None
    assert mark_feedback_answered(feedback, by=coordinator) is False  # once only
    index = client.get(reverse("admin:index"))
    item = next(i for i in index.context["dashboard"] if i.key == "accessibility_feedback")
    assert item.count == 0


def test_a_support_worker_cannot_read_the_feedback(client, support_worker):
    submit_accessibility_feedback(message="Kontrasti on heikko.")
    client.force_login(support_worker)
    response = client.get(reverse("admin:kalliola_accessibilityfeedback_changelist"))
    assert response.status_code == 302  # the admin's login page


def test_opening_a_feedback_is_recorded_in_the_audit_trail(client, coordinator):
    from kalliola.audit import views_of

    feedback = submit_accessibility_feedback(message="Kontrasti on heikko.", name="Liisa")
    client.force_login(coordinator)
    client.get(reverse("admin:kalliola_accessibilityfeedback_change", args=[feedback.pk]))
    assert views_of(feedback).count() == 1


def test_retention_anonymises_answered_feedback_after_its_period(settings, coordinator):
    settings.RETENTION_FEEDBACK_DAYS = 365
    start = datetime.datetime(2025, 1, 10, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        old = submit_accessibility_feedback(message="Vanha", name="Liisa", email="l@example.org")
        mark_feedback_answered(old, by=coordinator)
        still_open = submit_accessibility_feedback(message="Avoin", name="Pekka")
    just_in_time = start + datetime.timedelta(days=365) - datetime.timedelta(minutes=1)
    assert apply_retention(now=just_in_time).get("accessibility_feedback", 0) == 0
    counts = apply_retention(now=start + datetime.timedelta(days=366))
    assert counts["accessibility_feedback"] == 1
    old.refresh_from_db()
    still_open.refresh_from_db()
    assert (old.message, old.name, old.email) == (ANONYMISED, "", "")
    assert old.anonymised_at is not None
    assert still_open.name == "Pekka"  # not answered yet: kept
    assert (
        apply_retention(now=timezone.now() + datetime.timedelta(days=999)).get(
            "accessibility_feedback", 0
        )
        == 0
    )  # anonymised once only


@pytest.mark.parametrize("sent", [0, 40])
def test_the_statement_page_reads_a_bounded_number_of_queries(sent, django_assert_max_num_queries):
    for n in range(sent):
        submit_accessibility_feedback(message=f"Palaute {n}")
    Client().get(_url())  # the footer's content is cached from here on
    with django_assert_max_num_queries(0):
        response = Client().get(_url())
    assert response.status_code == 200
