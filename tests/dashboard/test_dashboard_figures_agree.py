"""Every dashboard figure is the number of rows the list it links to shows.

The test walks whatever `dashboard_items` returns, so a new item is covered without editing it:
each item's link is opened as a coordinator and the list's own count read, the changelist's
result count, or, for a link to a figure on a page (`#id`), the figure the page shows there.
The data holds rows on both sides of every edge: a review today and one yesterday, an info
session that began earlier today and one later today, a cancelled and a draft group, an ended
relationship, a household with two expiring readiness items, a stay that has not begun yet.
"""

import datetime
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from families.models import PaymentMonth, ReadinessCheck, ReadinessItem
from kalliola.models import MailStatus, QueuedMail
from kalliola.services import submit_accessibility_feedback
from meetings.models import FollowUp
from tests.dashboard.fixtures import at
from tests.factories.families import ChildFactory, SupportFamilyFactory, extract_checker
from tests.factories.meetings import ClosedCaseFactory, MeetingRequestFactory
from tests.factories.relationships import RelationshipFactory, StayFactory
from tests.factories.trainings import EnrollmentFactory, InfoSessionFactory, TrainingGroupFactory
from tests.factories.users import CoordinatorFactory
from trainings.models import GroupStatus, SessionStatus, TrainingSession

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=datetime.UTC)  # 14.00 in Helsinki
TODAY = datetime.date(2026, 3, 15)
D = datetime.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def _households():
    for status in ("applied", "interested", "accepted_for_training", "trained"):
        SupportFamilyFactory.create_batch(2, status=status)
    SupportFamilyFactory(status="withdrawn")


def _reviews_and_attention():
    for review in (D(2025, 10, 21), TODAY - datetime.timedelta(days=1), TODAY):
        RelationshipFactory(start_date=review.replace(year=review.year - 1), review_date=review)
    RelationshipFactory(start_date=D(2025, 5, 14), review_date=D(2026, 5, 14))  # day 60
    RelationshipFactory(start_date=D(2025, 5, 15), review_date=D(2026, 5, 15))  # day 61
    RelationshipFactory(
        start_date=D(2025, 1, 1), review_date=D(2026, 1, 1), status="ended", end_date=D(2026, 2, 1)
    )
    RelationshipFactory(start_date=D(2025, 1, 1), review_date=D(2026, 1, 1), status="paused")


def _stays_and_months():
    first, second = RelationshipFactory(), RelationshipFactory()
    for relationship, day in [
        (first, D(2026, 1, 9)),
        (first, D(2026, 1, 23)),  # one household twice in January: once to approve
        (second, D(2026, 1, 16)),
        (first, D(2026, 2, 27)),
        (second, D(2026, 3, 6)),  # this month: awaiting, not yet to approve
        (first, D(2026, 3, 15)),  # begins at 17.00 today: not begun
    ]:
        StayFactory(relationship=relationship, starts_at=at(day), ends_at=at(day) + _days(2))
    approval = PaymentMonth.objects.create(
        family=second.family, month=D(2026, 2, 1), approved_at=NOW, approved_by=CoordinatorFactory()
    )
    StayFactory(
        relationship=second,
        starts_at=at(D(2026, 2, 13)),
        ends_at=at(D(2026, 2, 15)),
        payment_month=approval,
        fee=Decimal("80"),
        reimbursement=Decimal("0"),
    )


def _days(n):
    return datetime.timedelta(days=n)


def _readiness():
    course = ReadinessItem.objects.create(name="Ensiapukurssi", required=True, validity_months=36)
    twice = SupportFamilyFactory(status="active", extract_seen=D(2021, 4, 20))
    ReadinessCheck.objects.create(
        family=twice, item=course, checked_on=D(2023, 4, 1), checked_by=extract_checker()
    )
    SupportFamilyFactory(status="approved", extract_seen=D(2021, 5, 1))
    SupportFamilyFactory(status="active", extract_seen=D(2021, 6, 1))  # after 60 days


