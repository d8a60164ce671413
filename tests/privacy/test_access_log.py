"""Access log per person: every page with a person's data writes an access entry, and a
coordinator gets one person's "who viewed or changed what, when" as a page and a CSV.

The social-welfare client records act lets a client ask who has processed their data; the
admin's and the portal's pages are enumerated here so a new page cannot slip past.
"""

import csv
import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone, translation

from families.models import DuplicateSubmission
from kalliola.audit import AUDITED_MODELS, views_of
from kalliola.models import AccessibilityFeedback
from meetings.models import Assessment, FollowUp, Plan
from tests.factories.families import GuardianFactory, ReferralFactory
from tests.factories.meetings import (
    ContactAdultFactory,
    MeetingFactory,
    MeetingRequestFactory,
    SupportCaseFactory,
)
from tests.factories.relationships import (
    RelationshipFactory,
    StayFactory,
    UnavailablePeriodFactory,
)
from tests.factories.trainings import (
    EnrollmentFactory,
    EventFactory,
    HomeVisitFactory,
    RegistrationFactory,
)
from tests.privacy.test_access_matrix import PORTAL
from trainings.models import EventInvitation

pytestmark = pytest.mark.django_db

# Admin models whose change page shows no child's, guardian's, household's or client's data.
NO_PERSON_PAGE = {
    "auditlog.LogEntry": "the trail itself (read-only; shows record names only)",
    "auth.Group": "role groups",
    "auth.User": "staff accounts",
    "axes.AccessAttempt": "failed sign-ins of staff",
    "axes.AccessFailureLog": "failed sign-ins of staff",
    "axes.AccessLog": "not written (AXES_DISABLE_ACCESS_LOG)",
    "families.MatchingWeights": "matching settings",
    "families.PaymentMonth": "approval rows; the payment files are logged as exports",
    "families.Rate": "fees and reimbursements",
    "families.ReadinessItem": "the checklist's items (households' checks: on their page)",
    "kalliola.QueuedMail": "record ids only",
    "kalliola.SiteContent": "the public pages' texts and the coordinator's contact",
    "trainings.Event": "events",
    "trainings.InfoSession": "sessions; the participant file is logged as an export",
    "trainings.TrainingGroup": "groups; the participant file is logged as an export",
    "trainings.TrainingSession": "session times",
}

# Portal pages without a person's data (lists show first names of the worker's own children
# and are not one person's page; sign-in, two-factor and calendar pages show the worker's own).
PORTAL_WITHOUT_PERSON = {
    "portal:home",
    "portal:login",
    "portal:logout",
    "otp:setup",
    "otp:verify",
    "otp:disable",
    "otp:recovery_codes",
    "families_portal:relationships",
    "meetings_portal:cases",
    "meetings_portal:calendar",
    "meetings_portal:calendar_reset",
    "meetings_portal:feed",
}


@pytest.fixture
def people(support_worker):
    relationship = RelationshipFactory(support_worker=support_worker)
    child = relationship.child
    case = SupportCaseFactory(
        support_worker=support_worker, status="active", request=MeetingRequestFactory()
    )
    objects = {
        "families.SupportFamily": relationship.family,
        "families.DuplicateSubmission": DuplicateSubmission.objects.create(
            family=relationship.family, source="application", data={"phone": "x"}
        ),
        "families.Child": child,
        "families.Guardian": GuardianFactory(child=child),
        "families.Referral": ReferralFactory(child=child),
        "families.SupportRelationship": relationship,
        "families.Stay": StayFactory(relationship=relationship),
        "meetings.SupportCase": case,
        "meetings.MeetingRequest": case.request,
        "meetings.ContactAdult": ContactAdultFactory(case=case),
        "meetings.Meeting": MeetingFactory(case=case, number=1),
        "meetings.Assessment": Assessment.objects.create(case=case, life_situation="x"),
        "meetings.Plan": Plan.objects.create(case=case, next_steps="x"),
        "meetings.FollowUp": FollowUp.objects.create(
            case=SupportCaseFactory(support_worker=support_worker),
            due_on=timezone.localdate() + datetime.timedelta(days=10),
        ),
        "trainings.Registration": RegistrationFactory(),
        "trainings.Enrollment": EnrollmentFactory(),
        "trainings.HomeVisit": HomeVisitFactory(),
        "trainings.EventInvitation": EventInvitation.objects.create(
            event=EventFactory(), family=relationship.family
        ),
        "kalliola.AccessibilityFeedback": AccessibilityFeedback.objects.create(
            answer_by=timezone.localdate(), message="x", name="Liisa"
        ),
    }
    return objects


