"""An anonymised record is closed for good (issue 24, point 1).

Erasing a case, a relationship, a child or a household blanks its personal data; from then on
no portal form, no admin add or change page and no admin action writes to it or to what belongs
to it, each refusal a clear message, never a 500. The enumeration tests read the write paths
from the URL configuration and the admin, so a new one without the guard fails here. Whatever
gets past the guard (straight through the ORM) is blanked by the next retention run.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from families import retention as families_retention
from families.models import (
    Child,
    DuplicateSubmission,
    FamilyStatusChange,
    Guardian,
    PaymentMonth,
    RelationshipStatus,
    Stay,
    SupervisionContact,
    SupportFamily,
    SupportRelationship,
    UnavailablePeriod,
)
from families.services import submit_application
from kalliola.audit import ANONYMISED
from kalliola.models import AccessibilityFeedback, FeedbackStatus
from kalliola.retention import apply_feedback_retention
from kalliola.services.anonymised import ANONYMISED_MESSAGE, anonymisable, belongs_to
from meetings import retention as meetings_retention
from meetings import services as meetings
from meetings.models import Assessment, CaseStatus, FollowUp, Meeting, Plan, SupportCase
from programme.retention import apply_retention
from tests.factories.families import GuardianFactory, ReferralFactory
from tests.factories.meetings import (
    ContactAdultFactory,
    MeetingFactory,
    MeetingRequestFactory,
    SupportCaseFactory,
)
from tests.factories.relationships import RelationshipFactory, StayFactory, at
from tests.factories.trainings import (
    AttendanceFactory,
    EnrollmentFactory,
    EventFactory,
    HomeVisitFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from trainings import services as trainings
from trainings.models import Enrollment, EventInvitation, HomeVisit, Registration
from trainings.tokens import INVITATION, REGISTRATION, cancel_token, make_token

pytestmark = pytest.mark.django_db

MESSAGE = "has been anonymised"  # the English text, for pytest.raises(match=...)


def _said(page: str, message, params=None) -> bool:
    """Whether the page says `message` in any of the site's languages."""
    for language in ("fi", "sv", "en"):
        with translation.override(language):
            text = str(message) % params if params else str(message)
            if text in page:
                return True
    return False


# Portal pages that write nothing about a case or a relationship.
PORTAL_READ_ONLY = {
    "portal:login",
    "portal:logout",
    "portal:home",
    "meetings_portal:cases",
    "meetings_portal:case",
    "meetings_portal:calendar",
    "meetings_portal:calendar_reset",
    "meetings_portal:feed",
    "families_portal:relationships",
    "families_portal:relationship",
    "families_portal:stays",
}


def _today():
    return timezone.localdate()


@pytest.fixture
def erased(support_worker, coordinator):
    """A closed case and an ended relationship, each with everything around it, erased."""
    today = _today()
    case = SupportCaseFactory(
        support_worker=support_worker,
        request=MeetingRequestFactory(),
        opened_on=today - datetime.timedelta(days=30),
    )
    ContactAdultFactory(case=case, name="Liisa Laine")
    MeetingFactory(case=case, number=1, notes="Ensimmäinen tapaaminen.")
    meetings.save_assessment(
        case,
        by=support_worker,
        life_situation="Elämä",
        services_in_use="",
        family_question="Kysymys",
        what_would_help="",
    )
    meetings.save_plan(
        case,
        by=support_worker,
        next_steps="Askeleet",
        who_does_what="",
        referrals=[{"kind": "municipal", "name": "Perhetyö", "status": "suggested"}],
    )
    meetings.close_case(case, by=support_worker, closed_on=today - datetime.timedelta(days=1))
    meetings_retention.erase_case(case, timezone.now())

    relationship = RelationshipFactory(
        support_worker=support_worker, start_date=today - datetime.timedelta(days=60)
    )
    GuardianFactory(child=relationship.child)
    ReferralFactory(child=relationship.child)
    StayFactory(
        relationship=relationship,
        starts_at=at(today - datetime.timedelta(days=20)),
        ends_at=at(today - datetime.timedelta(days=18)),
    )
    SupervisionContact.objects.create(
        relationship=relationship, date=today - datetime.timedelta(days=10), mode="phone"
    )
    SupportRelationship.objects.filter(pk=relationship.pk).update(
        status=RelationshipStatus.ENDED,
        end_date=today - datetime.timedelta(days=5),
        end_cause="goals_reached",
        end_initiator="together",
    )
    UnavailablePeriod.objects.create(
        family=relationship.family,
        start_date=today + datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=12),
        reason="holiday",
        note="Mökillä",
    )
    family = relationship.family
    household_records(family, coordinator)
    families_retention.erase_child(relationship.child, timezone.now())
    families_retention.anonymise_family(relationship.family_id, timezone.now())
    case.refresh_from_db()
    relationship.refresh_from_db()
    return {"case": case, "relationship": relationship, "feedback": erased_feedback()}


