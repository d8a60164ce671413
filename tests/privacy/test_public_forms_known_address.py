"""Public forms and an e-mail address the programme already knows (issue 17, points 1 and 2).

Anyone can type anyone's address. So a public form never changes what is stored about the
household behind it (what it brought is kept apart for a coordinator to merge), and its answer
is the same whether the address is known or not: the same page, the same message, one e-mail
to the address. The owner of the address learns of it from that e-mail; the coordinator from
the admin's list of possible duplicates.
"""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from families.models import DuplicateStatus, DuplicateSubmission, FamilyStatus, SupportFamily
from families.services import DuplicateError, dismiss_duplicate, merge_duplicate, submit_application
from kalliola.models import QueuedMail
from meetings.models import ContactAdult, MeetingRequest
from tests.factories.families import SupportFamilyFactory
from tests.factories.meetings import ContactAdultFactory
from tests.factories.trainings import InfoSessionFactory, TrainingGroupFactory
from trainings import services as trainings
from trainings.models import Enrollment, Registration

pytestmark = pytest.mark.django_db

APPLY_URL = "/en/tukiperheeksi/"
OWNER = "owner@example.org"


def application(**overrides):
    data = {
        "contact_name": "Hostile Person",
        "email": OWNER,
        "phone": "050 666 6666",
        "second_adult_name": "",
        "second_adult_email": "",
        "second_adult_phone": "",
        "contact_language": "en",
        "street_address": "Evil Street 1",
        "postal_code": "00100",
        "municipality": "Espoo",
        "household_members": "Nobody real",
        "languages": ["en"],
        "pets": "",
        "child_age_min": "0",
        "child_age_max": "17",
        "max_children": "4",
        "frequency": "weekend_month",
        "home_accessibility": "",
        "wishes": "Give me the children.",
        "commitment": "on",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def signup(**overrides):
    return {
        "name": "Hostile Person",
        "email": OWNER,
        "phone": "050 666 6666",
        "municipality": "Espoo",
        "consent": "on",
        "website": "",
        **overrides,
    }


def _owner(**fields):
    values = {
        "contact_name": "Maija Meikäläinen",
        "email": OWNER,
        "phone": "040 000 0123",
        "street_address": "Kotikatu 2",
        "household_members": "Maija, Matti ja kissa",
        "wishes": "Ulkoilu",
        "municipality": "Helsinki",
        "contact_language": "fi",
        **fields,
    }
    return SupportFamilyFactory(**values)


_VARYING = re.compile(r'(nonce|value|content)="[A-Za-z0-9+/=_-]{20,}"')


def _answer(response) -> tuple:
    """What the sender sees: status, where it leads, the messages and the page (tokens out)."""
    messages = [str(message) for message in response.context["messages"]]
    chain = [(url, code) for url, code in response.redirect_chain]
    return response.status_code, chain, messages, _VARYING.sub("", response.content.decode())


def _stored(family) -> dict:
    family.refresh_from_db()
    fields = [field.attname for field in SupportFamily._meta.concrete_fields]
    return {name: getattr(family, name) for name in fields if name != "updated_at"}


def _queued_to_the_address() -> list[str]:
    return sorted(queued.mail.rsplit(".", 1)[0] for queued in QueuedMail.objects.all())


# -- point 1: nothing stored changes --------------------------------------------------------


@pytest.mark.parametrize(
    "status", [FamilyStatus.APPLIED, FamilyStatus.IN_TRAINING, FamilyStatus.APPROVED]
)
def test_an_application_with_a_known_address_changes_nothing_stored(client, status):
    # The finding: a sign-up made the household; an anonymous application replaced its details.
    family = _owner(status=status, application_submitted_at=None)
    before = _stored(family)

    response = client.post(APPLY_URL, application())

    assert response.status_code == 302
    assert _stored(family) == before
    assert SupportFamily.objects.count() == 1
    kept = DuplicateSubmission.objects.get()
    assert (kept.family, kept.status) == (family, DuplicateStatus.PENDING)
    assert kept.source == "application"
    assert kept.data["contact_name"] == "Hostile Person"
    assert kept.data["wishes"] == "Give me the children."


def test_an_info_session_sign_up_with_a_known_address_changes_nothing_stored(client):
    family = _owner()
    before = _stored(family)
    session = InfoSessionFactory()

    client.post(f"/en/infotilaisuudet/{session.pk}/", signup())

    assert _stored(family) == before
    kept = DuplicateSubmission.objects.get()
    assert kept.source == "info_session"
    assert kept.data == {
        "contact_name": "Hostile Person",
        "phone": "050 666 6666",
        "municipality": "Espoo",
        "contact_language": "en",
    }


def test_a_group_sign_up_with_a_known_address_changes_nothing_stored(client):
    family = _owner()
    before = {k: v for k, v in _stored(family).items() if k not in ("status", "status_changed_at")}
    group = TrainingGroupFactory()

    client.post(f"/en/valmennus/{group.pk}/", signup())

    after = _stored(family)
    assert {k: v for k, v in after.items() if k in before} == before
    assert DuplicateSubmission.objects.get().source == "training_group"


def test_a_sign_up_repeating_what_is_stored_is_no_possible_duplicate():
    family = _owner()
    trainings.register_for_info_session(
        InfoSessionFactory(),
        name=family.contact_name,
        email=OWNER.upper(),
        phone=family.phone,
        municipality=family.municipality,
        language=family.contact_language,
    )
    assert not DuplicateSubmission.objects.exists()


def test_a_meeting_request_with_a_known_address_changes_no_earlier_case(client):
    adult = ContactAdultFactory(email=OWNER, name="Liisa Lahtinen", phone="040 111 2222")
    before = {field: getattr(adult, field) for field in ("name", "phone", "email", "best_time")}

    response = client.post(
        "/en/tukitapaamiset/",
        {
            "contact_role": "parent",
            "name": "Hostile Person",
            "phone": "050 666 6666",
            "email": OWNER.upper(),
            "contact_channel": "call",
            "best_time": "never",
            "question": "Tell me about Liisa.",
            "preferred_mode": "phone",
            "municipality": "Espoo",
            "organisation": "",
        },
    )

    assert response.status_code == 302
    adult.refresh_from_db()
    assert {field: getattr(adult, field) for field in before} == before
    assert ContactAdult.objects.count() == 1
    # Kept apart: a request of its own, linked to the earlier case for the coordinator.
    assert MeetingRequest.objects.get().earlier_case == adult.case


# -- point 2: the same answer, known address or not ------------------------------------------


@pytest.mark.parametrize(
    "known",
    [
        {"application_submitted_at": "2026-01-01T10:00Z"},
        {"application_submitted_at": None},
        {"status": FamilyStatus.DECLINED},
    ],
    ids=["applied-before", "signed-up-only", "closed"],
)
def test_the_application_form_answers_the_same_for_a_known_address(client, known):
    new = client.post(APPLY_URL, application(email="nobody@example.org"), follow=True)
    new_mails = _queued_to_the_address()
    QueuedMail.objects.all().delete()
    _owner(**known)

    repeated = client.post(APPLY_URL, application(), follow=True)

    assert _answer(repeated) == _answer(new)
    assert "already have an application" not in repeated.content.decode()
    # One e-mail to the typed address either way.
    assert len(_queued_to_the_address()) == len(new_mails) == 1


def test_the_owner_of_the_address_is_told_with_the_first_name_only(
    client, django_capture_on_commit_callbacks
):
    _owner()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(APPLY_URL, application())
    (message,) = mail.outbox
    assert message.to == [OWNER]
    html, _mimetype = message.alternatives[0]
    for body in (message.body, html):
        assert "Maija" in body
        assert "Meikäläinen" not in body
        # Nothing of what the form said, nor what is stored.
        for said in ("Hostile", "Evil Street", "Give me the children", "Kotikatu", "kissa"):
            assert said not in body


def test_the_info_session_form_answers_the_same_for_one_already_signed_up(client):
    session = InfoSessionFactory(capacity=10)
    url = f"/en/infotilaisuudet/{session.pk}/"
    first = client.post(url, signup(email="first@example.org"), follow=True)
    client.post(url, signup(), follow=True)  # the owner signs up

    again = client.post(url, signup(), follow=True)

    assert _answer(again)[:3] == _answer(first)[:3]
    assert "already signed up" not in again.content.decode()
    assert Registration.objects.filter(session=session).count() == 2  # no second place


def test_a_full_info_session_is_full_for_the_signed_up_and_the_unknown_alike(client):
    session = InfoSessionFactory(capacity=1)
    trainings.register_for_info_session(session, name="Maija", email=OWNER, phone="040 000 0123")
    url = f"/en/infotilaisuudet/{session.pk}/"
    known = client.post(url, signup())
    unknown = client.post(url, signup(email="nobody@example.org"))
    assert known.status_code == unknown.status_code
    assert _VARYING.sub("", known.content.decode()) == _VARYING.sub("", unknown.content.decode())


def test_the_group_form_answers_the_same_for_one_already_in_a_full_group(client):
    group = TrainingGroupFactory(capacity=1)
    url = f"/en/valmennus/{group.pk}/"
    client.post(url, signup(), follow=True)  # the owner takes the only place
    waiting = client.post(url, signup(email="nobody@example.org"), follow=True)

    again = client.post(url, signup(), follow=True)

    assert _answer(again)[:3] == _answer(waiting)[:3]
    assert Enrollment.objects.filter(group=group).count() == 2


def test_a_repeated_sign_up_sends_the_owner_one_mail_with_a_working_cancel_link(
    client, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory()
    url = f"/en/infotilaisuudet/{session.pk}/"
    client.post(url, signup())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, signup())
    (message,) = mail.outbox
    assert message.to == [OWNER]
    link = re.search(r"https?://[^/\s]+(/\S*peru-ilmoittautuminen/\S+/)", message.body).group(1)
    assert client.post(link).status_code in (200, 302)
    assert Registration.objects.get().status == "cancelled"


# -- the coordinator's side -------------------------------------------------------------------


def test_the_coordinator_sees_the_possible_duplicate_and_merges_chosen_fields(
    client, coordinator, django_assert_max_num_queries
):
    family = _owner(application_submitted_at=None)
    client.post(APPLY_URL, application(phone="050 777 7777"))
    kept = DuplicateSubmission.objects.get()
    client.force_login(coordinator)

    listing = client.get(reverse("admin:families_duplicatesubmission_changelist"))
    assert listing.status_code == 200
    assert "Maija Meikäläinen" in listing.content.decode()
    flagged = client.get(reverse("admin:families_supportfamily_changelist") + "?duplicate=pending")
    assert "Maija Meikäläinen" in flagged.content.decode()

    url = reverse("admin:families_duplicatesubmission_change", args=[kept.pk])
    with django_assert_max_num_queries(20):
        page = client.get(url)
    body = page.content.decode()
    assert "Maija Meikäläinen" in body and "Hostile Person" in body  # side by side
    assert 'name="take" value="phone"' in body

    response = client.post(url, {"take": ["phone", "wishes"], "merge": "1"})

    assert response.status_code == 302
    family.refresh_from_db()
    assert (family.phone, family.wishes) == ("050 777 7777", "Give me the children.")
    assert family.contact_name == "Maija Meikäläinen"  # not ticked, not taken
    assert family.application_submitted_at == kept.submitted_at
    kept.refresh_from_db()
    assert (kept.status, kept.handled_by) == (DuplicateStatus.MERGED, coordinator)
    # Handled once: a second merge changes nothing.
    client.post(url, {"take": ["contact_name"], "merge": "1"})
    family.refresh_from_db()
    assert family.contact_name == "Maija Meikäläinen"


def test_a_dismissed_duplicate_takes_nothing(client, coordinator):
    family = _owner()
    before = _stored(family)
    client.post(APPLY_URL, application())
    kept = DuplicateSubmission.objects.get()
    client.force_login(coordinator)
    url = reverse("admin:families_duplicatesubmission_change", args=[kept.pk])
    client.post(url, {"take": ["contact_name"], "dismiss": "1"})
    assert _stored(family) == before
    kept.refresh_from_db()
    assert kept.status == DuplicateStatus.DISMISSED


def test_a_merge_that_would_break_the_household_is_refused_whole(client, coordinator):
    family = _owner(child_age_min=2, child_age_max=5)
    client.post(APPLY_URL, application(child_age_min="9", child_age_max="12"))
    kept = DuplicateSubmission.objects.get()
    client.force_login(coordinator)
    url = reverse("admin:families_duplicatesubmission_change", args=[kept.pk])
    # Only the youngest age: 9 > the stored oldest 5.
    response = client.post(url, {"take": ["child_age_min", "phone"], "merge": "1"}, follow=True)
    assert response.status_code == 200
    family.refresh_from_db()
    assert (family.child_age_min, family.phone) == (2, "040 000 0123")
    kept.refresh_from_db()
    assert kept.status == DuplicateStatus.PENDING


@pytest.mark.parametrize("take", ["status", "email", "criminal_record_checked_on", "\x00"])
def test_only_the_forms_own_fields_can_be_merged(client, coordinator, take):
    family = _owner()
    client.post(APPLY_URL, application())
    kept = DuplicateSubmission.objects.get()
    client.force_login(coordinator)
    url = reverse("admin:families_duplicatesubmission_change", args=[kept.pk])
    response = client.post(url, {"take": [take], "merge": "1"})
    # A NUL byte is refused before any view runs (kalliola.security.RejectNulBytesMiddleware).
    assert response.status_code == (400 if "\x00" in take else 302)
    family.refresh_from_db()
    assert family.email == OWNER and family.status == FamilyStatus.APPLIED
    kept.refresh_from_db()
    assert kept.status == DuplicateStatus.PENDING


def test_support_workers_do_not_see_possible_duplicates(client, support_worker):
    _owner()
    client.post(APPLY_URL, application())
    client.force_login(support_worker)
    kept = DuplicateSubmission.objects.get()
    url = reverse("admin:families_duplicatesubmission_change", args=[kept.pk])
    assert client.get(url).status_code in (302, 403)
    assert client.get(reverse("admin:families_duplicatesubmission_changelist")).status_code in (
        302,
        403,
    )


def test_a_handled_duplicate_cannot_be_merged_or_dismissed_again(coordinator):
    family = _owner()
    submit_application(email=OWNER, data={"contact_name": "Hostile Person"})
    kept = DuplicateSubmission.objects.get()
    dismiss_duplicate(kept, by=coordinator)
    with pytest.raises(DuplicateError):
        merge_duplicate(kept, fields=["contact_name"], by=coordinator)
    with pytest.raises(DuplicateError):
        dismiss_duplicate(kept, by=coordinator)
    family.refresh_from_db()
    assert family.contact_name == "Maija Meikäläinen"


def test_merging_keeps_the_time_of_an_earlier_application_and_a_sign_up_sets_none(coordinator):
    applied_at = timezone.now() - datetime.timedelta(days=30)
    applied = _owner(application_submitted_at=applied_at)
    submit_application(email=OWNER, data={"phone": "050 777 7777"})
    merge_duplicate(DuplicateSubmission.objects.get(), fields=["phone"], by=coordinator)
    applied.refresh_from_db()
    assert (applied.phone, applied.application_submitted_at) == ("050 777 7777", applied_at)

    signed_up = _owner(email="other@example.org", application_submitted_at=None)
    trainings.register_for_info_session(
        InfoSessionFactory(), name="Maija M", email="other@example.org", phone="040 000 0123"
    )
    merge_duplicate(
        DuplicateSubmission.objects.get(family=signed_up), fields=["contact_name"], by=coordinator
    )
    signed_up.refresh_from_db()
    assert signed_up.contact_name == "Maija M"
    assert signed_up.application_submitted_at is None  # a sign-up is no application
