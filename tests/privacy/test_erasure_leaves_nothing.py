"""Erasing a person leaves their name and contact details nowhere (issue 17, point 5).

Each test builds one person with everything that usually gathers around them (public forms,
sign-ups, the admin's history, the audit trail, page views, queued e-mail, a session, the cache),
erases that person alone through the admin, and then reads every column of every table of the
database, every session and every cache entry for the person's unique marker.
"""

import datetime
import json
import pickle

import pytest
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from families.models import Child, FamilyStatus, Guardian, PaymentMonth, SupportFamily
from families.services import submit_application
from kalliola.audit import record_view
from meetings import services as meetings
from meetings.models import MeetingRequest, SupportCase
from tests.factories.families import ChildFactory, GuardianFactory, ReferralFactory
from tests.factories.relationships import RelationshipFactory, StayFactory
from tests.factories.trainings import (
    EventFactory,
    HomeVisitFactory,
    InfoSessionFactory,
    TrainingGroupFactory,
)
from tests.factories.users import SupportWorkerFactory
from trainings import services as trainings
from trainings.models import EventInvitation

pytestmark = pytest.mark.django_db


def _forms(marker: str) -> set[str]:
    # As typed, and as JSON writes it (SQLite keeps JSON as text with non-ASCII escaped).
    return {marker.lower(), json.dumps(marker)[1:-1].lower()}


def _text(value) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="ignore")
    return str(value)


def leftovers(*markers: str) -> list[tuple[str, str, str]]:
    """(table, column, marker) for every stored value, session or cache entry with a marker."""
    wanted = {form: marker for marker in markers for form in _forms(marker)}
    found = []

    def check(where, column, text):
        text = text.lower()
        for form, marker in wanted.items():
            if form in text:
                found.append((where, column, marker))

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            # The result's own column names: SQLite's table introspection cannot parse some
            # tables' CREATE statements (families_checkin's constraints).
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    text = _text(value)
                    if table == "django_session" and column == "session_data":
                        text = repr(SessionStore().decode(text))
                    check(table, column, text)
    for key, value in getattr(cache, "_cache", {}).items():
        check("cache", key, key + repr(pickle.loads(value)))
    return sorted(set(found))


def _admin_history(user, obj, message=""):
    """What the admin writes when a coordinator saves `obj`'s page (`message`: its inlines)."""
    AdminLogEntry.objects.log_actions(user.pk, [obj], CHANGE, change_message=message)


def _erase(client, obj):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    data = {"action": "erase_personal_data", "_selected_action": [obj.pk], "confirm_erase": "yes"}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    messages = [message.level_tag for message in response.context["messages"]]
    assert messages == ["success"], messages


def _viewed(coordinator, *objects):
    class Request:
        user = coordinator

    for obj in objects:
        record_view(Request(), obj)


def _application(**fields):
    return {
        "contact_name": "Zyxwa Qvarnström",
        "phone": "045 913 2468",
        "second_adult_name": "Zyxwa-Toinen Qvarnström",
        "second_adult_email": "zyxwa.toinen@example.org",
        "second_adult_phone": "045 913 2469",
        "contact_language": "fi",
        "street_address": "Zyxwakatu 7",
        "postal_code": "00530",
        "municipality": "Helsinki",
        "household_members": "Zyxwa ja perhe",
        "languages": ["fi"],
        "has_pets": False,
        "pets": "",
        "child_age_min": 4,
        "child_age_max": 10,
        "max_children": 1,
        "frequency": "weekend_month",
        "home_accessibility": "",
        "wishes": "Zyxwa haluaa ulkoilla.",
        **fields,
    }


HOUSEHOLD_MARKERS = ("Zyxwa", "Qvarnström", "zyxwa@example.org", "045 913 2468", "045 913 2469")


