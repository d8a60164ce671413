"""The coordinators' dashboard on the admin index: counts, the oldest few, links that work."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from families.models import PaymentMonth, SupportFamily
from kalliola.models import MailStatus, QueuedMail
from kalliola.services import mark_feedback_answered, submit_accessibility_feedback
from meetings.models import FollowUp, MeetingRequest
from programme.dashboard import dashboard_changed
from tests.dashboard.fixtures import at
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.meetings import ClosedCaseFactory, MeetingRequestFactory
from tests.factories.relationships import RelationshipFactory, StayFactory
from tests.factories.trainings import (
    EnrollmentFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from tests.factories.users import CoordinatorFactory
from trainings.models import GroupStatus, SessionStatus

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=datetime.UTC)
D = datetime.date
# Session, user, the two-factor device (kalliola.otp, every signed-in request), groups, recent
# actions and one query per dashboard item (sixteen; the readiness item two: its items and rows).
INDEX_QUERIES = 28


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def index(client):
    with translation.override("en"):
        return client.get(reverse("admin:index"))


def items(response) -> dict:
    return {item.key: item for item in response.context["dashboard"]}


def make_work():
    for name, status, day in [
        ("Vanha hakija", "applied", D(2026, 3, 1)),
        ("Uusi hakija", "applied", D(2026, 3, 10)),
        ("Valmennettava", "in_training", D(2026, 1, 1)),
        ("Valmennettu", "trained", D(2026, 2, 1)),
        ("Kiinnostunut", "interested", D(2026, 3, 8)),
        ("Odottaa ryhmää", "accepted_for_training", D(2026, 3, 2)),
    ]:
        family = SupportFamilyFactory(contact_name=name, status=status)
        SupportFamily.objects.filter(pk=family.pk).update(status_changed_at=at(day, 10))
    waiting = MeetingRequestFactory()
    MeetingRequest.objects.filter(pk=waiting.pk).update(received_at=at(D(2026, 3, 5), 10))
    MeetingRequestFactory(status="case_opened")
    ChildFactory(first_name="Pitkaan", waiting_since=D(2025, 12, 15))
    ChildFactory(first_name="Vasta", waiting_since=D(2026, 3, 1))
    overdue = RelationshipFactory(
        start_date=D(2025, 3, 1), review_date=D(2026, 3, 1), child__first_name="Myohassa"
    )
    RelationshipFactory(start_date=D(2025, 4, 14), review_date=D(2026, 4, 14))
    RelationshipFactory(start_date=D(2025, 6, 30), review_date=D(2026, 6, 30))
    RelationshipFactory(
        start_date=D(2025, 3, 1), review_date=D(2026, 3, 1), status="ended", end_date=D(2026, 1, 1)
    )
    StayFactory(relationship=overdue, starts_at=at(D(2026, 2, 6)), ends_at=at(D(2026, 2, 8)))
    StayFactory(relationship=overdue, starts_at=at(D(2026, 3, 6)), ends_at=at(D(2026, 3, 8)))
    StayFactory(relationship=overdue, starts_at=at(D(2026, 3, 20)), ends_at=at(D(2026, 3, 22)))
    approval = PaymentMonth.objects.create(
        family=overdue.family,
        month=D(2026, 1, 1),
        approved_at=NOW,
        approved_by=CoordinatorFactory(),
    )
    StayFactory(
        relationship=overdue,
        starts_at=at(D(2026, 1, 9)),
        ends_at=at(D(2026, 1, 11)),
        payment_month=approval,
        fee=Decimal("80"),
        reimbursement=Decimal("0"),
    )
    FollowUp.objects.create(case=ClosedCaseFactory(), due_on=D(2026, 3, 10))
    FollowUp.objects.create(case=ClosedCaseFactory(), due_on=D(2026, 4, 1))
    FollowUp.objects.create(
        case=ClosedCaseFactory(), due_on=D(2026, 3, 1), done_on=D(2026, 3, 2), outcome=3
    )
    session = InfoSessionFactory(capacity=20)
    RegistrationFactory(session=session, family__status="info_session_attended")
    InfoSessionFactory(status=SessionStatus.CANCELLED)
    InfoSessionFactory(days_ahead=-3)
    group = TrainingGroupFactory(capacity=8)
    EnrollmentFactory.create_batch(2, group=group, family__status="in_training")
    EnrollmentFactory(
        group=group, family__status="info_session_attended", family__contact_name="Paikka ryhmässä"
    )
    TrainingGroupFactory(status=GroupStatus.DRAFT)
    submit_accessibility_feedback(message="Kontrasti on heikko.")
    answered = submit_accessibility_feedback(message="Linkki ei toimi.")
    mark_feedback_answered(answered, by=None)
    # An extract that runs out within 60 days (five years after it was seen), and one later.
    SupportFamilyFactory(status="active", extract_seen=D(2021, 4, 20))
    SupportFamilyFactory(status="active", extract_seen=D(2021, 6, 1))


def test_each_item_counts_what_waits_for_action(admin_client):
    make_work()
    found = items(index(admin_client))
    counts = {key: item.count for key, item in found.items()}
    assert counts == {
        "applications": 2,
        "places_to_review": 1,
        "waiting_for_a_group": 1,
        "interested": 1,
        "meeting_requests": 1,
        "accessibility_feedback": 1,
        "trained": 1,
        "children": 2,
        "attention": 3,
        "reviews": 2,
        "readiness": 1,
        "stays": 2,
        "payments": 1,
        "follow_ups": 1,
        "info_sessions": 1,
        "training_groups": 1,
    }


def test_the_oldest_come_first_with_their_age(admin_client):
    make_work()
    found = items(index(admin_client))
    assert found["applications"].entries[0].text == "Vanha hakija"
    assert found["applications"].entries[0].detail == "waiting 14 days"
    assert found["meeting_requests"].entries[0].detail == "waiting 10 days"
    assert found["children"].entries[0].text.startswith("Pitkaan")
    assert found["children"].entries[0].detail == "waiting 90 days"
    assert found["children"].entries[0].urgent
    assert found["reviews"].entries[0].text.startswith("Myohassa")
    assert found["reviews"].entries[0].urgent
    assert found["payments"].entries[0].text == "02/2026"
    assert found["info_sessions"].entries[0].detail == "19 places left"
    assert found["training_groups"].entries[0].detail == "5 places left"
    assert found["interested"].entries[0].text == "Kiinnostunut"
    assert found["places_to_review"].entries[0].text.startswith("Paikka ryhmässä – ")
    assert found["waiting_for_a_group"].entries[0].text == "Odottaa ryhmää"


def test_every_link_opens_the_place_where_the_work_is_done(admin_client):
    make_work()
    found = items(index(admin_client))
    assert "status=applied" in found["applications"].url
    assert "status=interested" in found["interested"].url
    assert "review=due" in found["places_to_review"].url
    assert "review=due" in found["reviews"].url
    assert "month=2026-02" in found["payments"].entries[0].url
    for item in found.values():
        for address in [item.url] + [entry.url for entry in item.entries]:
            response = admin_client.get(address)
            # A filter the changelist does not know would redirect with ?e=1.
            assert response.status_code == 200, address


def test_the_index_shows_the_dashboard_and_the_statistics_link(admin_client):
    make_work()
    html = index(admin_client).content.decode()
    assert "What needs doing now" in html
    assert reverse("admin:kalliola_statistics") in html
    assert "Vanha hakija" in html
    assert 'class="app-families module' in html  # the app list is still there


def test_empty_items_say_so(admin_client):
    response = index(admin_client)
    assert all(item.count == 0 for item in response.context["dashboard"])
    assert "No children waiting." in response.content.decode()


def test_staff_outside_the_coordinators_group_sees_no_dashboard(client):
    # The back office answers coordinators only (kalliola/admin.py): others go to its login.
    clerk = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    response = index(client)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_e_mails_given_up_come_first_and_link_to_the_outbox(admin_client):
    assert "mails_not_sent" not in items(index(admin_client))  # shown only when some failed
    QueuedMail.objects.create(mail="trainings.emails.send_registration_confirmation", args=[1])
    failed = QueuedMail.objects.create(
        mail="trainings.emails.send_registration_confirmation",
        args=[2],
        status=MailStatus.FAILED,
        attempts=6,
    )
    dashboard_changed()
    response = index(admin_client)
    first = response.context["dashboard"][0]
    assert (first.key, first.count) == ("mails_not_sent", 1)
    assert first.entries[0].text == "info-session sign-up confirmation"
    assert first.entries[0].url.endswith(f"/kalliola/queuedmail/{failed.pk}/change/")
    listing = admin_client.get(first.url)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1


def make_volume(n):
    QueuedMail.objects.bulk_create(
        QueuedMail(mail="x.y", status=MailStatus.FAILED, attempts=6) for _ in range(n)
    )
    SupportFamily.objects.bulk_create(SupportFamilyFactory.build_batch(n, status="applied"))
    ChildFactory.create_batch(n)
    for _ in range(n):
        RegistrationFactory(family__status="info_session_attended")
        EnrollmentFactory(family__status="accepted_for_training")
    MeetingRequestFactory.create_batch(n)


@pytest.mark.parametrize("n", [3, 30])
def test_index_query_count_does_not_grow_with_data(admin_client, django_assert_max_num_queries, n):
    make_work()
    make_volume(n)
    with django_assert_max_num_queries(INDEX_QUERIES):
        response = index(admin_client)
    assert items(response)["applications"].count == n + 2
    assert items(response)["places_to_review"].count == n + 1
