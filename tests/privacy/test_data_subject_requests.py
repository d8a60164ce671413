"""Export everything about one person, and erase a person where the law allows (admin actions)."""

import datetime
import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from families.models import CheckIn, Child, FamilyStatus, Guardian, SupportFamily
from kalliola.audit import ANONYMISED, views_of
from meetings.models import CaseStatus, ContactAdult, MeetingRequest, SupportCase
from tests.factories.families import GuardianFactory, ReferralFactory, SupportFamilyFactory
from tests.factories.meetings import (
    ContactAdultFactory,
    MeetingFactory,
    MeetingRequestFactory,
    SupportCaseFactory,
)
from tests.factories.relationships import RelationshipFactory, StayFactory
from tests.factories.trainings import RegistrationFactory

pytestmark = pytest.mark.django_db


def _action(client, model, action, objects, **extra):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(url, data)


def _export(client, model, obj):
    response = _action(client, model, "export_personal_data", [obj])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content.decode("utf-8"))


def _check_in(relationship, note):
    return CheckIn.objects.create(
        relationship=relationship,
        date=relationship.start_date,
        for_child=1,
        for_family=2,
        for_parent=3,
        note=note,
    )


def _ended(relationship):
    relationship.status = "ended"
    relationship.end_cause, relationship.end_initiator = "other", "together"
    relationship.end_date = relationship.start_date + datetime.timedelta(days=100)
    relationship.save()
    return relationship


def test_a_households_export_holds_its_adults_sign_ups_relationships_and_trail(client, coordinator):
    family = SupportFamilyFactory(
        contact_name="Maija Mäki", second_adult_name="Matti Mäki", status=FamilyStatus.ACTIVE
    )
    RegistrationFactory(family=family)
    relationship = RelationshipFactory(family=family, child__first_name="Onni")
    StayFactory(relationship=relationship)
    _check_in(relationship, note="Onnilla vaikeaa koulussa")
    client.force_login(coordinator)

    document = _export(client, SupportFamily, family)

    (person,) = document["people"]
    assert person["household"]["contact_name"] == "Maija Mäki"
    assert person["household"]["second_adult_name"] == "Matti Mäki"
    assert len(person["info_session_registrations"]) == 1
    (exported_relationship,) = person["support_relationships"]
    assert len(exported_relationship["stays"]) == 1
    # How it goes for the household itself; the child's and parent's answers and the note not.
    (check_in,) = exported_relationship["check_ins"]
    assert check_in["for_family"] == 2
    assert "for_child" not in check_in and "note" not in check_in
    # The child is another person: not in the household's export.
    assert "child" not in exported_relationship
    assert "Onni" not in json.dumps(document)
    assert person["audit_trail"][0]["action"]
    # The export itself is an access to the record.
    assert views_of(family).count() == 1


def test_a_childs_export_holds_the_guardians_referrals_and_relationships(client, coordinator):
    relationship = RelationshipFactory(child__first_name="Onni")
    GuardianFactory(child=relationship.child, name="Anna Virtanen")
    ReferralFactory(child=relationship.child)
    StayFactory(relationship=relationship, notes="Mukava viikonloppu")
    _check_in(relationship, note="Koulussa vaikeaa")
    client.force_login(coordinator)

    document = _export(client, Child, relationship.child)

    (person,) = document["people"]
    assert person["child"]["first_name"] == "Onni"
    assert [g["name"] for g in person["guardians"]] == ["Anna Virtanen"]
    assert len(person["referrals"]) == 1
    assert person["support_relationships"][0]["stays"][0]["notes"] == "Mukava viikonloppu"
    (check_in,) = person["support_relationships"][0]["check_ins"]
    assert (check_in["note"], check_in["for_child"]) == ("Koulussa vaikeaa", 1)


def test_a_meeting_clients_export_from_the_case_and_from_the_request(client, coordinator):
    request = MeetingRequestFactory(name="Liisa Laine")
    case = SupportCaseFactory(request=request, status=CaseStatus.ACTIVE)
    ContactAdultFactory(case=case, name="Liisa Laine")
    MeetingFactory(case=case, notes="Ensimmäinen tapaaminen")
    client.force_login(coordinator)

    from_case = _export(client, SupportCase, case)["people"][0]
    from_request = _export(client, MeetingRequest, request)["people"][0]

    for person in (from_case, from_request):
        assert person["request"]["name"] == "Liisa Laine"
        assert person["case"]["contact_adults"][0]["name"] == "Liisa Laine"
        assert person["case"]["meetings"][0]["notes"] == "Ensimmäinen tapaaminen"


