"""A yearly statement in a real browser (issue 19, point 5): the coordinator opens a household's
statement and sees the same monthly figures as on the payment month pages, sends the year's
statements, and the family opens its own statement from the link; axe finds nothing to fix."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from families.services.payments import approve_month
from families.services.statement_links import statement_token
from kalliola.mail import send_due
from kalliola.models import QueuedMail
from tests.browser.conftest import save_screenshot
from tests.browser.test_accessibility import axe_violations
from tests.factories.relationships import RateFactory, RelationshipFactory, StayFactory, at
from tests.factories.users import CoordinatorFactory

pytestmark = pytest.mark.browser

PASSWORD = "test-password-123"
AMOUNT = re.compile(r"\d[\d\s\u00a0]*,\d\d €")


def _amounts(text: str) -> list[str]:
    return AMOUNT.findall(text)


def test_a_statement_matches_the_payment_months(page, live_server):
    coordinator = CoordinatorFactory()
    RateFactory(amount=Decimal("61.00"))
    year = timezone.localdate().year - 1
    relationship = RelationshipFactory(start_date=datetime.date(year - 1, 12, 1))
    family = relationship.family
    for day, nights in ((datetime.date(year, 2, 6), 2), (datetime.date(year, 5, 8), 3)):
        StayFactory(
            relationship=relationship,
            starts_at=at(day),
            ends_at=at(day + datetime.timedelta(days=nights)),
            nights=nights,
        )
    # March has a stay awaiting approval: it is not in the statement.
    StayFactory(
        relationship=relationship,
        starts_at=at(datetime.date(year, 3, 6)),
        ends_at=at(datetime.date(year, 3, 8)),
        nights=2,
    )
    for month in (2, 5):
        approve_month(family, datetime.date(year, month, 1), by=coordinator)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(coordinator.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form [type=submit]").click()

    # What the payment month pages say of the household.
    months = {}
    for month in (2, 5):
        page.goto(f"{live_server.url}/admin/families/paymentmonth/?month={year}-{month:02d}")
        months[month] = _amounts(page.locator(f"#household-{family.pk}").inner_text())
        assert len(months[month]) == 3  # fee, reimbursement, total

    # The household's page → its yearly statement → the year before.
    page.goto(f"{live_server.url}/admin/families/supportfamily/{family.pk}/change/")
    with page.expect_navigation():
        page.get_by_role("link", name="Vuosikooste").click()
    if f"year={year}" not in page.url:
        with page.expect_navigation():
            page.get_by_role("link", name="Edellinen vuosi").click()
    assert f"Vuosikooste {year}" in page.locator("h1").inner_text()
    for month in (2, 5):
        row = page.locator(f"#month-{year}-{month:02d}").inner_text()
        assert _amounts(row) == months[month]
    assert "ei hyväksyttyjä maksuja" in page.locator(f"#month-{year}-03").inner_text()
    total = _amounts(page.locator("#statement-total").inner_text())[-1]
    expected = sum(Decimal(m[-1].replace(" €", "").replace(",", ".")) for m in months.values())
    assert total == f"{expected:.2f}".replace(".", ",") + " €"
    assert axe_violations(page) == []
    save_screenshot(page, "journey-coordinator-yearly-statement")

    # Send the year's statements: a page that counts them, then one button.
    page.goto(f"{live_server.url}/admin/families/paymentmonth/?month={year}-05")
    with page.expect_navigation():
        page.get_by_role("link", name="Lähetä vuosikoosteet…").click()
    page.locator("#id_year").fill(str(year))
    with page.expect_navigation():
        page.get_by_role("button", name="Näytä").click()
    assert "1 perheellä on hyväksyttyjä maksuja" in page.locator("#content").inner_text()
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name=f"Lähetä vuoden {year} koosteet").click()
    assert "lähtee 1 perheelle" in page.locator(".messagelist").inner_text()
    assert QueuedMail.objects.count() == 1
    send_due()
    assert [m.to[0] for m in mail.outbox] == [family.email]

    # The family opens its own statement from the link (signed out), with the same figures.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/vuosikooste/{statement_token(family, year)}/")
    assert _amounts(page.locator(f"#month-{year}-05").inner_text()) == months[5]
    assert page.get_by_role("link", name="Lataa CSV-tiedostona").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/vuosikooste/{statement_token(family, year)}x/")
    assert "Tällä linkillä ei avaudu vuosikoostetta." in page.locator("main").inner_text()
    assert axe_violations(page) == []