def household_records(family, coordinator):
    """What else a household has: a possible duplicate, an approved payment month, an
    info-session sign-up, a place in a training group with attendance, a home visit and an
    event invitation; erasing the household anonymises them with it."""
    today = _today()
    DuplicateSubmission.objects.create(
        family=family, source="application", data={"phone": "040 765 4321"}
    )
    PaymentMonth.objects.create(
        family=family,
        month=(today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1),
        approved_at=timezone.now(),
        approved_by=coordinator,
    )
    RegistrationFactory(family=family, session=InfoSessionFactory(days_ahead=-40))
    enrollment = EnrollmentFactory(
        family=family, group=TrainingGroupFactory(sessions=1, sessions__days_ahead=-35)
    )
    AttendanceFactory(enrollment=enrollment, hours=Decimal("2"))
    HomeVisitFactory(family=family, notes="Koti on valoisa.")
    EventInvitation.objects.create(event=EventFactory(), family=family)


def erased_feedback():
    """An accessibility feedback answered long ago and anonymised by retention."""
    long_ago = timezone.now() - datetime.timedelta(days=800)
    feedback = AccessibilityFeedback.objects.create(
        answer_by=_today(),
        message="Kuvilta puuttuu tekstivastine.",
        name="Liisa Lukija",
        status=FeedbackStatus.ANSWERED,
        answered_at=long_ago,
    )
    apply_feedback_retention(days=365, now=timezone.now())
    feedback.refresh_from_db()
    assert feedback.anonymised_at is not None
    return feedback


def snapshot():
    """Every stored row of the programme's apps (the audit trail of views is left out)."""
    rows = {}
    models = [AccessibilityFeedback]
    for label in ("meetings", "families", "trainings"):
        models += apps.get_app_config(label).get_models()
    for model in models:
        rows[model._meta.label] = sorted(
            (tuple(sorted(row.items())) for row in model.objects.values()), key=str
        )
    return rows


def assert_refused(client, url, data):
    """POST `data` to `url`: nothing stored changes, and the answer is a message, not a 500."""
    before = snapshot()
    response = client.post(url, data, follow=True)
    assert response.status_code < 500, url
    assert snapshot() == before, f"{url} wrote to an anonymised record"
    assert _said(response.content.decode(), ANONYMISED_MESSAGE) or response.status_code == 404, url


def _in_portal(prefix: str) -> bool:
    # The portal's own pages and every portal app's ("…_portal"), a new app's too.
    namespace = prefix.rstrip(":").split(":")[-1]
    return namespace == "portal" or namespace.endswith("_portal")


def portal_patterns(resolver=None, prefix=""):
    """The names of the portal's URL patterns, read from the URL configuration."""
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= portal_patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name and _in_portal(prefix):
            names.add(prefix + entry.name)
    return names


