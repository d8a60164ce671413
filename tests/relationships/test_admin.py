import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from families.models import FamilyStatus, PaymentMonth, RelationshipStatus, SupportRelationship
from families.models.child import ChildStatus
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.relationships import RateFactory, RelationshipFactory, StayFactory, at

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(at(TODAY, 12), tick=False):
        yield


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_waiting_children_link_to_their_suggestions(admin_client):
    child = ChildFactory()
    response = admin_client.get(reverse("admin:families_waiting_children"))
    assert response.status_code == 200
    assert reverse("admin:families_child_suggestions", args=[child.pk]) in response.content.decode()


def test_suggestions_page_lists_households_with_reasons(admin_client):
    child = ChildFactory(municipality="Vantaa")
    family = SupportFamilyFactory(status=FamilyStatus.APPROVED, municipality="Vantaa")
    response = admin_client.get(reverse("admin:families_child_suggestions", args=[child.pk]))
    assert response.status_code == 200
    assert [s.family_id for s in response.context["suggestions"]] == [family.pk]


def test_creating_asks_for_confirmation_first_and_saves_nothing(admin_client, support_worker):
    child = ChildFactory()
    family = SupportFamilyFactory(status=FamilyStatus.APPROVED, contact_name="Aino Virtanen")
    support_worker.first_name, support_worker.last_name = "Sanna", "Tukija"
    support_worker.save()
    response = admin_client.post(
        reverse("admin:families_child_suggestions", args=[child.pk]),
        {"support_worker": support_worker.pk, "start_date": "2026-06-20", "family": family.pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sanna Tukija" in page  # the worker by full name, not the user name
    assert 'name="confirm"' in page
    assert not SupportRelationship.objects.exists()
    child.refresh_from_db()
    assert child.status == ChildStatus.WAITING


def test_confirming_creates_the_relationship_and_tells_family_and_worker(
    admin_client, coordinator, support_worker, mailoutbox, django_capture_on_commit_callbacks
):
    child = ChildFactory(first_name="Ville")
    family = SupportFamilyFactory(
        status=FamilyStatus.APPROVED, contact_name="Aino Virtanen", contact_language="sv"
    )
    support_worker.first_name = "Sanna"
    support_worker.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:families_child_suggestions", args=[child.pk]),
            {
                "support_worker": support_worker.pk,
                "start_date": "2026-06-20",
                "rhythm": "Joka toinen viikonloppu",
                "family": family.pk,
                "confirm": "1",
            },
        )
    relationship = SupportRelationship.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:families_supportrelationship_change", args=[relationship.pk]
    )
    assert relationship.support_worker == support_worker
    assert relationship.created_by == coordinator
    child.refresh_from_db()
    family.refresh_from_db()
    assert child.status == ChildStatus.MATCHED
    assert family.status == FamilyStatus.ACTIVE
    to_family, to_worker = sorted(mailoutbox, key=lambda m: m.to != [family.email])
    assert to_family.to == [family.email]
    assert "Hej Aino" in to_family.body  # the household's own language, first name only
    assert "20.6.2026" in to_family.body and "Sanna" in to_family.body
    assert to_worker.to == [support_worker.email]
    assert "Aino" in to_worker.body and "20.6.2026" in to_worker.body
    assert f"/tyo/suhteet/{relationship.pk}/" in to_worker.body
    for mail in (to_family, to_worker):
        # No special-category data: nothing of the child, not even the first name.
        assert "Ville" not in mail.body and "Virtanen" not in mail.body


def test_a_household_that_breaks_a_hard_rule_cannot_be_posted(admin_client, support_worker):
    child = ChildFactory(has_animal_allergy=True)
    pets = SupportFamilyFactory(status=FamilyStatus.APPROVED, has_pets=True)
    response = admin_client.post(
        reverse("admin:families_child_suggestions", args=[child.pk]),
        {"support_worker": support_worker.pk, "start_date": "2026-06-20", "family": pets.pk},
    )
    assert response.status_code == 400
    assert not SupportRelationship.objects.exists()


def test_a_matched_child_gets_no_second_relationship_from_the_admin(admin_client, support_worker):
    existing = RelationshipFactory()
    family = SupportFamilyFactory(status=FamilyStatus.APPROVED)
    response = admin_client.post(
        reverse("admin:families_child_suggestions", args=[existing.child.pk]),
        {
            "support_worker": support_worker.pk,
            "start_date": "2026-06-20",
            "family": family.pk,
            "confirm": "1",
        },
    )
    assert response.status_code == 400
    assert SupportRelationship.objects.count() == 1


def test_the_worker_must_be_a_support_worker(admin_client, coordinator):
    child = ChildFactory()
    family = SupportFamilyFactory(status=FamilyStatus.APPROVED)
    response = admin_client.post(
        reverse("admin:families_child_suggestions", args=[child.pk]),
        {"support_worker": coordinator.pk, "start_date": "2026-06-20", "family": family.pk},
    )
    assert response.status_code == 400
    assert not SupportRelationship.objects.exists()


