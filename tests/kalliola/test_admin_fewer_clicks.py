"""Fewer clicks in the admin (issue 16, point 6): foreign keys chosen by name, not typed ids;
registrations and enrollments filtered by session and group; the request list says who asked
and what about; staff named in full everywhere."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from meetings.models import MeetingRequest
from tests.factories.families import SupportFamilyFactory
from tests.factories.meetings import MeetingRequestFactory, SupportCaseFactory
from tests.factories.trainings import (
    EnrollmentFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from tests.factories.users import SupportWorkerFactory

ADMIN = "/en/admin/"


@pytest.fixture
def staff(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.mark.parametrize(
    "page",
    [
        "trainings/registration/add/",
        "trainings/enrollment/add/",
        "trainings/homevisit/add/",
        "meetings/plan/add/",
        "meetings/assessment/add/",
    ],
)
def test_add_pages_choose_related_records_by_name_not_by_typed_id(staff, page):
    html = staff.get(ADMIN + page).content.decode()
    assert "vForeignKeyRawIdAdminField" not in html
    assert "admin-autocomplete" in html


def test_household_autocomplete_finds_by_name(staff):
    SupportFamilyFactory(contact_name="Aino Virtanen")
    SupportFamilyFactory(contact_name="Pekka Korhonen")
    response = staff.get(
        ADMIN + "autocomplete/",
        {
            "app_label": "trainings",
            "model_name": "registration",
            "field_name": "family",
            "term": "Virta",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Aino Virtanen"]


def test_autocomplete_is_not_for_support_workers(client, support_worker):
    client.force_login(support_worker)
    response = client.get(
        ADMIN + "autocomplete/",
        {"app_label": "trainings", "model_name": "registration", "field_name": "family"},
    )
    assert response.status_code in (302, 403)


def test_registrations_filter_by_session_and_enrollments_by_group(staff):
    first, second = InfoSessionFactory(), InfoSessionFactory()
    mine = RegistrationFactory(session=first)
    RegistrationFactory(session=second)
    page = staff.get(ADMIN + "trainings/registration/", {"session__id__exact": first.pk})
    assert list(page.context["cl"].result_list) == [mine]
    group, other = TrainingGroupFactory(), TrainingGroupFactory()
    enrolled = EnrollmentFactory(group=group)
    EnrollmentFactory(group=other)
    page = staff.get(ADMIN + "trainings/enrollment/", {"group__id__exact": group.pk})
    assert list(page.context["cl"].result_list) == [enrolled]


def test_request_list_shows_who_asked_and_the_start_of_the_question_and_logs_it(staff):
    question = "Lapsen koulunkäynti on vaikeaa ja tarvitsemme apua arkeen. " * 5
    request = MeetingRequestFactory(name="Maija Meikäläinen", question=question)
    html = staff.get(ADMIN + "meetings/meetingrequest/").content.decode()
    assert "Maija Meikäläinen" in html
    assert question[:40] in html and question not in html  # the start only
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(MeetingRequest),
        object_pk=str(request.pk),
        action=LogEntry.Action.ACCESS,
    )
    assert entry.actor is not None


def test_workers_are_named_in_full_in_case_lists_filters_and_dropdowns(staff):
    worker = SupportWorkerFactory(username="tt123", first_name="Tuula", last_name="Tukija")
    SupportCaseFactory(support_worker=worker)
    MeetingRequestFactory()
    for page in ("meetings/supportcase/", "meetings/meetingrequest/"):
        html = staff.get(ADMIN + page).content.decode()
        assert "Tuula Tukija" in html
        assert ">tt123<" not in html
