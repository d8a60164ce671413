import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Assessment, CaseStatus, FollowUp, Meeting, Plan
from meetings.portal_views import CASES_PER_PAGE
from tests.factories.meetings import (
    ContactAdultFactory,
    FollowUpFactory,
    MeetingFactory,
    SupportCaseFactory,
)
from tests.factories.users import UserFactory

BASE = "/en/tyo/asiakkuudet/"


def meeting_post(**overrides):
    today = timezone.localdate()
    data = {
        "date": today.isoformat(),
        "time": "13:00",
        "mode": "phone",
        "duration_minutes": "45",
        "topics": ["mapping", "application"],
        "notes": "Käytiin läpi hakemus.",
        "tasks": "Äiti soittaa neuvolaan.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def my_case(support_worker):
    case = SupportCaseFactory(support_worker=support_worker)
    ContactAdultFactory(case=case, name="Minun Perheeni")
    return case


@pytest.fixture
def others_case(other_support_worker):
    case = SupportCaseFactory(support_worker=other_support_worker)
    ContactAdultFactory(case=case, name="Toisen Perhe")
    return case


def test_portal_pages_need_login(client, db):
    response = client.get(BASE)
    assert response.status_code == 302
    assert "/tyo/kirjaudu/" in response["Location"]


def test_user_without_a_staff_role_is_refused(client, db):
    client.force_login(UserFactory())
    assert client.get(BASE).status_code == 403


def test_worker_sees_only_their_own_cases(client, support_worker, my_case, others_case):
    client.force_login(support_worker)
    html = client.get(BASE).content.decode()
    assert "Minun Perheeni" in html
    assert "Toisen Perhe" not in html


@pytest.mark.parametrize(
    "suffix", ["", "tapaaminen/", "arvio/", "suunnitelma/", "sulje/", "seuranta/"]
)
def test_another_workers_case_is_a_404(client, support_worker, others_case, suffix):
    client.force_login(support_worker)
    assert client.get(f"{BASE}{others_case.pk}/{suffix}").status_code == 404
    assert client.post(f"{BASE}{others_case.pk}/{suffix}", {}).status_code == 404


def test_another_workers_meeting_cannot_be_edited(client, support_worker, others_case):
    MeetingFactory(case=others_case, number=1)
    client.force_login(support_worker)
    response = client.post(f"{BASE}{others_case.pk}/tapaaminen/1/", meeting_post())
    assert response.status_code == 404


def test_coordinator_sees_every_case(client, coordinator, my_case, others_case):
    client.force_login(coordinator)
    response = client.get(f"{BASE}?tila=all")
    html = response.content.decode()
    assert "Minun Perheeni" in html and "Toisen Perhe" in html
    assert client.get(f"{BASE}{others_case.pk}/").status_code == 200


def test_case_detail_shows_the_case(client, support_worker, my_case):
    MeetingFactory(case=my_case, number=1, notes="Hyvä tapaaminen")
    client.force_login(support_worker)
    response = client.get(f"{BASE}{my_case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Minun Perheeni" in html
    assert "Hyvä tapaaminen" in html


def test_worker_logs_a_meeting_from_the_phone_form(client, support_worker, my_case):
    client.force_login(support_worker)
    form = client.get(f"{BASE}{my_case.pk}/tapaaminen/")
    assert form.status_code == 200
    assert 'type="date"' in form.content.decode()
    response = client.post(f"{BASE}{my_case.pk}/tapaaminen/", meeting_post())
    assert response.status_code == 302
    meeting = Meeting.objects.get(case=my_case)
    assert meeting.number == 1
    assert meeting.topics == ["mapping", "application"]
    assert meeting.logged_by == support_worker
    assert timezone.localtime(meeting.starts_at).hour == 13


def test_sixth_meeting_in_the_portal_is_a_clear_error(client, support_worker, my_case):
    for number in range(1, 6):
        MeetingFactory(case=my_case, number=number)
    client.force_login(support_worker)
    response = client.post(f"{BASE}{my_case.pk}/tapaaminen/", meeting_post())
    assert response.status_code == 200
    assert "at most five meetings" in response.content.decode()
    assert my_case.meetings.count() == 5


def test_full_case_sends_the_worker_back_before_the_form(client, support_worker, my_case):
    for number in range(1, 6):
        MeetingFactory(case=my_case, number=number)
    client.force_login(support_worker)
    response = client.get(f"{BASE}{my_case.pk}/tapaaminen/", follow=True)
    assert response.redirect_chain[-1][0] == f"{BASE}{my_case.pk}/"
    assert "at most five meetings" in response.content.decode()


def test_meeting_before_the_case_opened_is_a_form_error(client, support_worker, my_case):
    client.force_login(support_worker)
    early = (my_case.opened_on - datetime.timedelta(days=1)).isoformat()
    response = client.post(f"{BASE}{my_case.pk}/tapaaminen/", meeting_post(date=early))
    assert response.status_code == 200
    assert "before the day the case was opened" in response.content.decode()
    assert not my_case.meetings.exists()


def test_over_long_notes_are_a_form_error(client, support_worker, my_case):
    client.force_login(support_worker)
    response = client.post(f"{BASE}{my_case.pk}/tapaaminen/", meeting_post(notes="x" * 2001))
    assert response.status_code == 200
    assert "notes" in response.context["form"].errors
    assert not my_case.meetings.exists()


def test_garbage_meeting_input_is_a_form_error(client, support_worker, my_case):
    client.force_login(support_worker)
    response = client.post(
        f"{BASE}{my_case.pk}/tapaaminen/",
        meeting_post(date="yesterday", duration_minutes="9999", topics=["hack"]),
    )
    assert response.status_code == 200
    assert not my_case.meetings.exists()


def test_worker_edits_a_meeting(client, support_worker, my_case):
    MeetingFactory(case=my_case, number=1)
    client.force_login(support_worker)
    assert client.get(f"{BASE}{my_case.pk}/tapaaminen/1/").status_code == 200
    response = client.post(f"{BASE}{my_case.pk}/tapaaminen/1/", meeting_post(mode="online"))
    assert response.status_code == 302
    assert Meeting.objects.get(case=my_case).mode == "online"


def test_worker_writes_the_assessment(client, support_worker, my_case):
    MeetingFactory(case=my_case, number=1)
    client.force_login(support_worker)
    response = client.post(
        f"{BASE}{my_case.pk}/arvio/",
        {
            "life_situation": "Kaksi lasta.",
            "services_in_use": "Neuvola.",
            "family_question": "Päivähoito.",
            "what_would_help": "Hakemus yhdessä.",
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.get(case=my_case).written_by == support_worker


def test_assessment_before_the_first_meeting_is_a_clear_error(client, support_worker, my_case):
    client.force_login(support_worker)
    response = client.post(
        f"{BASE}{my_case.pk}/arvio/",
        {"life_situation": "a", "services_in_use": "", "family_question": "b"},
    )
    assert response.status_code == 200
    assert "Log the first meeting" in response.content.decode()
    assert not Assessment.objects.exists()


def test_worker_writes_the_plan_with_referrals(client, support_worker, my_case):
    client.force_login(support_worker)
    assert client.get(f"{BASE}{my_case.pk}/suunnitelma/").status_code == 200
    data = {
        "next_steps": "Perhe hakee perhetyötä.",
        "who_does_what": "Äiti soittaa.",
        "referrals-TOTAL_FORMS": "2",
        "referrals-INITIAL_FORMS": "0",
        "referrals-MIN_NUM_FORMS": "0",
        "referrals-MAX_NUM_FORMS": "20",
        "referrals-0-kind": "municipal",
        "referrals-0-name": "Perhetyö",
        "referrals-0-status": "suggested",
        "referrals-1-kind": "ngo",
        "referrals-1-name": "",
        "referrals-1-status": "suggested",
    }
    response = client.post(f"{BASE}{my_case.pk}/suunnitelma/", data)
    assert response.status_code == 302
    plan = Plan.objects.get(case=my_case)
    assert list(plan.referrals.values_list("name", "kind")) == [("Perhetyö", "municipal")]


def test_worker_closes_the_case_and_records_the_follow_up(client, support_worker, my_case):
    client.force_login(support_worker)
    today = timezone.localdate()
    response = client.post(f"{BASE}{my_case.pk}/sulje/", {"closed_on": today.isoformat()})
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(case=my_case)
    assert follow_up.due_on == today + datetime.timedelta(days=182)
    response = client.post(
        f"{BASE}{my_case.pk}/seuranta/",
        {"done_on": today.isoformat(), "outcome": "3", "notes": "Parempi.", "referred_again": ""},
    )
    assert response.status_code == 302
    my_case.refresh_from_db()
    assert my_case.status == CaseStatus.FOLLOWED_UP


def test_follow_up_on_an_open_case_is_a_clear_error(client, support_worker, my_case):
    client.force_login(support_worker)
    response = client.post(
        f"{BASE}{my_case.pk}/seuranta/",
        {"done_on": timezone.localdate().isoformat(), "outcome": "3"},
    )
    assert response.status_code == 200
    assert "after the case has been closed" in response.content.decode()


def test_portal_home_shows_next_meetings_and_due_follow_ups(client, support_worker, my_case):
    MeetingFactory(case=my_case, number=1, starts_at=timezone.now() + datetime.timedelta(days=2))
    follow_up = FollowUpFactory(case__support_worker=support_worker)
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=timezone.localdate())
    client.force_login(support_worker)
    html = client.get("/en/tyo/").content.decode()
    assert f"/en/tyo/asiakkuudet/{my_case.pk}/" in html
    assert f"/en/tyo/asiakkuudet/{follow_up.case_id}/seuranta/" in html


def _cases(worker, n):
    for i in range(n):
        case = SupportCaseFactory(support_worker=worker, status=CaseStatus.ACTIVE)
        ContactAdultFactory(case=case)
        MeetingFactory(case=case, number=1, starts_at=timezone.now() + datetime.timedelta(days=1))
        if i % 3 == 0:
            FollowUpFactory(case__support_worker=worker)


@pytest.mark.parametrize("n", [10, 500])
def test_case_list_query_count_is_constant(
    client, support_worker, django_assert_max_num_queries, n
):
    _cases(support_worker, n)
    client.force_login(support_worker)
    with django_assert_max_num_queries(10):
        response = client.get(f"{BASE}?tila=all")
    assert response.status_code == 200


@pytest.mark.parametrize("n", [10, 500])
def test_coordinator_case_list_query_count_is_constant(
    client, coordinator, support_worker, django_assert_max_num_queries, n
):
    _cases(support_worker, n)
    client.force_login(coordinator)
    with django_assert_max_num_queries(10):
        assert client.get(f"{BASE}?tila=all").status_code == 200


@pytest.mark.parametrize("n", [10, 500])
def test_portal_home_query_count_is_constant(
    client, support_worker, django_assert_max_num_queries, n
):
    _cases(support_worker, n)
    client.force_login(support_worker)
    with django_assert_max_num_queries(14):
        assert client.get("/en/tyo/").status_code == 200


def test_a_case_card_shows_the_first_contact_the_meetings_and_the_next_one(client, support_worker):
    case = SupportCaseFactory(
        support_worker=support_worker, status=CaseStatus.ACTIVE, question="Apua " * 40
    )
    ContactAdultFactory(case=case, name="Ensin Kirjattu")
    ContactAdultFactory(case=case, name="Toinen Aikuinen")
    MeetingFactory(case=case, number=1, starts_at=timezone.now() - datetime.timedelta(days=7))
    coming = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).replace(
        hour=15, minute=30, second=0, microsecond=0
    )
    MeetingFactory(case=case, number=2, starts_at=coming)
    client.force_login(support_worker)
    html = client.get(BASE).content.decode()
    assert f"Case {case.pk} · Ensin Kirjattu</a>" in html
    assert "Toinen Aikuinen" not in html
    weekday = coming.strftime("%a")
    assert f"2/5 meetings · next {weekday} {coming.day}.{coming.month}. 15:30" in html
    assert ("Apua " * 40)[:119].strip() + "…" in html
    assert "1 case</p>" in html


def test_the_case_list_pages_keep_the_status_filter_and_run_the_same_queries(
    client, support_worker
):
    cases = [
        SupportCaseFactory(
            support_worker=support_worker,
            status=CaseStatus.ACTIVE,
            opened_on=timezone.localdate() - datetime.timedelta(days=i),
        )
        for i in range(CASES_PER_PAGE + 2)
    ]
    for case in cases:
        ContactAdultFactory(case=case)
        MeetingFactory(case=case, number=1)
    client.force_login(support_worker)
    client.get("/en/tyo/")  # the session's first request renews it: not part of the list
    counts = []
    for page in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(BASE, {"tila": "active", "sivu": page})
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    html = response.content.decode()
    assert response.context["page"].number == 2
    assert [row["pk"] for row in response.context["page"]] == [c.pk for c in cases[-2:]]
    assert 'href="?tila=active&amp;sivu=1"' in html
    assert f"{len(cases)} cases" in html
    assert client.get(BASE, {"tila": "active", "sivu": "x"}).context["page"].number == 1
    assert client.get(BASE, {"tila": "active", "sivu": "7"}).context["page"].number == 2


def test_the_start_page_lists_a_workers_own_follow_ups_due_and_caps_a_coordinators(
    client, support_worker, coordinator
):
    from meetings.portal import FOLLOW_UPS_SHOWN

    today = timezone.localdate()
    follow_ups = [
        FollowUpFactory(case__support_worker=support_worker) for _ in range(FOLLOW_UPS_SHOWN + 2)
    ]
    for i, follow_up in enumerate(follow_ups):
        FollowUp.objects.filter(pk=follow_up.pk).update(due_on=today - datetime.timedelta(i))
    client.force_login(support_worker)
    html = client.get("/en/tyo/").content.decode()
    assert all(f"/en/tyo/asiakkuudet/{f.case_id}/seuranta/" in html for f in follow_ups)
    assert "due in all" not in html

    client.force_login(coordinator)
    html = client.get("/en/tyo/").content.decode()
    # The longest due (the last made) are shown.
    shown = {f for f in follow_ups if f"/en/tyo/asiakkuudet/{f.case_id}/seuranta/" in html}
    assert shown == set(follow_ups[-FOLLOW_UPS_SHOWN:])
    assert f"{len(follow_ups)} follow-ups are due in all." in html
    assert "/en/admin/meetings/followup/?due=due" in html
