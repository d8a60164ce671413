"""A coordinator's payment month in a real browser: open last month, approve every household
after a confirmation, see the counts, reopen one household with a reason and see it shown."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from families.models import PaymentMonth, PaymentMonthReopening
from tests.browser.conftest import save_screenshot
from tests.factories.relationships import RateFactory, RelationshipFactory, StayFactory, at
from tests.factories.users import CoordinatorFactory

pytestmark = pytest.mark.browser

PASSWORD = "test-password-123"


def test_coordinator_approves_last_month_then_reopens_a_household_with_a_reason(page, live_server):
    coordinator = CoordinatorFactory()
    RateFactory(amount=Decimal("61.00"))
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    weekend = last_month + datetime.timedelta(days=7)
    relationships = [
        RelationshipFactory(start_date=last_month - datetime.timedelta(days=90)) for _ in range(3)
    ]
    for relationship in relationships:
        StayFactory(
            relationship=relationship,
            starts_at=at(weekend),
            ends_at=at(weekend + datetime.timedelta(days=2)),
            nights=2,
        )
    family = relationships[1].family

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(coordinator.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form [type=submit]").click()

    # The payment reports open on last month: three households awaiting approval.
    page.goto(f"{live_server.url}/admin/families/paymentmonth/")
    assert "3 perhettä odottaa hyväksyntää" in page.locator("#month-summary").inner_text()

    # Approve all: a confirmation page first, then the month is approved and locked.
    with page.expect_navigation():
        page.get_by_role("link", name="Hyväksy kaikki odottavat perheet…").click()
    assert "3 perheen maksut" in page.locator("#content").inner_text()
    assert not PaymentMonth.objects.exists()
    with page.expect_navigation():
        page.get_by_role("button", name="Kyllä, hyväksy kaikki").click()
    assert "Hyväksytty 3 perhettä, yhteensä 366,00 €." in page.locator(".messagelist").inner_text()
    summary = page.locator("#month-summary").inner_text()
    assert "3 perhettä hyväksytty" in summary and "0 perhettä odottaa" in summary
    assert PaymentMonth.objects.count() == 3

    # Reopen one household: the reason is asked for, then shown on the month's page.
    with page.expect_navigation():
        page.locator(f"#household-{family.pk} a", has_text="Avaa uudelleen…").click()
    page.locator("#id_reason").fill("Tukityöntekijä korjaa viikonlopun päättymisajan.")
    with page.expect_navigation():
        page.get_by_role("button", name="Avaa uudelleen").click()
    assert f"#household-{family.pk}" in page.url
    row = page.locator(f"#household-{family.pk}").inner_text()
    assert "Tukityöntekijä korjaa viikonlopun päättymisajan." in row
    assert "Hyväksy ja lukitse" in row
    reopenings = page.locator("#reopenings").inner_text()
    assert "Tukityöntekijä korjaa viikonlopun päättymisajan." in reopenings
    summary = page.locator("#month-summary").inner_text()
    assert "2 perhettä hyväksytty" in summary and "1 perhe odottaa hyväksyntää" in summary
    assert PaymentMonthReopening.objects.get().family == family
    save_screenshot(page, "journey-coordinator-payment-month")
