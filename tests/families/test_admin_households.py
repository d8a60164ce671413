"""The coordinators' back office for households: lists, filters, status actions, CSV."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from families.models import FamilyStatus, FamilyStatusChange, SupportFamily
from families.services import ALLOWED_TRANSITIONS
from tests.factories.families import FamilyStatusChangeFactory, SupportFamilyFactory
from tests.factories.trainings import household_in_training
from trainings.models import EnrollmentStatus

pytestmark = pytest.mark.django_db

S = FamilyStatus


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


CHANGELIST = "admin:families_supportfamily_changelist"


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def make_families(n):
    statuses = S.values
    families = SupportFamily.objects.bulk_create(
        SupportFamilyFactory.build(
            status=statuses[i % len(statuses)],
            municipality=("Helsinki", "Espoo", "Vantaa")[i % 3],
            languages=["fi", "sv"] if i % 2 else ["fi"],
        )
        for i in range(n)
    )
    FamilyStatusChange.objects.bulk_create(
        FamilyStatusChange(family=f, from_status="", to_status=S.APPLIED) for f in families
    )
    return families


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    "query", ["", "?status=applied", "?room=yes", "?language=sv", "?municipality=Espoo", "?q=perhe"]
)
def test_changelist_query_count_is_the_same_for_10_and_500_families(
    admin_client, django_assert_max_num_queries, query
):
    make_families(10)
    with django_assert_max_num_queries(13):
        assert admin_client.get(url(CHANGELIST) + query).status_code == 200
    make_families(490)
    with django_assert_max_num_queries(13):
        assert admin_client.get(url(CHANGELIST) + query).status_code == 200


def test_changelist_shows_counts_per_status(admin_client):
    SupportFamilyFactory.create_batch(3, status=S.APPLIED)
    SupportFamilyFactory(status=S.APPROVED)
    body = admin_client.get(url(CHANGELIST)).content.decode()
    assert "Applied (3)" in body
    assert "Approved (1)" in body
    assert "Declined (0)" in body


def _listed(response):
    return {f.pk for f in response.context["cl"].result_list}


def test_filters_by_status_municipality_and_language(admin_client):
    a = SupportFamilyFactory(status=S.APPLIED, municipality="Espoo", languages=["fi"])
    b = SupportFamilyFactory(status=S.TRAINED, municipality="Helsinki", languages=["sv", "en"])
    assert _listed(admin_client.get(url(CHANGELIST) + "?status=trained")) == {b.pk}
    assert _listed(admin_client.get(url(CHANGELIST) + "?municipality=Espoo")) == {a.pk}
    assert _listed(admin_client.get(url(CHANGELIST) + "?language=sv")) == {b.pk}
    assert _listed(admin_client.get(url(CHANGELIST) + "?language=fi")) == {a.pk}


def test_room_filter_lists_approved_and_active_households_with_a_free_place(admin_client):
    approved = SupportFamilyFactory(status=S.APPROVED, max_children=2)
    active = SupportFamilyFactory(status=S.ACTIVE)
    applied = SupportFamilyFactory(status=S.APPLIED)
    assert _listed(admin_client.get(url(CHANGELIST) + "?room=yes")) == {approved.pk, active.pk}
    assert _listed(admin_client.get(url(CHANGELIST) + "?room=no")) == {applied.pk}


@pytest.mark.parametrize("term", ["Virtanen", "virta@example.org", "040 000 0999", "Ville"])
def test_search_by_name_email_and_phone(admin_client, term):
    found = SupportFamilyFactory(
        contact_name="Virtanen (demo)",
        email="virta@example.org",
        phone="040 000 0999",
        second_adult_name="Ville",
    )
    SupportFamilyFactory(contact_name="Other", email="other@example.org")
    assert _listed(admin_client.get(url(CHANGELIST), {"q": term})) == {found.pk}


def test_change_page_shows_history_and_status_cannot_be_edited(admin_client, coordinator):
    family = SupportFamilyFactory(status=S.APPLIED)
    FamilyStatusChangeFactory(family=family, note="Tuli lomakkeelta", changed_by=coordinator)
    page = admin_client.get(url("admin:families_supportfamily_change", family.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Tuli lomakkeelta" in body
    assert url("admin:families_supportfamily_status", family.pk) in body
    assert 'name="status"' not in body


def test_tampered_id_on_status_page_is_404(admin_client):
    assert admin_client.get(url("admin:families_supportfamily_status", 999999)).status_code == 404


def test_support_worker_cannot_open_the_back_office(client, support_worker):
    client.force_login(support_worker)
    response = client.get(url(CHANGELIST))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_adding_a_household_records_its_first_status(admin_client, coordinator):
    data = {
        "contact_name": "Puhelimessa Soittanut",
        "email": "Soitto@example.org",
        "phone": "040 000 0555",
        "contact_language": "fi",
        "postal_code": "00530",
        "municipality": "Helsinki",
        "languages": ["fi"],
        "child_age_min": "0",
        "child_age_max": "17",
        "max_children": "1",
        "frequency": "weekend_month",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url("admin:families_supportfamily_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    family = SupportFamily.objects.get()
    assert family.email == "soitto@example.org"
    change = family.status_changes.get()
    assert (change.to_status, change.changed_by) == (S.APPLIED, coordinator)


def test_adding_a_household_with_a_bad_postal_code_is_a_form_error(admin_client):
    response = admin_client.post(
        url("admin:families_supportfamily_add"),
        {
            "contact_name": "X",
            "email": "x@example.org",
            "phone": "040 000 0555",
            "postal_code": "123",
            "contact_language": "fi",
            "child_age_min": "0",
            "child_age_max": "17",
            "max_children": "1",
            "frequency": "weekend_month",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "postal_code" in response.context["adminform"].form.errors
    assert not SupportFamily.objects.exists()


# -- the status action through the admin's own changelist --------------------------------------


def _action(client, families, **extra):
    data = {"action": "move_to_status", "_selected_action": [f.pk for f in families], **extra}
    return client.post(url(CHANGELIST), data)


def test_status_action_first_shows_a_form_for_status_and_note(admin_client):
    family = SupportFamilyFactory()
    response = _action(admin_client, [family])
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="to_status"' in body and 'name="note"' in body
    family.refresh_from_db()
    assert family.status == S.APPLIED


def test_status_action_moves_households_and_records_the_note(admin_client, coordinator):
    families = SupportFamilyFactory.create_batch(2, status=S.APPLIED)
    response = _action(
        admin_client, families, apply="1", to_status=S.INFO_SESSION_ATTENDED, note="Kävi infossa"
    )
    assert response.status_code == 302
    for family in families:
        family.refresh_from_db()
        assert family.status == S.INFO_SESSION_ATTENDED
        change = family.status_changes.get()
        assert (change.note, change.changed_by) == ("Kävi infossa", coordinator)
    assert any("2 households moved" in t for t in texts(response))


def test_status_action_needs_a_note(admin_client):
    family = SupportFamilyFactory(status=S.APPLIED)
    response = _action(admin_client, [family], apply="1", to_status=S.WITHDRAWN, note="")
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    family.refresh_from_db()
    assert family.status == S.APPLIED


def test_refused_transition_shows_the_reason_and_changes_nothing(admin_client):
    ok = SupportFamilyFactory(status=S.APPLIED, contact_name="Aalto")
    closed = SupportFamilyFactory(status=S.ENDED, contact_name="Bergman")
    response = _action(admin_client, [ok, closed], apply="1", to_status=S.WITHDRAWN, note="Pois")
    assert response.status_code == 302
    messages = texts(response)
    assert any("Bergman" in t and "cannot move" in t for t in messages)
    assert any("1 household moved" in t for t in messages)
    closed.refresh_from_db()
    assert closed.status == S.ENDED
    assert not closed.status_changes.exists()


def test_approval_through_the_action_records_the_extract_check(admin_client, coordinator):
    family = SupportFamilyFactory(status=S.TRAINED)
    seen = timezone.localdate() - datetime.timedelta(days=3)
    response = _action(
        admin_client,
        [family],
        apply="1",
        to_status=S.APPROVED,
        note="Hyvä haastattelu",
        criminal_record_checked_on=seen.isoformat(),
    )
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.status == S.APPROVED
    assert (family.criminal_record_checked_on, family.criminal_record_checked_by) == (
        seen,
        coordinator,
    )


def test_trained_without_the_hours_is_refused_with_the_reason(admin_client):
    family = household_in_training(hours=("3", "2"), home_visit="1").family
    response = _action(admin_client, [family], apply="1", to_status=S.TRAINED, note="Valmis")
    assert any("10 hours including the home visit; done: 6" in t for t in texts(response))
    family.refresh_from_db()
    assert family.status == S.IN_TRAINING


def test_trained_through_the_admin_completes_the_enrollment(admin_client):
    # The admin's status change takes the trainings app's own step: the enrolment is completed.
    enrollment = household_in_training(hours=("3", "3", "3"), home_visit="1")
    family = enrollment.family
    _action(admin_client, [family], apply="1", to_status=S.TRAINED, note="Valmis")
    family.refresh_from_db()
    enrollment.refresh_from_db()
    assert family.status == S.TRAINED
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert family.status_changes.get().note.endswith("Valmis")


def test_single_household_status_page(admin_client, coordinator):
    family = SupportFamilyFactory(status=S.ACTIVE)
    page = url("admin:families_supportfamily_status", family.pk)
    assert admin_client.get(page).status_code == 200
    response = admin_client.post(page, {"to_status": S.ON_HOLD, "note": "Perhe lepää kesän"})
    assert response.status_code == 302
    assert response["Location"] == url("admin:families_supportfamily_change", family.pk)
    family.refresh_from_db()
    assert family.status == S.ON_HOLD


def test_single_household_refused_change_stays_on_the_page(admin_client):
    family = SupportFamilyFactory(status=S.APPLIED)
    page = url("admin:families_supportfamily_status", family.pk)
    response = admin_client.post(page, {"to_status": S.ACTIVE, "note": "x"})
    assert response.status_code == 200
    assert any("cannot move" in t for t in texts(response))


def _offered(response):
    return [
        value for value, _label in response.context["form"].fields["to_status"].choices if value
    ]


def test_status_page_offers_only_the_steps_the_pipeline_allows(admin_client):
    family = SupportFamilyFactory(status=S.APPLIED)
    response = admin_client.get(url("admin:families_supportfamily_status", family.pk))
    assert _offered(response) == [
        S.INFO_SESSION_ATTENDED,
        S.ACCEPTED_FOR_TRAINING,
        S.WITHDRAWN,
        S.DECLINED,
    ]
    body = response.content.decode()
    assert 'value="approved"' not in body and 'value="active"' not in body
    assert 'value="in_training"' not in body  # only the review leads to a group
    assert "10 hours of pre-training" in body and "last 6 months" in body


@pytest.mark.parametrize("status", S.values)
def test_every_status_page_offers_exactly_the_table(admin_client, status):
    family = SupportFamilyFactory(status=status)
    response = admin_client.get(url("admin:families_supportfamily_status", family.pk))
    assert set(_offered(response)) == set(ALLOWED_TRANSITIONS[status])


def test_status_action_offers_the_steps_allowed_for_any_selected_household(admin_client):
    applied = SupportFamilyFactory(status=S.APPLIED)
    trained = SupportFamilyFactory(status=S.TRAINED)
    response = _action(admin_client, [applied, trained])
    assert _offered(response) == [
        S.INFO_SESSION_ATTENDED,
        S.ACCEPTED_FOR_TRAINING,
        S.APPROVED,
        S.WITHDRAWN,
        S.DECLINED,
    ]


def test_a_closed_household_is_offered_no_step(admin_client):
    family = SupportFamilyFactory(status=S.ENDED)
    response = admin_client.get(url("admin:families_supportfamily_status", family.pk))
    assert _offered(response) == []
    body = response.content.decode()
    assert "allows no step" in body
    assert 'Change the status"' not in body  # no submit button


def test_forged_disallowed_status_is_refused_by_the_pipeline(admin_client):
    family = SupportFamilyFactory(status=S.APPLIED, contact_name="Forged")
    page = url("admin:families_supportfamily_status", family.pk)
    response = admin_client.post(page, {"to_status": S.APPROVED, "note": "x"})
    assert response.status_code == 200
    assert "Forged: A household cannot move from “Applied” to “Approved”." in texts(response)
    family.refresh_from_db()
    assert family.status == S.APPLIED
    assert family.criminal_record_checked_on is None
    assert not family.status_changes.exists()


def test_forged_disallowed_status_in_the_action_is_refused_per_household(admin_client):
    family = SupportFamilyFactory(status=S.ENDED, contact_name="Closed")
    response = _action(admin_client, [family], apply="1", to_status=S.ACTIVE, note="x")
    assert response.status_code == 302
    assert texts(response) == ["Closed: A household cannot move from “Ended” to “Active”."]
    family.refresh_from_db()
    assert family.status == S.ENDED


@pytest.mark.parametrize("value", ["flying", "", "<script>"])
def test_a_value_that_is_no_status_is_a_form_error(admin_client, value):
    family = SupportFamilyFactory(status=S.APPLIED)
    page = url("admin:families_supportfamily_status", family.pk)
    response = admin_client.post(page, {"to_status": value, "note": "x"})
    assert response.status_code == 200
    assert "to_status" in response.context["form"].errors
    family.refresh_from_db()
    assert family.status == S.APPLIED


# -- CSV export --------------------------------------------------------------------------------


def test_csv_export_has_the_list_columns_and_no_contact_details(admin_client):
    family = SupportFamilyFactory(
        contact_name="=Virtanen",
        email="secret@example.org",
        phone="040 000 0777",
        street_address="Salainen tie 1",
        languages=["fi", "sv"],
        status=S.APPROVED,
    )
    response = admin_client.post(
        url(CHANGELIST), {"action": "export_csv", "_selected_action": [family.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8-sig")
    lines = content.strip().splitlines()
    assert lines[0].startswith("Name;Status")
    assert "'=Virtanen" in lines[1]  # a formula is never run by the spreadsheet
    assert "Approved" in lines[1] and "Finnish, Swedish" in lines[1]
    for secret in ("secret@example.org", "040 000 0777", "Salainen"):
        assert secret not in content


def test_adding_a_household_with_an_email_already_in_use_is_refused(admin_client):
    SupportFamilyFactory(email="olemassa@example.org")
    response = admin_client.post(
        url("admin:families_supportfamily_add"),
        {
            "contact_name": "Toinen",
            "email": "OLEMASSA@example.org",
            "phone": "040 000 0556",
            "contact_language": "fi",
            "child_age_min": "0",
            "child_age_max": "17",
            "max_children": "1",
            "frequency": "weekend_month",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert SupportFamily.objects.count() == 1
    assert not FamilyStatusChange.objects.exists()