def portal_writes(erased):
    """For every portal path that writes: its address and data that would write."""
    case, relationship = erased["case"], erased["relationship"]
    today = _today().isoformat()
    stay = relationship.stays.get()
    meeting = {
        "date": today,
        "time": "13:00",
        "mode": "phone",
        "duration_minutes": "45",
        "topics": ["mapping"],
        "notes": "Uusi muistiinpano",
        "tasks": "",
    }
    stay_data = {
        "start_date": (_today() - datetime.timedelta(days=8)).isoformat(),
        "start_time": "17:00",
        "end_date": (_today() - datetime.timedelta(days=7)).isoformat(),
        "end_time": "17:00",
        "notes": "Uusi käynti",
    }
    period_data = {
        "start_date": (_today() + datetime.timedelta(days=30)).isoformat(),
        "end_date": (_today() + datetime.timedelta(days=31)).isoformat(),
        "reason": "commitment",
        "note": "Uusi tauko",
    }
    return {
        "meetings_portal:meeting_add": (
            reverse("meetings_portal:meeting_add", args=[case.pk]),
            meeting,
        ),
        "meetings_portal:meeting_edit": (
            reverse("meetings_portal:meeting_edit", args=[case.pk, 1]),
            meeting,
        ),
        "meetings_portal:case_details": (
            reverse("meetings_portal:case_details", args=[case.pk]),
            {"themes": ["parenting"], "heard_from": "", "learning_support_need": ""},
        ),
        "meetings_portal:assessment": (
            reverse("meetings_portal:assessment", args=[case.pk]),
            {
                "life_situation": "Uusi tilanne",
                "services_in_use": "",
                "family_question": "Uusi kysymys",
                "what_would_help": "",
            },
        ),
        "meetings_portal:plan": (
            reverse("meetings_portal:plan", args=[case.pk]),
            {
                "next_steps": "Uudet askeleet",
                "who_does_what": "",
                "referrals-TOTAL_FORMS": "1",
                "referrals-INITIAL_FORMS": "0",
                "referrals-MIN_NUM_FORMS": "0",
                "referrals-MAX_NUM_FORMS": "20",
                "referrals-0-kind": "municipal",
                "referrals-0-name": "Tohtori Nimetty",
                "referrals-0-status": "suggested",
            },
        ),
        "meetings_portal:close": (
            reverse("meetings_portal:close", args=[case.pk]),
            {"closed_on": today},
        ),
        "meetings_portal:follow_up": (
            reverse("meetings_portal:follow_up", args=[case.pk]),
            {"done_on": today, "outcome": "3", "notes": "Uusi seuranta", "referred_again": ""},
        ),
        "families_portal:log_stay": (
            reverse("families_portal:log_stay", args=[relationship.pk]),
            stay_data,
        ),
        "families_portal:edit_stay": (
            reverse("families_portal:edit_stay", args=[relationship.pk, stay.pk]),
            stay_data,
        ),
        "families_portal:log_contact": (
            reverse("families_portal:log_contact", args=[relationship.pk]),
            {"date": today, "mode": "phone", "notes": "Uusi yhteys"},
        ),
        "families_portal:periods": (
            reverse("families_portal:periods", args=[relationship.pk]),
            period_data,
        ),
        "families_portal:edit_period": (
            reverse(
                "families_portal:edit_period",
                args=[relationship.pk, relationship.family.unavailable_periods.get().pk],
            ),
            period_data,
        ),
        "families_portal:check_in": (
            reverse("families_portal:check_in", args=[relationship.pk]),
            {"date": today, "for_child": "3", "for_family": "3", "for_parent": "3", "note": "x"},
        ),
    }


def check_portal(client, erased, names):
    writes = portal_writes(erased)
    uncovered = names - set(writes) - PORTAL_READ_ONLY
    assert not uncovered, f"portal paths not proven to refuse after erasure: {sorted(uncovered)}"
    for url, data in writes.values():
        assert_refused(client, url, data)


def test_an_erased_case_takes_no_assessment_plan_or_meeting_in_the_portal(
    client, support_worker, erased
):
    """The finding: on main the assessment and the plan were saved with success."""
    client.force_login(support_worker)
    writes = portal_writes(erased)
    for name in (
        "meetings_portal:assessment",
        "meetings_portal:plan",
        "meetings_portal:meeting_add",
    ):
        assert_refused(client, *writes[name])
    assert not Assessment.objects.filter(life_situation="Uusi tilanne").exists()
    assert not erased["case"].meetings.filter(notes="Uusi muistiinpano").exists()


