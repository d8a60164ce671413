"""The month's payment page as a coordinator uses it: pages, search, filters, counts, approving
one household or the whole month, reopening with a reason, and hostile input."""

import datetime
import math
from decimal import Decimal

import pytest
from django.urls import reverse

from families.models import (
    Child,
    PaymentMonth,
    PaymentMonthReopening,
    Stay,
    SupportFamily,
    SupportRelationship,
)
from families.services.payments import approve_month
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.relationships import RateFactory, RelationshipFactory, StayFactory, at
from tests.factories.users import SupportWorkerFactory
from tests.helpers import counts_postgresql_statements

pytestmark = pytest.mark.django_db

MAY = datetime.date(2026, 5, 1)
PAGE = reverse("admin:families_paymentmonth_changelist")
APPROVE = reverse("admin:families_paymentmonth_approve")
APPROVE_ALL = reverse("admin:families_paymentmonth_approve_all")
REOPEN = reverse("admin:families_paymentmonth_reopen")


@pytest.fixture(autouse=True)
def rate(db):
    return RateFactory(amount=Decimal("61.00"))


def _stay(relationship, day=datetime.date(2026, 5, 8)):
    return StayFactory(
        relationship=relationship,
        starts_at=at(day),
        ends_at=at(day + datetime.timedelta(days=2)),
        nights=2,
    )


def _households(count: int, worker=None, name="Testi Perhe") -> list[SupportFamily]:
    """`count` households with one May weekend each, written in bulk (a month at scale)."""
    worker = worker or SupportWorkerFactory()
    families = SupportFamily.objects.bulk_create(
        SupportFamilyFactory.build_batch(count, status="active", contact_name=name)
    )
    children = Child.objects.bulk_create(ChildFactory.build_batch(count, status="matched"))
    relationships = SupportRelationship.objects.bulk_create(
        RelationshipFactory.build(family=family, child=child, support_worker=worker)
        for family, child in zip(families, children, strict=True)
    )
    Stay.objects.bulk_create(
        Stay(
            relationship=r,
            starts_at=at(datetime.date(2026, 5, 8)),
            ends_at=at(datetime.date(2026, 5, 10)),
            nights=2,
        )
        for r in relationships
    )
    return families


@pytest.mark.parametrize("rows", [10, 5000])
def test_the_month_page_keeps_its_queries_from_ten_to_thousands_of_households(
    admin_client, django_assert_max_num_queries, rows
):
    """At scale 1 last month has about 2,450 households; the page shows 50 of them, with the
    month's counts, in the same few queries for 10 or 5,000 (issue 26)."""
    _households(rows)
    with django_assert_max_num_queries(18):
        response = admin_client.get(PAGE, {"month": "2026-05"})
    assert response.status_code == 200
    assert response.content.decode().count('id="household-') == min(rows, 50)
    assert response.context["summary"].pending == rows


@counts_postgresql_statements
@pytest.mark.parametrize("rows", [10, 5000])
def test_approving_the_whole_month_keeps_its_queries_from_ten_to_thousands_of_households(
    admin_client, django_assert_max_num_queries, rows
):
    """The confirmation page takes the same queries for 10 or 5,000 households; the approval
    takes the same ones plus two statements per thousand households or part of one (the stays'
    amounts and the audit entries are written a thousand rows a statement), never one each."""
    _households(rows)
    with django_assert_max_num_queries(10):
        confirm = admin_client.get(APPROVE_ALL, {"month": "2026-05"})
    assert f"{rows} perheen maksut" in confirm.content.decode()
    with django_assert_max_num_queries(15 + 2 * math.ceil(rows / 1000)):
        response = admin_client.post(APPROVE_ALL, {"month": "2026-05", "confirm": "yes"})
    assert response.status_code == 302
    assert PaymentMonth.objects.filter(month=MAY).count() == rows
    assert not Stay.objects.filter(payment_month__isnull=True).exists()
    assert admin_client.get(PAGE, {"month": "2026-05"}).context["summary"].pending == 0


def test_the_month_page_is_paginated_and_counts_approved_and_pending(admin_client, coordinator):
    families = _households(60)
    approve_month(families[0], MAY, by=coordinator)
    response = admin_client.get(PAGE, {"month": "2026-05", "p": "2"})
    page = response.content.decode()
    assert page.count('id="household-') == 10
    assert "1 perhe hyväksytty" in page
    assert "59 perhettä odottaa hyväksyntää" in page


def test_the_month_page_searches_and_filters(admin_client, coordinator):
    worker = SupportWorkerFactory(first_name="Maija", last_name="Tukija")
    mine = RelationshipFactory(support_worker=worker, family__contact_name="Virtanen Aino")
    other = RelationshipFactory(family__contact_name="Korhonen Eero")
    _stay(mine)
    _stay(other)
    approve_month(other.family, MAY, by=coordinator)

    def shown(**params):
        response = admin_client.get(PAGE, {"month": "2026-05", **params})
        assert response.status_code == 200
        return [r.family.contact_name for r in response.context["reports"]]

    assert shown() == ["Korhonen Eero", "Virtanen Aino"]
    assert shown(q="virtanen") == ["Virtanen Aino"]
    assert shown(worker=str(worker.pk)) == ["Virtanen Aino"]
    assert shown(state="approved") == ["Korhonen Eero"]
    assert shown(state="pending") == ["Virtanen Aino"]
    assert "Maija Tukija" in admin_client.get(PAGE, {"month": "2026-05"}).content.decode()