def _sessions_and_groups():
    InfoSessionFactory(starts_at=at(TODAY, 18), ends_at=at(TODAY, 19))  # later today
    InfoSessionFactory(starts_at=at(TODAY, 10), ends_at=at(TODAY, 16))  # began this morning
    InfoSessionFactory(days_ahead=5, status=SessionStatus.CANCELLED)
    InfoSessionFactory(days_ahead=9)
    InfoSessionFactory(days_ahead=-2)
    planned = TrainingGroupFactory()
    TrainingGroupFactory(status=GroupStatus.CANCELLED)
    TrainingGroupFactory(status=GroupStatus.DRAFT)
    started = TrainingGroupFactory(sessions=2, sessions__days_ahead=-3)  # one evening left
    TrainingSession.objects.create(
        group=started, starts_at=at(TODAY, 17), ends_at=at(TODAY, 20), status="cancelled"
    )
    TrainingGroupFactory(sessions__days_ahead=-30)  # held
    for status in ("info_session_attended", "applied", "in_training"):
        EnrollmentFactory(group=planned, family__status=status)


def _other_work():
    MeetingRequestFactory.create_batch(2)
    MeetingRequestFactory(status="case_opened")
    ChildFactory.create_batch(2)
    ChildFactory(status="matched")
    for due, done in [(TODAY, None), (D(2026, 3, 1), None), (D(2026, 3, 16), None)]:
        FollowUp.objects.create(case=ClosedCaseFactory(), due_on=due, done_on=done)
    FollowUp.objects.create(
        case=ClosedCaseFactory(), due_on=D(2026, 3, 1), done_on=D(2026, 3, 2), outcome=3
    )
    submit_accessibility_feedback(message="Kontrasti on heikko.")
    QueuedMail.objects.create(mail="x.y", status=MailStatus.FAILED, attempts=6)
    QueuedMail.objects.create(mail="x.y")


def make_everything():
    _households()
    _reviews_and_attention()
    _stays_and_months()
    _readiness()
    _sessions_and_groups()
    _other_work()


def listed(client, url: str) -> int | None:
    """The number the linked page shows: its figure at the link's `#id`, else the changelist's
    count of rows (after its filters); None for a page that shows neither."""
    parts = urlsplit(url)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200, url
    if parts.fragment:
        html = response.content.decode()
        figure = re.search(rf'id="{re.escape(parts.fragment)}"[^>]* data-count="(\d+)"', html)
        return int(figure[1]) if figure else None
    changelist = response.context.get("cl")
    return changelist.result_count if changelist is not None else None


def test_every_dashboard_figure_is_the_count_of_the_list_it_links_to(client, coordinator):
    make_everything()
    client.force_login(coordinator)
    with translation.override("en"):
        items = client.get(reverse("admin:index")).context["dashboard"]
    assert {item.key for item in items if item.count == 0} == set()  # the data reaches each one
    disagree = {}
    for item in items:
        shown = listed(client, item.url)
        if shown != item.count:
            disagree[item.key] = (item.count, shown)
    assert disagree == {}


def test_the_edges_count_where_they_belong(client, coordinator):
    make_everything()
    client.force_login(coordinator)
    with translation.override("en"):
        found = {i.key: i.count for i in client.get(reverse("admin:index")).context["dashboard"]}
    # Overdue three (21.10.2025, yesterday, the paused one) plus today and the 60th day.
    assert found["reviews"] == 5
    assert found["info_sessions"] == 2  # later today and in nine days
    assert found["training_groups"] == 1
    assert found["readiness"] == 2  # the household with two items once
    assert found["stays"] == 5  # begun and not approved: not today's at 17.00
    assert found["payments"] == 3  # January twice, February once
    assert found["follow_ups"] == 2


def test_each_month_awaiting_approval_lists_as_many_households_as_its_page(client, coordinator):
    make_everything()
    client.force_login(coordinator)
    page = client.get(reverse("admin:families_paymentmonth_awaiting"))
    months = page.context["months"]
    assert [(m.month, m.stays, m.households, m.ended) for m, _param in months] == [
        (D(2026, 1, 1), 3, 2, True),
        (D(2026, 2, 1), 1, 1, True),
        (D(2026, 3, 1), 1, 1, False),
    ]
    for month, param in months:
        if month.ended:
            pending = client.get(
                reverse("admin:families_paymentmonth_changelist"),
                {"month": param, "state": "pending"},
            )
            assert pending.context["page"].paginator.count == month.households, param
