import csv
import datetime
import io

import pytest
from django.utils import timezone

from meetings.models import CaseStatus, FollowUp, MeetingRequest, RequestStatus, SupportCase
from tests.factories.meetings import (
    ContactAdultFactory,
    FollowUpFactory,
    MeetingFactory,
    MeetingRequestFactory,
    SupportCaseFactory,
)
from tests.factories.users import SupportWorkerFactory
from tests.helpers import ON_POSTGRESQL

ADMIN = "/en/admin/meetings/"


def test_coordinator_opens_cases_from_requests_with_an_admin_action(
    client, coordinator, support_worker
):
    waiting = MeetingRequestFactory()
    client.force_login(coordinator)
    response = client.post(
        f"{ADMIN}meetingrequest/",
        {
            "action": "open_cases",
            "_selected_action": [waiting.pk],
            "support_worker": support_worker.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.CASE_OPENED
    assert SupportCase.objects.get().support_worker == support_worker


def test_request_page_links_to_the_case_opened_from_it(client, coordinator, support_worker):
    from meetings import services

    request = MeetingRequestFactory()
    case = services.open_case_from_request(request, by=coordinator, support_worker=support_worker)
    client.force_login(coordinator)
    response = client.get(f"{ADMIN}meetingrequest/{request.pk}/change/")
    assert f"/admin/meetings/supportcase/{case.pk}/change/" in response.content.decode()


def test_open_case_action_without_a_worker_says_so(client, coordinator):
    waiting = MeetingRequestFactory()
    client.force_login(coordinator)
    response = client.post(
        f"{ADMIN}meetingrequest/",
        {"action": "open_cases", "_selected_action": [waiting.pk], "support_worker": ""},
        follow=True,
    )
    assert "Choose a support worker first." in response.content.decode()
    assert not SupportCase.objects.exists()


def test_request_list_shows_how_long_each_has_waited(client, coordinator):
    request = MeetingRequestFactory()
    MeetingRequest.objects.filter(pk=request.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=6, hours=1)
    )
    client.force_login(coordinator)
    response = client.get(f"{ADMIN}meetingrequest/")
    assert response.status_code == 200
    assert '<td class="field-waiting_days">6</td>' in response.content.decode()


def test_case_added_in_the_admin_records_its_opening(client, coordinator, support_worker):
    client.force_login(coordinator)
    data = {
        "source": "parent",
        "support_worker": support_worker.pk,
        "question": "Puhelu: apua hakemukseen",
        "preferred_mode": "phone",
        "opened_on": timezone.localdate().isoformat(),
        "municipality": "",
        "earlier_case": "",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Äiti",
        "contacts-0-phone": "040 123 4567",
        "meetings-TOTAL_FORMS": "0",
        "meetings-INITIAL_FORMS": "0",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    response = client.post(f"{ADMIN}supportcase/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    case = SupportCase.objects.get()
    assert case.opened_by == coordinator
    assert case.status_changes.get().to_status == CaseStatus.NEW
    assert case.contacts.get().name == "Äiti"


def test_case_page_shows_meetings_inline(client, coordinator):
    meeting = MeetingFactory(notes="Inline-muistiinpano")
    client.force_login(coordinator)
    response = client.get(f"{ADMIN}supportcase/{meeting.case_id}/change/")
    assert response.status_code == 200
    assert "Inline-muistiinpano" in response.content.decode()


def test_statistics_csv_has_no_names_or_free_text(client, coordinator):
    case = SupportCaseFactory(source="relative", question="Salainen kysymys")
    ContactAdultFactory(case=case, name="Salainen Nimi", email="salainen@example.org")
    MeetingFactory(case=case, number=1, mode="phone", topics=["mapping", "conflict"])
    MeetingFactory(case=case, number=2, mode="online", topics=["mapping"], notes="Salaista")
    client.force_login(coordinator)
    response = client.post(
        f"{ADMIN}supportcase/", {"action": "export_statistics", "_selected_action": [case.pk]}
    )
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "Salainen" not in body and "salainen" not in body and "Salaista" not in body
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 1
    row = rows[0]
    assert row["source_of_contact"] == "relative"
    assert row["meetings"] == "2"
    assert row["modes"] == "online:1;phone:1"
    assert row["topics"] == "conflict:1;mapping:2"


def test_statistics_csv_counts_referrals_and_follow_up_outcome(db):
    from meetings import services, statistics

    follow_up = FollowUpFactory()
    case = follow_up.case
    services.save_plan(
        case,
        by=None,
        next_steps="x",
        who_does_what="",
        referrals=[
            {"kind": "municipal", "name": "A", "status": "received"},
            {"kind": "ngo", "name": "B", "status": "suggested"},
        ],
    )
    services.record_follow_up(
        case, by=None, done_on=timezone.localdate(), outcome=4, notes="", referred_again=True
    )
    header, row = list(statistics.rows(SupportCase.objects.all()))
    data = dict(zip(header, row, strict=True))
    assert (data["referrals_municipal"], data["referrals_ngo"], data["referrals_received"]) == (
        1,
        1,
        1,
    )
    assert (data["follow_up_outcome"], data["referred_again"]) == (4, "yes")


@pytest.mark.parametrize("n", [10, 500])
def test_statistics_export_query_count_is_constant(db, django_assert_max_num_queries, n):
    from meetings import statistics

    worker = SupportWorkerFactory()
    for _ in range(n):
        MeetingFactory(case__support_worker=worker)
    with django_assert_max_num_queries(3):
        assert len(list(statistics.rows(SupportCase.objects.all()))) == n + 1


def test_follow_ups_due_filter(client, coordinator):
    due = FollowUpFactory()
    FollowUp.objects.filter(pk=due.pk).update(due_on=timezone.localdate())
    later = FollowUpFactory()
    FollowUp.objects.filter(pk=later.pk).update(
        due_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    client.force_login(coordinator)
    response = client.get(f"{ADMIN}followup/?due=due")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [FollowUp.objects.get(pk=due.pk)]


def test_close_action_schedules_follow_ups(client, coordinator):
    case = SupportCaseFactory(status=CaseStatus.ACTIVE)
    client.force_login(coordinator)
    client.post(f"{ADMIN}supportcase/", {"action": "close_cases", "_selected_action": [case.pk]})
    assert FollowUp.objects.get(case=case).due_on == timezone.localdate() + datetime.timedelta(
        days=182
    )


@pytest.mark.parametrize("n", [10, 500])
@pytest.mark.parametrize("model", ["meetingrequest", "supportcase", "followup"])
def test_admin_lists_keep_a_constant_query_count(
    client, coordinator, django_assert_max_num_queries, n, model
):
    worker = SupportWorkerFactory()
    for _ in range(n):
        MeetingFactory(case__support_worker=worker)
        MeetingRequestFactory(earlier_case=SupportCaseFactory(support_worker=worker))
        FollowUpFactory(case__support_worker=worker)
    client.force_login(coordinator)
    # The page's access entries are one insert; SQLite's 999-parameter limit splits it in two.
    with django_assert_max_num_queries(16 if ON_POSTGRESQL else 17):
        assert client.get(f"{ADMIN}{model}/").status_code == 200