def _admin_url(name, *args):
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


def test_every_admin_change_page_with_a_person_s_data_writes_an_access_entry(
    client, coordinator, people
):
    client.force_login(coordinator)
    unchecked = []
    for model in admin.site._registry:
        label = model._meta.label
        if label in NO_PERSON_PAGE:
            continue
        assert label in AUDITED_MODELS, f"{label}: audit it, or say in NO_PERSON_PAGE why not"
        obj = people.get(label)
        if obj is None:
            unchecked.append(label)
            continue
        opts = model._meta
        response = client.get(_admin_url(f"{opts.app_label}_{opts.model_name}_change", obj.pk))
        assert response.status_code == 200, label
        assert views_of(obj).filter(actor=coordinator).count() == 1, label
    assert unchecked == []


def test_every_portal_page_of_a_person_writes_an_access_entry(client, support_worker, people):
    from tests.privacy.test_access_matrix import World  # noqa: PLC0415

    world = World.__new__(World)
    relationship = people["families.SupportRelationship"]
    world.relationship = relationship
    world.stay = people["families.Stay"]
    world.period = UnavailablePeriodFactory(family=relationship.family)
    world.case = people["meetings.SupportCase"]
    world.others_case = people["meetings.FollowUp"].case
    world.others_relationship = relationship
    world.token = None
    client.force_login(support_worker)
    for name, (kwargs, _expected) in sorted(PORTAL.items()):
        if name in PORTAL_WITHOUT_PERSON:
            continue
        if name == "meetings_portal:follow_up":
            url = reverse(name, kwargs={"pk": people["meetings.FollowUp"].case.pk})
        else:
            url = reverse(name, kwargs=kwargs(world))
        before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=support_worker)
        count = before.count()
        response = client.get(url)
        assert response.status_code == 200, name
        assert before.count() == count + 1, name


def test_a_coordinator_gets_one_child_s_access_log_as_a_page_and_a_csv(
    client, coordinator, support_worker, people
):
    child = people["families.Child"]
    relationship = people["families.SupportRelationship"]
    client.force_login(support_worker)
    assert client.get(f"/tyo/suhteet/{relationship.pk}/").status_code == 200
    client.force_login(coordinator)
    assert (
        client.get(_admin_url("families_supportrelationship_change", relationship.pk)).status_code
        == 200
    )

    changelist = _admin_url("families_child_changelist")
    page = client.post(changelist, {"action": "show_access_log", "_selected_action": [child.pk]})
    assert page.status_code == 200
    html = page.content.decode()
    assert str(support_worker) in html and str(coordinator) in html
    assert 'id="access-log"' in html

    response = client.post(
        changelist, {"action": "export_access_log", "_selected_action": [child.pk]}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Person", "When", "Who", "What was done"]
    who = {row[2] for row in body}
    assert str(support_worker) in who and str(coordinator) in who
    # The relationship page (stay notes) is in the child's log too.
    assert any(row[4] == "support relationship" for row in body)


def test_exports_of_lists_write_an_access_entry_per_person(client, coordinator, people):
    client.force_login(coordinator)
    family = people["families.SupportFamily"]
    response = client.post(
        _admin_url("families_supportfamily_changelist"),
        {"action": "export_csv", "_selected_action": [family.pk]},
    )
    assert response.status_code == 200
    assert views_of(family).filter(actor=coordinator).count() == 1