def test_erasing_a_household_leaves_its_name_and_contacts_nowhere(
    client, coordinator, django_capture_on_commit_callbacks
):
    email = "zyxwa@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        family, _created = submit_application(email=email, data=_application())
        # A second application and sign-ups with the same address (kept apart, queued e-mail).
        submit_application(email=email, data=_application(phone="045 913 2469"))
        trainings.register_for_info_session(
            InfoSessionFactory(), name="Zyxwa Q.", email=email, phone="045 913 2469"
        )
        enrollment = trainings.enroll(
            TrainingGroupFactory(), name="Zyxwa Q.", email=email, phone="045 913 2468"
        )
    HomeVisitFactory(family=family, notes="Zyxwa esitteli kodin")
    invitation = EventInvitation.objects.create(event=EventFactory(), family=family)
    # A relationship that has ended, with a child who stays (another person).
    relationship = RelationshipFactory(
        family=family, child__first_name="Onni", status="ended", end_date=timezone.localdate()
    )
    month = PaymentMonth.objects.create(
        family=family,
        month=datetime.date(2026, 1, 1),
        approved_at=timezone.now(),
        approved_by=coordinator,
    )
    SupportFamily.objects.filter(pk=family.pk).update(status=FamilyStatus.ENDED)
    for obj in (family, relationship, month, enrollment, invitation):
        _admin_history(coordinator, obj)
    _viewed(coordinator, family, relationship, enrollment)
    client.force_login(coordinator)
    # The coordinator's pages of the household, and the public visitor's session.
    client.get(reverse("admin:families_supportfamily_change", args=[family.pk]))
    client.get(reverse("admin:families_supportrelationship_change", args=[relationship.pk]))
    Client().post("/tukiperheeksi/", {"email": email})
    assert leftovers(*HOUSEHOLD_MARKERS)  # the search finds what is there

    _erase(client, family)

    assert leftovers(*HOUSEHOLD_MARKERS) == []
    # The child is another person: still there, with the relationship.
    assert Child.objects.get(pk=relationship.child_id).first_name == "Onni"


CHILD_MARKERS = ("Zyxwb", "Qvarnbäck")


def test_erasing_a_child_leaves_the_childs_name_nowhere(client, coordinator):
    child = ChildFactory(first_name="Zyxwb", last_name="Qvarnbäck", needs="Zyxwb tarvitsee")
    ReferralFactory(child=child, notes="Zyxwb:n lähete")
    relationship = RelationshipFactory(
        child=child, status="ended", end_date=timezone.localdate(), end_reason="Zyxwb muutti"
    )
    StayFactory(relationship=relationship, notes="Zyxwb nukkui hyvin")
    _admin_history(coordinator, child)
    _admin_history(coordinator, relationship)
    _viewed(coordinator, child, relationship)
    client.force_login(coordinator)
    client.get(reverse("admin:families_child_change", args=[child.pk]))
    assert leftovers(*CHILD_MARKERS)

    _erase(client, child)

    assert leftovers(*CHILD_MARKERS) == []
    # The support family is another person.
    assert SupportFamily.objects.get(pk=relationship.family_id).contact_name != "anonymised"


GUARDIAN_MARKERS = ("Zyxwc", "zyxwc@example.org", "045 913 1111")


def test_erasing_a_guardian_alone_leaves_the_guardian_nowhere(client, coordinator):
    child = ChildFactory(first_name="Onni", last_name="Virtanen")
    guardian = GuardianFactory(
        child=child, name="Zyxwc Qvarnlund", email="zyxwc@example.org", phone="045 913 1111"
    )
    other = GuardianFactory(child=child, name="Anna Virtanen")
    # The child's page saved with the guardian added in its inline.
    _admin_history(
        coordinator,
        child,
        [{"added": {"name": "guardian", "object": str(guardian)}}],
    )
    _viewed(coordinator, child, guardian)
    client.force_login(coordinator)
    client.get(reverse("admin:families_child_change", args=[child.pk]))
    assert leftovers(*GUARDIAN_MARKERS)

    _erase(client, guardian)

    assert leftovers(*GUARDIAN_MARKERS) == []
    assert Child.objects.get(pk=child.pk).first_name == "Onni"
    assert Guardian.objects.get(pk=other.pk).name == "Anna Virtanen"


CLIENT_MARKERS = ("Zyxwd", "zyxwd@example.org", "045 913 2222")


def test_erasing_a_meeting_client_leaves_the_client_nowhere(
    client, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/tukitapaamiset/",
            {
                "contact_role": "parent",
                "name": "Zyxwd Qvarnsson",
                "phone": "045 913 2222",
                "email": "zyxwd@example.org",
                "contact_channel": "call",
                "best_time": "aamulla",
                "question": "Zyxwd tarvitsee apua.",
                "preferred_mode": "phone",
                "municipality": "Helsinki",
                "organisation": "",
            },
        )
    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    case = meetings.open_case_from_request(
        request, by=coordinator, support_worker=SupportWorkerFactory()
    )
    contact = case.contacts.get()
    _admin_history(
        coordinator, case, [{"changed": {"name": "contact adult", "object": str(contact)}}]
    )
    _viewed(coordinator, case, request)
    meetings.close_case(SupportCase.objects.get(pk=case.pk), by=coordinator)
    client.force_login(coordinator)
    client.get(reverse("admin:meetings_supportcase_change", args=[case.pk]))
    assert leftovers(*CLIENT_MARKERS)

    _erase(client, SupportCase.objects.get(pk=case.pk))

    assert leftovers(*CLIENT_MARKERS) == []
