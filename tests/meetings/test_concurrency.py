"""Two meetings added at the same moment to a case that has four: only one becomes the fifth."""

from django.test import Client
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from tests.factories.meetings import MeetingFactory, SupportCaseFactory
from tests.factories.users import SupportWorkerFactory
from tests.helpers import requires_postgresql, run_at_once


@requires_postgresql
def test_two_concurrent_requests_cannot_both_add_the_fifth_meeting(transactional_db):
    worker = SupportWorkerFactory()
    case = SupportCaseFactory(support_worker=worker)
    for number in range(1, 5):
        MeetingFactory(case=case, number=number)
    data = {
        "date": timezone.localdate().isoformat(),
        "time": "10:00",
        "mode": "phone",
        "duration_minutes": "30",
        "topics": ["mapping"],
    }

    def post():
        client = Client()
        client.force_login(worker)
        return client.post(f"/en/tyo/asiakkuudet/{case.pk}/tapaaminen/", data)

    responses = run_at_once([post, post])
    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200)
    assert "at most five meetings" in refused.content.decode()
    assert list(Meeting.objects.filter(case=case).values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]


@requires_postgresql
def test_concurrent_service_calls_never_make_a_sixth_or_duplicate_number(transactional_db):
    case = SupportCaseFactory()

    def add():
        return services.log_meeting(
            case,
            by=None,
            starts_at=timezone.now(),
            mode="online",
            duration_minutes=60,
            topics=[],
        )

    results = run_at_once([add] * 7)
    made = [r for r in results if isinstance(r, Meeting)]
    refused = [r for r in results if isinstance(r, services.MeetingLimitReached)]
    assert len(made) == 5 and len(refused) == 2
    assert sorted(m.number for m in made) == [1, 2, 3, 4, 5]