def test_erasing_asks_for_confirmation_first(client, coordinator):
    family = SupportFamilyFactory(contact_name="Maija Mäki", status=FamilyStatus.WITHDRAWN)
    client.force_login(coordinator)

    response = _action(client, SupportFamily, "erase_personal_data", [family])

    assert response.status_code == 200
    assert b'name="confirm_erase"' in response.content
    family.refresh_from_db()
    assert family.contact_name == "Maija Mäki"


def test_erasing_a_withdrawn_household_anonymises_it(client, coordinator):
    family = SupportFamilyFactory(contact_name="Maija Mäki", status=FamilyStatus.WITHDRAWN)
    client.force_login(coordinator)

    response = _action(client, SupportFamily, "erase_personal_data", [family], confirm_erase="yes")

    assert response.status_code == 302
    family.refresh_from_db()
    assert family.contact_name == ANONYMISED and family.anonymised_at is not None
    assert family.phone == ""


def test_a_household_in_an_open_relationship_cannot_be_erased(client, coordinator):
    relationship = RelationshipFactory(family__contact_name="Maija Mäki")
    client.force_login(coordinator)

    response = _action(
        client,
        SupportFamily,
        "erase_personal_data",
        [relationship.family],
        confirm_erase="yes",
    )

    assert response.status_code == 302
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert levels == ["error"]
    assert SupportFamily.objects.get(pk=relationship.family_id).contact_name == "Maija Mäki"


def test_a_child_in_an_open_relationship_cannot_be_erased_but_after_it_ends_can(
    client, coordinator
):
    relationship = RelationshipFactory(child__first_name="Onni")
    GuardianFactory(child=relationship.child, name="Anna Virtanen")
    client.force_login(coordinator)

    _action(client, Child, "erase_personal_data", [relationship.child], confirm_erase="yes")
    assert Child.objects.get(pk=relationship.child_id).first_name == "Onni"

    _ended(relationship)
    _action(client, Child, "erase_personal_data", [relationship.child], confirm_erase="yes")
    child = Child.objects.get(pk=relationship.child_id)
    assert child.first_name == ANONYMISED
    assert Guardian.objects.get(child=child).name == ANONYMISED
    relationship.refresh_from_db()
    assert relationship.anonymised_at is not None


def test_an_open_case_cannot_be_erased_a_closed_one_can(client, coordinator):
    request = MeetingRequestFactory(name="Liisa Laine")
    case = SupportCaseFactory(request=request, status=CaseStatus.ACTIVE)
    ContactAdultFactory(case=case, name="Liisa Laine")
    client.force_login(coordinator)

    _action(client, MeetingRequest, "erase_personal_data", [request], confirm_erase="yes")
    assert ContactAdult.objects.get(case=case).name == "Liisa Laine"

    SupportCase.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_on=case.opened_on
    )
    _action(client, SupportCase, "erase_personal_data", [case], confirm_erase="yes")
    assert ContactAdult.objects.get(case=case).name == ANONYMISED
    assert MeetingRequest.objects.get(pk=request.pk).name == ANONYMISED


def test_a_request_without_a_case_can_be_erased(client, coordinator):
    request = MeetingRequestFactory(name="Liisa Laine")
    client.force_login(coordinator)

    _action(client, MeetingRequest, "erase_personal_data", [request], confirm_erase="yes")

    request.refresh_from_db()
    assert request.name == ANONYMISED and request.anonymised_at is not None


def test_staff_without_the_coordinator_role_cannot_export(client, db):
    from django.contrib.auth.models import Permission

    from tests.factories.users import UserFactory

    family = SupportFamilyFactory()
    staff_without_role = UserFactory(is_staff=True, is_superuser=False)
    staff_without_role.user_permissions.add(
        Permission.objects.get(codename="view_supportfamily"),
        Permission.objects.get(codename="change_supportfamily"),
    )
    client.force_login(staff_without_role)

    response = _action(client, SupportFamily, "export_personal_data", [family])

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
