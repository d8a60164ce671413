"""The audit trail covers every model with personal data, and every view of a child's or a
case's page, in the admin and in the portal."""

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.urls import reverse

from kalliola.audit import AUDITED_MODELS, views_of
from meetings.models import MeetingRequest
from tests.factories.meetings import ContactAdultFactory, MeetingRequestFactory, SupportCaseFactory
from tests.factories.relationships import RelationshipFactory

pytestmark = pytest.mark.django_db

PERSONAL_DATA_MODELS = [
    "families.SupportFamily",
    "families.Child",
    "families.Guardian",
    "families.Referral",
    "families.SupportRelationship",
    "families.Stay",
    "families.SupervisionContact",
    "families.UnavailablePeriod",
    "families.CheckIn",
    "meetings.MeetingRequest",
    "meetings.SupportCase",
    "meetings.ContactAdult",
    "meetings.Meeting",
    "meetings.Assessment",
    "meetings.Plan",
    "meetings.FollowUp",
    "trainings.Registration",
    "trainings.Enrollment",
    "trainings.HomeVisit",
    "trainings.EventInvitation",
]


@pytest.mark.parametrize("label", PERSONAL_DATA_MODELS)
def test_every_model_with_personal_data_is_audited(label):
    assert label in AUDITED_MODELS
    assert auditlog.contains(apps.get_model(label))


def test_a_request_from_the_public_form_is_recorded(client):
    response = client.post(
        reverse("meetings:request"),
        {
            "contact_role": "parent",
            "name": "Testi Vanhempi",
            "phone": "040 123 4567",
            "email": "",
            "contact_channel": "call",
            "question": "We need help.",
            "preferred_mode": "phone",
            "website": "",
        },
    )
    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    entry = LogEntry.objects.get_for_object(request).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor is None


def test_changing_a_contact_adult_records_the_old_and_new_value():
    contact = ContactAdultFactory(phone="040 111 1111")
    contact.phone = "040 222 2222"
    contact.save()
    entry = LogEntry.objects.get_for_object(contact).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes["phone"] == ["040 111 1111", "040 222 2222"]


def test_opening_a_childs_admin_page_records_a_view(client, coordinator):
    relationship = RelationshipFactory()
    client.force_login(coordinator)
    response = client.get(reverse("admin:families_child_change", args=[relationship.child_id]))
    assert response.status_code == 200
    (view,) = views_of(relationship.child)
    assert view.actor == coordinator


def test_opening_a_cases_admin_page_records_a_view(client, coordinator):
    case = SupportCaseFactory()
    client.force_login(coordinator)
    response = client.get(reverse("admin:meetings_supportcase_change", args=[case.pk]))
    assert response.status_code == 200
    (view,) = views_of(case)
    assert view.actor == coordinator


def test_the_portals_relationship_page_records_a_view_of_the_child(client, support_worker):
    relationship = RelationshipFactory(support_worker=support_worker)
    client.force_login(support_worker)
    response = client.get(reverse("families_portal:relationship", args=[relationship.pk]))
    assert response.status_code == 200
    (view,) = views_of(relationship.child)
    assert view.actor == support_worker


def test_the_portals_case_page_records_a_view_of_the_case(client, support_worker):
    case = SupportCaseFactory(support_worker=support_worker)
    client.force_login(support_worker)
    assert client.get(reverse("meetings_portal:case", args=[case.pk])).status_code == 200
    (view,) = views_of(case)
    assert view.actor == support_worker


def test_another_workers_page_is_a_404_and_records_no_view(
    client, support_worker, other_support_worker
):
    relationship = RelationshipFactory(support_worker=other_support_worker)
    case = SupportCaseFactory(support_worker=other_support_worker)
    client.force_login(support_worker)
    assert client.get(reverse("meetings_portal:case", args=[case.pk])).status_code == 404
    url = reverse("families_portal:relationship", args=[relationship.pk])
    assert client.get(url).status_code == 404
    assert not views_of(case).exists()
    assert not views_of(relationship.child).exists()


def test_a_request_export_is_recorded_as_a_view(client, coordinator):
    request = MeetingRequestFactory()
    client.force_login(coordinator)
    client.post(
        reverse("admin:meetings_meetingrequest_changelist"),
        {"action": "export_personal_data", "_selected_action": [request.pk]},
    )
    assert views_of(request).count() == 1