def test_every_portal_write_path_refuses_after_erasure(client, coordinator, erased):
    client.force_login(coordinator)
    check_portal(client, erased, portal_patterns())


@pytest.mark.urls("tests.privacy.unguarded_urls")
def test_a_new_portal_path_without_the_guard_fails_the_enumeration(client, coordinator, erased):
    """A portal form added without the guard (tests/privacy/unguarded_urls.py) fails both
    checks: it is not in the list of proven paths, and posting to it writes."""
    client.force_login(coordinator)
    names = portal_patterns()
    assert "unguarded_portal:notes" in names
    with pytest.raises(AssertionError, match="not proven to refuse"):
        check_portal(client, erased, names)
    url = reverse("unguarded_portal:notes", args=[erased["case"].pk])
    with pytest.raises(AssertionError, match="wrote to an anonymised record"):
        assert_refused(client, url, {"notes": "Ohi vartijan"})


# The admin.


def anonymised_objects(erased):
    """Every record of the erased case and relationship, and what belongs to them."""
    case, relationship = erased["case"], erased["relationship"]
    objects = [case, case.request, *case.contacts.all(), *case.meetings.all()]
    objects += [Assessment.objects.get(case=case), Plan.objects.get(case=case)]
    objects += [FollowUp.objects.get(case=case), *Plan.objects.get(case=case).referrals.all()]
    child = Child.objects.get(pk=relationship.child_id)
    objects += [relationship, child, *child.guardians.all(), *child.referrals.all()]
    objects += [SupportFamily.objects.get(pk=relationship.family_id)]
    objects += [*relationship.stays.all(), *relationship.supervision_contacts.all()]
    family = relationship.family_id
    for model in (DuplicateSubmission, PaymentMonth, Registration, Enrollment, HomeVisit):
        objects += list(model.objects.filter(family_id=family))
    objects += [*EventInvitation.objects.filter(family_id=family), erased["feedback"]]
    return objects


def _belongs_to_anonymisable(model) -> bool:
    instance = model()
    return anonymisable(model) or any(
        f.is_relation
        and f.many_to_one
        and anonymisable(f.related_model)
        and not f.name.startswith("earlier")
        for f in instance._meta.concrete_fields
    )


def admin_write_targets(erased):
    """(model admin, object) for every registered admin of a record that can be anonymised or
    belong to one, and the labels of such admins the fixture builds no record for (a new
    admin of such a record fails the test until the fixture builds one)."""
    by_model = {}
    for obj in anonymised_objects(erased):
        by_model.setdefault(type(obj), obj)
    targets, missing = [], []
    for model, model_admin in admin.site._registry.items():
        if not _belongs_to_anonymisable(model):
            continue
        if model not in by_model:
            missing.append(model._meta.label)
            continue
        targets.append((model_admin, by_model[model]))
    return targets, missing


def check_admin(client, erased):
    targets, missing = admin_write_targets(erased)
    assert targets
    assert not missing, f"admins not proven to refuse after erasure: {missing}"
    for model_admin, obj in targets:
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        response = client.get(url)
        assert response.status_code == 200, url
        assert _said(response.content.decode(), ANONYMISED_MESSAGE), url
        assert_refused(client, url, {"_save": "Save"})
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        request = response.wsgi_request
        for action in model_admin.get_actions(request):
            before = snapshot()
            response = client.post(
                changelist,
                {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "confirm_erase": "yes"},
                follow=True,
            )
            assert response.status_code < 500, (url, action)
            assert snapshot() == before, f"admin action {action} wrote to {opts.label}"


def test_every_admin_change_view_and_action_refuses_after_erasure(client, coordinator, erased):
    client.force_login(coordinator)
    check_admin(client, erased)


