"""Dates cannot postpone retention or a follow-up (issue 24, point 5): a day that says something
happened is today or earlier, a relationship ends at most three months ahead, a planned day is at
most two years ahead. The rules are in the services (and the model, for sessions the admin
saves), so the portal and the admin refuse alike, with a form error and never a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from families.services.relationships import RelationshipError, end_relationship
from kalliola.validators import ENDS, HAPPENED, PLANNED, latest_plausible_date
from meetings import services
from meetings.models import CaseStatus, FollowUp, Meeting
from tests.factories.meetings import ContactAdultFactory, FollowUpFactory, SupportCaseFactory
from tests.factories.relationships import RelationshipFactory
from trainings.models import InfoSession

pytestmark = pytest.mark.django_db

BASE = "/en/tyo/asiakkuudet/"


def days_ahead(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def test_the_limits():
    today = datetime.date(2026, 11, 30)
    assert latest_plausible_date(HAPPENED, today) == today
    assert latest_plausible_date(ENDS, today) == datetime.date(2027, 2, 28)
    assert latest_plausible_date(PLANNED, today) == datetime.date(2028, 11, 30)
    assert latest_plausible_date(PLANNED, datetime.date(2028, 2, 29)) == datetime.date(2030, 2, 28)


@pytest.fixture
def my_case(support_worker):
    case = SupportCaseFactory(support_worker=support_worker, opened_on=days_ahead(-30))
    ContactAdultFactory(case=case)
    return case


def test_a_case_cannot_be_closed_on_a_future_day_in_the_portal(client, support_worker, my_case):
    client.force_login(support_worker)
    response = client.post(f"{BASE}{my_case.pk}/sulje/", {"closed_on": "2099-12-31"})
    assert response.status_code == 200
    assert "This day is in the future" in response.content.decode()
    my_case.refresh_from_db()
    assert my_case.status != CaseStatus.CLOSED
    assert my_case.closed_on is None
    assert not FollowUp.objects.exists()


def test_a_case_closes_today_and_not_tomorrow_in_the_service(my_case):
    with pytest.raises(services.TransitionNotAllowed):
        services.close_case(my_case, by=None, closed_on=days_ahead(1))
    services.close_case(my_case, by=None, closed_on=timezone.localdate())
    my_case.refresh_from_db()
    assert my_case.closed_on == timezone.localdate()


def test_a_follow_up_cannot_have_taken_place_in_the_future(client, support_worker):
    follow_up = FollowUpFactory(case__support_worker=support_worker)
    client.force_login(support_worker)
    with translation.override("fi"):
        response = client.post(
            f"/tyo/asiakkuudet/{follow_up.case_id}/seuranta/",
            {"done_on": days_ahead(1).isoformat(), "outcome": "3", "notes": ""},
        )
    assert response.status_code == 200
    assert "Päivä on tulevaisuudessa" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_a_meeting_is_planned_at_most_two_years_ahead(client, support_worker, my_case):
    client.force_login(support_worker)
    data = {
        "time": "13:00",
        "mode": "phone",
        "duration_minutes": "45",
        "topics": ["mapping"],
        "notes": "",
        "tasks": "",
    }
    too_far = latest_plausible_date(PLANNED) + datetime.timedelta(days=1)
    response = client.post(f"{BASE}{my_case.pk}/tapaaminen/", {**data, "date": too_far.isoformat()})
    assert response.status_code == 200
    assert "at most 2 years from today" in response.content.decode()
    assert not Meeting.objects.exists()
    response = client.post(
        f"{BASE}{my_case.pk}/tapaaminen/", {**data, "date": days_ahead(30).isoformat()}
    )
    assert response.status_code == 302
    assert Meeting.objects.count() == 1


def test_a_relationship_ends_at_most_three_months_ahead():
    relationship = RelationshipFactory(start_date=days_ahead(-100))
    with pytest.raises(RelationshipError, match="at most 3 months"):
        end_relationship(
            relationship,
            end_date=datetime.date(2099, 12, 31),
            cause="child_moved",
            initiator="childs_family",
        )
    relationship.refresh_from_db()
    assert relationship.end_date is None
    end_relationship(
        relationship, end_date=days_ahead(60), cause="child_moved", initiator="childs_family"
    )
    relationship.refresh_from_db()
    assert relationship.end_date == days_ahead(60)


def test_the_admin_end_form_shows_the_error_and_keeps_the_relationship(client, coordinator):
    relationship = RelationshipFactory(start_date=days_ahead(-100))
    client.force_login(coordinator)
    with translation.override("en"):
        end_url = reverse("admin:families_supportrelationship_end", args=[relationship.pk])
    response = client.post(
        end_url, {"end_date": "2099-12-31", "cause": "child_moved", "initiator": "childs_family"}
    )
    assert response.status_code == 200
    assert "at most 3 months from today" in response.content.decode()
    relationship.refresh_from_db()
    assert relationship.end_date is None
    response = client.post(
        end_url,
        {
            "end_date": days_ahead(10).isoformat(),
            "cause": "child_moved",
            "initiator": "childs_family",
        },
    )
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.end_date == days_ahead(10)


def test_an_info_session_is_planned_at_most_two_years_ahead_in_the_admin(client, coordinator):
    client.force_login(coordinator)
    with translation.override("en"):
        add_url = reverse("admin:trainings_infosession_add")
    response = client.post(
        add_url,
        {
            "starts_at_0": "2099-12-31",
            "starts_at_1": "17:00",
            "ends_at_0": "2099-12-31",
            "ends_at_1": "19:00",
            "online_link": "",
            "capacity": "20",
            "language": "fi",
            "notes": "",
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "starts_at" in response.context["adminform"].form.errors
    assert not InfoSession.objects.exists()