def test_support_workers_cannot_open_the_suggestions(client, support_worker):
    client.force_login(support_worker)
    child = ChildFactory()
    response = client.get(reverse("admin:families_child_suggestions", args=[child.pk]))
    assert response.status_code == 302  # not staff: the admin login


def test_an_unknown_child_is_a_404(admin_client):
    assert (
        admin_client.get(reverse("admin:families_child_suggestions", args=[99999])).status_code
        == 404
    )


def test_ending_from_the_admin_frees_the_household(admin_client):
    relationship = RelationshipFactory(start_date=datetime.date(2025, 6, 1))
    response = admin_client.post(
        reverse("admin:families_supportrelationship_end", args=[relationship.pk]),
        {"end_date": "2026-06-01", "cause": "goals_reached", "initiator": "together"},
    )
    assert response.status_code == 302
    relationship.refresh_from_db()
    relationship.family.refresh_from_db()
    assert relationship.status == RelationshipStatus.ENDED
    assert relationship.family.status == FamilyStatus.APPROVED


def test_relationship_changelist_filters_and_keeps_its_query_count(
    admin_client, support_worker, django_assert_max_num_queries
):
    for count in (3, 30):
        for _ in range(count):
            StayFactory(relationship=RelationshipFactory(support_worker=support_worker))
        url = reverse("admin:families_supportrelationship_changelist")
        with django_assert_max_num_queries(12):
            response = admin_client.get(url)
        assert response.status_code == 200
    due = RelationshipFactory(start_date=datetime.date(2025, 7, 1))
    response = admin_client.get(url, {"review": "due"})
    assert list(response.context["cl"].result_list) == [due]
    response = admin_client.get(url, {"worker": support_worker.pk})
    assert response.context["cl"].result_count == 33


def test_relationship_page_shows_stays_inline_with_their_fees(admin_client):
    RateFactory(amount=Decimal("40"))
    stay = StayFactory()
    with translation.override("fi"):  # the page in Finnish, whatever an earlier test left on
        url = reverse("admin:families_supportrelationship_change", args=[stay.relationship.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "80,00 €" in response.content.decode()  # in the reader's language


def test_payment_reports_approve_export_and_print(admin_client):
    RateFactory(amount=Decimal("40"))
    stay = StayFactory(
        starts_at=at(datetime.date(2026, 5, 8)), ends_at=at(datetime.date(2026, 5, 10))
    )
    family = stay.relationship.family
    url = reverse("admin:families_paymentmonth_changelist")
    response = admin_client.get(url, {"month": "2026-05"})
    assert response.status_code == 200
    assert response.context["reports"][0].fee == Decimal("80.00")
    response = admin_client.post(
        reverse("admin:families_paymentmonth_approve"), {"month": "2026-05", "family": family.pk}
    )
    assert response.status_code == 302
    assert PaymentMonth.objects.get().fee_total == Decimal("80.00")
    csv = admin_client.get(reverse("admin:families_paymentmonth_csv"), {"month": "2026-05"})
    assert csv.status_code == 200
    assert f"{family.pk};" in csv.content.decode()
    xlsx = admin_client.get(reverse("admin:families_paymentmonth_xlsx"), {"month": "2026-05"})
    assert xlsx.content[:2] == b"PK"
    page = admin_client.get(
        reverse("admin:families_paymentmonth_print", args=[family.pk]), {"month": "2026-05"}
    )
    assert page.status_code == 200
    assert "80.00" in page.content.decode() or "80,00" in page.content.decode()


def test_bad_month_or_household_is_not_a_500(admin_client):
    url = reverse("admin:families_paymentmonth_changelist")
    assert admin_client.get(url, {"month": "2026-13"}).status_code == 200
    approve = reverse("admin:families_paymentmonth_approve")
    assert admin_client.post(approve, {"month": "2026-05", "family": "x"}).status_code == 404
    assert admin_client.post(approve, {"month": "2026-05", "family": "999"}).status_code == 404
    assert not PaymentMonth.objects.exists()


def test_support_workers_cannot_approve_payments(client, support_worker):
    client.force_login(support_worker)
    family = SupportFamilyFactory()
    response = client.post(
        reverse("admin:families_paymentmonth_approve"), {"month": "2026-05", "family": family.pk}
    )
    assert response.status_code == 302
    assert not PaymentMonth.objects.exists()


def test_approved_months_cannot_be_edited_in_the_admin(admin_client, coordinator):
    from families.services.payments import approve_month

    family = SupportFamilyFactory()
    approval = approve_month(family, datetime.date(2026, 5, 1), by=coordinator)
    response = admin_client.post(
        reverse("admin:families_paymentmonth_delete", args=[approval.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert PaymentMonth.objects.exists()