def test_a_new_admin_or_action_without_the_guard_fails_the_enumeration(
    client, coordinator, erased, monkeypatch
):
    """An admin of a household's records that the fixture builds nothing for, and an action
    that writes past the services, each fail the enumeration."""
    client.force_login(coordinator)
    admin.site.register(FamilyStatusChange)
    try:
        with pytest.raises(AssertionError, match="not proven to refuse.*FamilyStatusChange"):
            check_admin(client, erased)
    finally:
        admin.site.unregister(FamilyStatusChange)

    @admin.action(description="Mark attended, past the services")
    def unguarded_attended(modeladmin, request, queryset):
        queryset.update(attended=True)

    registration_admin = admin.site._registry[Registration]
    monkeypatch.setattr(
        registration_admin, "actions", [*registration_admin.actions, unguarded_attended]
    )
    with pytest.raises(AssertionError, match="unguarded_attended wrote to trainings.Registration"):
        check_admin(client, erased)


def test_admin_add_pages_offer_no_anonymised_record_to_attach_to(client, coordinator, erased):
    client.force_login(coordinator)
    for model_admin_model in (Assessment, Plan, FollowUp):
        opts = model_admin_model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        if response.status_code == 403:
            continue
        form = response.context["adminform"].form
        assert erased["case"] not in form.fields["case"].queryset


NOTHING_TO_ERASE = gettext_lazy(
    "%(count)s: nothing to erase, their personal data was anonymised already."
)
ERASED = gettext_lazy("%(count)s erased: their personal data is now anonymised.")


def test_erasing_again_says_nothing_to_erase(client, coordinator, erased):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:meetings_supportcase_changelist"),
        {
            "action": "erase_personal_data",
            ACTION_CHECKBOX_NAME: [erased["case"].pk],
            "confirm_erase": "yes",
        },
        follow=True,
    )
    page = response.content.decode()
    assert _said(page, NOTHING_TO_ERASE, {"count": 1})
    assert not _said(page, ERASED, {"count": 1})


def test_a_write_past_the_guard_is_blanked_by_the_next_retention_run(erased):
    case, relationship = erased["case"], erased["relationship"]
    Meeting.objects.create(
        case=case,
        number=2,
        starts_at=timezone.now(),
        mode="phone",
        duration_minutes=30,
        notes="Ohi vartijan kirjoitettu",
    )
    Assessment.objects.filter(case=case).update(life_situation="Ohi vartijan")
    Stay.objects.filter(relationship=relationship).update(notes="Ohi vartijan käynti")
    Guardian.objects.filter(child_id=relationship.child_id).update(name="Uusi Huoltaja")
    # The household's records of the trainings app, its possible duplicates, and feedback.
    family = relationship.family_id
    HomeVisit.objects.filter(family_id=family).update(notes="Ohi vartijan kotikäynti")
    HomeVisit.objects.create(family_id=family, visited_on=_today(), notes="Ohi vartijan uusi")
    DuplicateSubmission.objects.create(
        family_id=family, source="application", data={"contact_name": "Ohi Vartijan"}
    )
    AccessibilityFeedback.objects.filter(pk=erased["feedback"].pk).update(
        message="Ohi vartijan palaute", name="Liisa Lukija"
    )
    counts = apply_retention()
    assert not HomeVisit.objects.filter(notes__contains="Ohi vartijan").exists()
    assert list(DuplicateSubmission.objects.values_list("data", "status")) == [
        ({}, "dismissed"),
        ({}, "dismissed"),
    ]
    feedback = AccessibilityFeedback.objects.get(pk=erased["feedback"].pk)
    assert (feedback.message, feedback.name) == (ANONYMISED, "")
    assert counts["home_visits"] == 2
    assert counts["accessibility_feedback"] == 1
    assert not Meeting.objects.filter(notes__contains="Ohi vartijan").exists()
    assert Assessment.objects.get(case=case).life_situation == ANONYMISED
    assert not Stay.objects.filter(notes__contains="Ohi vartijan").exists()
    assert not Guardian.objects.filter(name="Uusi Huoltaja").exists()
    assert counts["meetings"] == 1
    assert counts["stays"] == 1
    # And a second run finds nothing left.
    assert apply_retention() == {}