def test_households_with_the_same_name_are_told_apart(admin_client):
    first, second = _households(2, name="Mäkinen Liisa")
    SupportFamily.objects.filter(pk=first.pk).update(municipality="Espoo")
    SupportFamily.objects.filter(pk=second.pk).update(municipality="Vantaa")
    page = admin_client.get(PAGE, {"month": "2026-05"}).content.decode()
    assert f"#{first.pk}" in page and f"#{second.pk}" in page
    assert "Espoo" in page and "Vantaa" in page


def test_approving_one_household_returns_to_the_same_page_filter_and_row(admin_client):
    families = _households(3)
    target = families[1]
    response = admin_client.post(
        APPROVE,
        {"month": "2026-05", "family": target.pk, "q": "Testi", "state": "pending", "p": "1"},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert "q=Testi" in location and "state=pending" in location and "p=1" in location
    assert location.endswith(f"#household-{target.pk}")
    assert PaymentMonth.objects.get().family == target
    page = admin_client.get(location).content.decode()
    assert "122,00 €" in page  # the message in the reader's language, as the table


def test_approving_the_whole_month_asks_first_then_approves_every_household(admin_client):
    _households(4)
    confirm = admin_client.get(APPROVE_ALL, {"month": "2026-05"})
    assert confirm.status_code == 200
    assert "4 perheen maksut" in confirm.content.decode()
    assert not PaymentMonth.objects.exists()
    # A post without the confirmation field is only the question again.
    assert admin_client.post(APPROVE_ALL, {"month": "2026-05"}).status_code == 200
    assert not PaymentMonth.objects.exists()
    response = admin_client.post(APPROVE_ALL, {"month": "2026-05", "confirm": "yes"}, follow=True)
    assert PaymentMonth.objects.count() == 4
    page = response.content.decode()
    assert "Hyväksytty 4 perhettä, yhteensä 488,00 €." in page
    assert "4 perhettä hyväksytty" in page


def test_the_current_month_offers_no_approval(admin_client):
    today = datetime.date.today()
    relationship = RelationshipFactory(start_date=today - datetime.timedelta(days=60))
    StayFactory(relationship=relationship)
    month = f"{today:%Y-%m}"
    page = admin_client.get(PAGE, {"month": month}).content.decode()
    assert "Approve and lock" not in page and "Hyväksy ja lukitse" not in page
    response = admin_client.post(APPROVE_ALL, {"month": month, "confirm": "yes"}, follow=True)
    assert "ei ole vielä päättynyt" in response.content.decode()
    assert not PaymentMonth.objects.exists()


def test_reopening_asks_for_a_reason_and_shows_it_on_the_month_page(admin_client, coordinator):
    (family,) = _households(1)
    approve_month(family, MAY, by=coordinator)
    form = admin_client.get(REOPEN, {"month": "2026-05", "family": family.pk})
    assert form.status_code == 200
    refused = admin_client.post(REOPEN, {"month": "2026-05", "family": family.pk, "reason": "  "})
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert PaymentMonth.objects.exists()
    response = admin_client.post(
        REOPEN,
        {"month": "2026-05", "family": family.pk, "reason": "Viikonloppu puuttui", "p": "1"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#household-{family.pk}")
    assert not PaymentMonth.objects.exists()
    page = admin_client.get(response["Location"]).content.decode()
    assert "Viikonloppu puuttui" in page
    assert PaymentMonthReopening.objects.get().reason == "Viikonloppu puuttui"


def test_reopening_text_with_markup_is_shown_as_text(admin_client, coordinator):
    (family,) = _households(1)
    approve_month(family, MAY, by=coordinator)
    admin_client.post(REOPEN, {"month": "2026-05", "reason": "<script>alert(1)</script>"})
    page = admin_client.get(PAGE, {"month": "2026-05"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_hostile_parameters_are_not_a_500(admin_client, coordinator):
    (family,) = _households(1)
    for params in (
        {"month": "2026-05", "p": "99999"},
        {"month": "2026-05", "p": "x"},
        {"month": "2026-05", "worker": "abc"},
        {"month": "2026-05", "worker": "9" * 30},
        {"month": "2026-05", "state": "<b>"},
        {"month": "2026-05", "q": "x" * 5000},
        {"month": "9999-99"},
    ):
        assert admin_client.get(PAGE, params).status_code == 200, params
    assert admin_client.get(REOPEN, {"month": "2026-05", "family": "x"}).status_code == 404
    assert admin_client.get(REOPEN, {"month": "2026-05", "family": "999999"}).status_code == 404
    assert admin_client.get(PAGE, {"month": "2026-05", "q": "a\x00b"}).status_code == 400
    assert admin_client.post(APPROVE, {"month": "2026-05", "family": "9" * 30}).status_code == 404


def test_support_workers_cannot_approve_all_nor_reopen(client, support_worker, coordinator):
    (family,) = _households(1)
    approve_month(family, MAY, by=coordinator)
    client.force_login(support_worker)
    client.post(APPROVE_ALL, {"month": "2026-05", "confirm": "yes"})
    client.post(REOPEN, {"month": "2026-05", "reason": "Ei saisi"})
    assert PaymentMonth.objects.count() == 1
    assert not PaymentMonthReopening.objects.exists()


@pytest.mark.parametrize("rows", [10, 500])
def test_the_months_awaiting_approval_page_keeps_its_queries(
    admin_client, django_assert_max_num_queries, rows
):
    """The page the dashboard's "stays awaiting approval" links to: every month in one
    aggregate, whatever the number of households and stays."""
    _households(rows)
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("admin:families_paymentmonth_awaiting"))
    assert response.status_code == 200
    assert response.context["stays"] == rows
    assert response.context["households"] == rows
    assert "?month=2026-05" in response.content.decode()
