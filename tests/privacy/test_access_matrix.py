"""Who may open what: every portal page and every admin changelist and change page, walked as
anonymous, as a support worker on their own object, as a support worker on another worker's
object, as a signed-in person without a role, and as a coordinator; each answer asserted exactly.

Least privilege as built: support workers are not staff, so the admin answers them as it answers
anyone without admin access, with a redirect to its login; in the portal a support worker reaches
only their own relationships and cases (another's is a 404), a coordinator reaches all. The admin
rows come from `admin.site._registry`, so a newly registered model is walked automatically (its
test asks for a way to build one object below); a new portal URL fails
`test_every_portal_url_is_in_the_matrix` until it is added here.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from families import portal_urls as families_portal_urls
from families.models import CheckIn
from kalliola import otp as otp_urls
from kalliola.roles import SUPPORT_WORKERS
from meetings import portal_urls as meetings_portal_urls
from meetings.models import Assessment, CaseStatus, FollowUp, Plan
from programme import portal as portal_urls
from tests.factories.families import GuardianFactory, SupportFamilyFactory
from tests.factories.meetings import (
    ContactAdultFactory,
    MeetingFactory,
    MeetingRequestFactory,
    SupportCaseFactory,
)
from tests.factories.relationships import (
    RateFactory,
    RelationshipFactory,
    StayFactory,
    UnavailablePeriodFactory,
)
from tests.factories.trainings import (
    EnrollmentFactory,
    EventFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from tests.factories.users import CoordinatorFactory, SupportWorkerFactory, UserFactory

ROLES = ("anonymous", "own_worker", "other_worker", "no_role", "coordinator")
LOGIN = "login"  # expected: 302 to the portal's (or the admin's) login page


# The world: each support worker has one open relationship and one open case.


class World:
    def __init__(self):
        self.worker = SupportWorkerFactory(username="own-worker")
        self.other_worker = SupportWorkerFactory(username="other-worker")
        self.coordinator = CoordinatorFactory(username="coordinator")
        self.no_role = UserFactory(username="no-role")
        # A support worker marked as staff by mistake: the admin must still keep them out.
        self.staff_worker = SupportWorkerFactory(username="staff-worker", is_staff=True)
        self.relationship = RelationshipFactory(
            support_worker=self.worker, child__first_name="Omalapsi"
        )
        GuardianFactory(child=self.relationship.child)
        self.stay = StayFactory(relationship=self.relationship)
        self.period = UnavailablePeriodFactory(family=self.relationship.family)
        self.check_in = CheckIn.objects.create(
            relationship=self.relationship,
            date=timezone.localdate(),
            for_child=2,
            for_family=3,
            for_parent=3,
            note="Kuulumiset",
        )
        self.others_relationship = RelationshipFactory(
            support_worker=self.other_worker, child__first_name="Toisenlapsi"
        )
        self.case = SupportCaseFactory(support_worker=self.worker, status=CaseStatus.ACTIVE)
        ContactAdultFactory(case=self.case, name="Omaaikuinen")
        MeetingFactory(case=self.case, number=1)
        self.others_case = SupportCaseFactory(support_worker=self.other_worker)
        ContactAdultFactory(case=self.others_case, name="Toisenaikuinen")
        from meetings import calendar

        self.token = calendar.token_for(self.worker)

    def user(self, role):
        return {
            "anonymous": None,
            "own_worker": self.worker,
            "other_worker": self.other_worker,
            "no_role": self.no_role,
            "coordinator": self.coordinator,
            "worker_made_staff": self.staff_worker,
        }[role]


@pytest.fixture(autouse=True)
def _finnish():
    # Finnish paths are unprefixed; another test module may leave another language active.
    with translation.override("fi"):
        yield


@pytest.fixture
def world(db):
    return World()


def _get(client, world, role, url):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _assert_answer(response, expected, login_path, role):
    if expected == LOGIN:
        assert response.status_code == 302, (role, response.status_code)
        location = response["Location"]
        assert location.startswith(f"{login_path}?next="), (role, location)
    elif isinstance(expected, tuple):  # (302, where)
        assert response.status_code == 302, (role, response.status_code)
        assert response["Location"] == expected[1], (role, response["Location"])
    else:
        assert response.status_code == expected, (role, response.status_code)


# The portal.

# Expected answers per role, in ROLES order: anonymous, own worker, other worker (on the own
# worker's object), signed in without a role, coordinator.
ON_OWN_OBJECT = (LOGIN, 200, 404, 403, 200)
LIST = (LOGIN, 200, 200, 403, 200)
POST_ONLY = (LOGIN, 405, 405, 403, 405)

PORTAL = {
    "portal:home": (lambda w: {}, (LOGIN, 200, 200, 200, 200)),
    "portal:login": (
        lambda w: {},
        (200, (302, "/tyo/"), (302, "/tyo/"), (302, "/tyo/"), (302, "/tyo/")),
    ),
    "portal:logout": (lambda w: {}, (405, 405, 405, 405, 405)),
    "otp:setup": (lambda w: {}, (LOGIN, 200, 200, 200, 200)),
    "otp:verify": (
        lambda w: {},
        (LOGIN, (302, "/tyo/"), (302, "/tyo/"), (302, "/tyo/"), (302, "/tyo/")),
    ),
    "otp:disable": (lambda w: {}, (LOGIN, 405, 405, 405, 405)),
    "otp:recovery_codes": (lambda w: {}, (LOGIN, 405, 405, 405, 405)),
    "families_portal:relationships": (lambda w: {}, LIST),
    "families_portal:relationship": (lambda w: {"pk": w.relationship.pk}, ON_OWN_OBJECT),
    "families_portal:stays": (lambda w: {"pk": w.relationship.pk}, ON_OWN_OBJECT),
    "families_portal:log_stay": (lambda w: {"pk": w.relationship.pk}, ON_OWN_OBJECT),
    "families_portal:edit_stay": (
        lambda w: {"pk": w.relationship.pk, "stay_pk": w.stay.pk},
        ON_OWN_OBJECT,
    ),
    "families_portal:log_contact": (lambda w: {"pk": w.relationship.pk}, ON_OWN_OBJECT),
    "families_portal:periods": (lambda w: {"pk": w.relationship.pk}, ON_OWN_OBJECT),
    "families_portal:edit_period": (
        lambda w: {"pk": w.relationship.pk, "period_pk": w.period.pk},
        ON_OWN_OBJECT,
    ),
    "families_portal:check_in": (lambda w: {"pk": w.relationship.pk}, ON_OWN_OBJECT),
    "meetings_portal:cases": (lambda w: {}, LIST),
    "meetings_portal:case": (lambda w: {"pk": w.case.pk}, ON_OWN_OBJECT),
    "meetings_portal:meeting_add": (lambda w: {"pk": w.case.pk}, ON_OWN_OBJECT),
    "meetings_portal:meeting_edit": (lambda w: {"pk": w.case.pk, "number": 1}, ON_OWN_OBJECT),
    "meetings_portal:case_details": (lambda w: {"pk": w.case.pk}, ON_OWN_OBJECT),
    "meetings_portal:assessment": (lambda w: {"pk": w.case.pk}, ON_OWN_OBJECT),
    "meetings_portal:plan": (lambda w: {"pk": w.case.pk}, ON_OWN_OBJECT),
    "meetings_portal:close": (lambda w: {"pk": w.case.pk}, ON_OWN_OBJECT),
    "meetings_portal:follow_up": (lambda w: {"pk": w.case.pk}, ON_OWN_OBJECT),
    "meetings_portal:calendar": (lambda w: {}, LIST),
    "meetings_portal:calendar_reset": (lambda w: {}, POST_ONLY),
    # The feed's secret address is its only key: whoever holds it reads the worker's own feed.
    "meetings_portal:feed": (lambda w: {"token": w.token.token}, (200, 200, 200, 200, 200)),
}

PORTAL_MODULES = {
    "portal": portal_urls,
    "otp": otp_urls,
    "families_portal": families_portal_urls,
    "meetings_portal": meetings_portal_urls,
}


def test_every_portal_url_is_in_the_matrix():
    names = {
        f"{namespace}:{pattern.name}"
        for namespace, module in PORTAL_MODULES.items()
        for pattern in module.urlpatterns
    }
    assert names == set(PORTAL)


@pytest.mark.parametrize("name", sorted(PORTAL))
def test_portal_answers(client, world, name):
    kwargs, expected = PORTAL[name]
    url = reverse(name, kwargs=kwargs(world))
    for role, answer in zip(ROLES, expected, strict=True):
        client.logout()
        response = _get(client, world, role, url)
        _assert_answer(response, answer, reverse("portal:login"), role)


@pytest.mark.parametrize(
    "name,own,others",
    [
        ("families_portal:relationships", "Omalapsi", "Toisenlapsi"),
        ("meetings_portal:cases", "Omaaikuinen", "Toisenaikuinen"),
    ],
)
def test_portal_lists_show_a_worker_only_their_own(client, world, name, own, others):
    client.force_login(world.worker)
    content = client.get(reverse(name)).content.decode()
    assert own in content and others not in content
    client.force_login(world.coordinator)
    content = client.get(reverse(name)).content.decode()
    assert own in content and others in content


def test_portal_start_page_counts_only_the_workers_own(client, world):
    client.force_login(world.worker)
    response = client.get(reverse("portal:home"))
    assert response.context["relationships_overview"]["open"] == 1
    assert response.context["meetings_overview"]["active"] == 1


def test_a_wrong_feed_token_is_a_404(client, world):
    response = client.get(reverse("meetings_portal:feed", kwargs={"token": "x" * 43}))
    assert response.status_code == 404


def test_a_workers_feed_holds_only_their_own_meetings(client, world):
    MeetingFactory(case=world.others_case, number=1, starts_at=timezone.now())
    feed = client.get(reverse("meetings_portal:feed", kwargs={"token": world.token.token}))
    assert feed.content.count(b"BEGIN:VEVENT") == 1


# The admin.


def _build(world, model):
    """One object of each registered model, linked to the own worker where it can be."""
    label = model._meta.label
    from auditlog.models import LogEntry
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from families.models import DuplicateSubmission, MatchingWeights, PaymentMonth, ReadinessItem
    from kalliola.models import QueuedMail, SiteContent
    from kalliola.services import submit_accessibility_feedback
    from trainings.models import EventInvitation, HomeVisit

    axes_fields = {
        "user_agent": "test",
        "ip_address": "127.0.0.1",
        "username": "someone",
        "http_accept": "*/*",
        "path_info": "/admin/login/",
    }
    builders = {
        "auth.Group": lambda: Group.objects.get(name=SUPPORT_WORKERS),
        "auth.User": lambda: world.worker,
        "axes.AccessAttempt": lambda: AccessAttempt.objects.create(
            **axes_fields, get_data="", post_data="", failures_since_start=1
        ),
        "axes.AccessLog": lambda: AccessLog.objects.create(**axes_fields),
        "axes.AccessFailureLog": lambda: AccessFailureLog.objects.create(**axes_fields),
        "otp_totp.TOTPDevice": lambda: TOTPDevice.objects.create(
            user=UserFactory(username="device-owner"), name="phone"
        ),
        "auditlog.LogEntry": lambda: LogEntry.objects.get_for_object(world.case).first(),
        "families.SupportFamily": lambda: world.relationship.family,
        "families.DuplicateSubmission": lambda: DuplicateSubmission.objects.create(
            family=world.relationship.family, source="application", data={"phone": "x"}
        ),
        "families.Child": lambda: world.relationship.child,
        "families.Guardian": lambda: GuardianFactory(child=world.relationship.child),
        "families.SupportRelationship": lambda: world.relationship,
        "families.Rate": lambda: RateFactory(),
        "families.PaymentMonth": lambda: PaymentMonth.objects.create(
            family=world.relationship.family,
            month=datetime.date(2026, 1, 1),
            approved_at=timezone.now(),
            approved_by=world.coordinator,
        ),
        "trainings.Enrollment": lambda: EnrollmentFactory(family=SupportFamilyFactory()),
        "trainings.HomeVisit": lambda: HomeVisit.objects.create(
            family=world.relationship.family, visited_on=timezone.localdate(), worker=world.worker
        ),
        "trainings.Event": lambda: EventFactory(),
        "trainings.EventInvitation": lambda: EventInvitation.objects.create(
            event=EventFactory(), family=world.relationship.family
        ),
        "trainings.TrainingGroup": lambda: TrainingGroupFactory(),
        "trainings.TrainingSession": lambda: TrainingGroupFactory().sessions.first(),
        "trainings.InfoSession": lambda: InfoSessionFactory(),
        "trainings.Registration": lambda: RegistrationFactory(),
        "meetings.MeetingRequest": lambda: MeetingRequestFactory(),
        "meetings.SupportCase": lambda: world.case,
        "meetings.Plan": lambda: Plan.objects.create(case=world.case, next_steps="x"),
        "families.MatchingWeights": lambda: MatchingWeights.objects.get_or_create(pk=1)[0],
        "families.ReadinessItem": lambda: ReadinessItem.objects.create(name="Ensiapukurssi"),
        "kalliola.QueuedMail": lambda: QueuedMail.objects.create(
            mail="trainings.emails.send_registration_confirmation", args=[1]
        ),
        "meetings.Assessment": lambda: Assessment.objects.create(
            case=world.case, life_situation="x", family_question="y"
        ),
        "meetings.FollowUp": lambda: FollowUp.objects.create(
            case=world.case, due_on=timezone.localdate()
        ),
        "kalliola.SiteContent": lambda: SiteContent.objects.get(language="fi"),
        "kalliola.AccessibilityFeedback": lambda: submit_accessibility_feedback(
            message="Kontrasti", name="Liisa", email="liisa@example.org"
        ),
    }
    assert label in builders, f"Add a way to build a {label} to the access matrix."
    obj = builders[label]()
    assert obj is not None and obj.pk is not None, label
    return obj


# What a coordinator may open: everything of the programme; the sign-in records, two-factor
# devices and the role groups are for superusers only (403).
SUPERUSER_ONLY = {
    "auth.Group",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "otp_totp.TOTPDevice",
}

ONE_ROW_MODELS = {"families.MatchingWeights"}

ADMIN_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("page", ["changelist", "change"])
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.label)
def test_admin_answers(client, world, model, page):
    obj = _build(world, model)
    opts = model._meta
    args = [obj.pk] if page == "change" else []
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)
    for role in (*ROLES, "worker_made_staff"):
        if role == "coordinator" and opts.label in ONE_ROW_MODELS and page == "changelist":
            # A one-row list opens its row.
            expected = (302, reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[1]))
        elif role == "coordinator":
            expected = 403 if opts.label in SUPERUSER_ONLY else 200
        else:
            # Nobody but staff reaches the admin: support workers are not staff.
            expected = LOGIN
        client.logout()
        response = _get(client, world, role, url)
        _assert_answer(response, expected, reverse("admin:login"), role)


def test_a_tampered_id_in_an_admin_url_is_a_redirect_not_an_error(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("admin:families_child_change", args=[999999]))
    assert response.status_code == 302  # the admin's "does not exist" message on the index


def test_support_workers_are_not_staff(world):
    assert not world.worker.is_staff and not world.other_worker.is_staff
    assert world.coordinator.is_staff and not world.coordinator.is_superuser