def test_the_services_refuse_an_anonymised_case_with_a_clear_error(support_worker, erased):
    with translation.override("en"), pytest.raises(meetings.CaseAnonymised, match=MESSAGE):
        meetings.save_assessment(
            erased["case"],
            by=support_worker,
            life_situation="x",
            services_in_use="",
            family_question="x",
            what_would_help="",
        )
    assert SupportCase.objects.get(pk=erased["case"].pk).status == CaseStatus.CLOSED
    assert {type(record) for record in belongs_to(erased["case"].meetings.first())} >= {
        Meeting,
        SupportCase,
    }


def test_the_trainings_services_refuse_an_erased_household(coordinator, erased):
    family = SupportFamily.objects.get(pk=erased["relationship"].family_id)
    registration = Registration.objects.get(family=family)
    enrollment = Enrollment.objects.get(family=family)
    invitation = EventInvitation.objects.get(family=family)
    session = enrollment.group.sessions.get()
    writes = {
        "mark_info_session_attended": lambda: trainings.mark_info_session_attended(registration),
        "cancel_registration": lambda: trainings.cancel_registration(registration),
        "enroll_family": lambda: trainings.enroll_family(TrainingGroupFactory(), family),
        "cancel_enrollment": lambda: trainings.cancel_enrollment(enrollment),
        "record_attendance": lambda: trainings.record_attendance(enrollment, session, 1),
        "record_home_visit": lambda: trainings.record_home_visit(
            family, visited_on=_today(), hours=Decimal("1"), notes="Uusi käynti"
        ),
        "reply_to_invitation": lambda: trainings.reply_to_invitation(
            invitation, reply="yes", participants=2
        ),
    }
    before = snapshot()
    for name, write in writes.items():
        with pytest.raises(trainings.TrainingRecordAnonymised) as raised:
            write()
        with translation.override("en"):
            assert MESSAGE in str(raised.value), name
    new_group = {"trainings.TrainingGroup", "trainings.TrainingSession"}  # enroll_family's
    after = snapshot()
    assert {k: v for k, v in after.items() if k not in new_group} == {
        k: v for k, v in before.items() if k not in new_group
    }


def test_a_public_sign_up_with_an_erased_household_s_address_writes_nothing(client, erased):
    """The erased household keeps its (undeliverable) address; typed into a public form it
    finds the household, and nothing is written to it: no sign-up, no possible duplicate."""
    family = SupportFamily.objects.get(pk=erased["relationship"].family_id)
    session, group = InfoSessionFactory(), TrainingGroupFactory()
    before = snapshot()
    signup = {"name": "Uusi Nimi", "email": family.email, "phone": "040 111 2222"}
    with pytest.raises(trainings.TrainingRecordAnonymised):
        trainings.register_for_info_session(session, **signup)
    with pytest.raises(trainings.TrainingRecordAnonymised):
        trainings.enroll(group, **signup)
    submit_application(email=family.email, data={"contact_name": "Uusi Nimi"})
    response = client.post(
        reverse("trainings:info_session_detail", args=[session.pk]),
        {**signup, "consent": "on", "website": ""},
    )
    assert response.status_code < 500
    assert snapshot() == before


def test_the_links_in_old_mails_change_nothing_for_an_erased_household(client, erased):
    """A sign-up's cancel link and an invitation's reply link, followed after erasure."""
    family = SupportFamily.objects.get(pk=erased["relationship"].family_id)
    registration = RegistrationFactory(family=family)  # an upcoming session, past the guard
    invitation = EventInvitation.objects.get(family=family)
    before = snapshot()
    cancel = reverse("trainings:cancel_signup", args=[cancel_token(REGISTRATION, registration.pk)])
    response = client.post(cancel, follow=True)
    assert response.status_code == 409
    assert _said(response.content.decode(), ANONYMISED_MESSAGE)
    reply = reverse("trainings:event_reply", args=[make_token(INVITATION, invitation.pk)])
    response = client.post(reply, {"reply": "yes", "participants": "2"})
    assert response.status_code == 409
    assert _said(response.content.decode(), ANONYMISED_MESSAGE)
    assert snapshot() == before
