"""Yearly statements (issue 19, point 5): the year's approved fees and reimbursements by month,
the printable page and CSV, the signed link that expires, and sending a year's statements."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone, translation

from families.models import PaymentMonth, RateKind, RateUnit, SupportFamily
from families.retention import anonymise_family
from families.services import statement_links
from families.services.payments import approve_all, approve_month, reopen_month
from families.services.statement_links import (
    LinkExpired,
    family_for_token,
    statement_token,
    statement_url,
)
from families.services.statements import (
    StatementError,
    check_year,
    send_statements,
    statement_csv,
    statement_families,
    yearly_statement,
)
from kalliola.mail import send_due
from kalliola.models import QueuedMail
from tests.factories.families import SupportFamilyFactory
from tests.factories.relationships import RateFactory, RelationshipFactory, StayFactory, at
from tests.factories.users import CoordinatorFactory, SupportWorkerFactory
from tests.html_validity import validate

pytestmark = pytest.mark.django_db

NOW = at(datetime.date(2027, 1, 15), 12)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def rates(db):
    return [
        RateFactory(amount=Decimal("61.00")),
        RateFactory(kind=RateKind.REIMBURSEMENT, unit=RateUnit.PER_NIGHT, amount=Decimal("7.50")),
    ]


@pytest.fixture
def coordinator_user(db):
    return CoordinatorFactory()


def _weekend(relationship, first: datetime.date, nights: int = 2):
    return StayFactory(
        relationship=relationship,
        starts_at=at(first),
        ends_at=at(first + datetime.timedelta(days=nights)),
        nights=nights,
    )


def _approve(family, month: datetime.date, by):
    return approve_month(family, month, by=by, now=NOW)


@pytest.fixture
def year_of_payments(coordinator_user):
    """A household with months of 2026 approved (Feb, May twice-stayed, Dec), one pending (Mar),
    one reopened (Jun) and one approved month in 2025 and one other household of 2026."""
    relationship = RelationshipFactory(start_date=datetime.date(2025, 11, 1))
    family = relationship.family
    for day in (
        datetime.date(2025, 12, 5),
        datetime.date(2026, 2, 6),
        datetime.date(2026, 3, 6),
        datetime.date(2026, 5, 8),
        datetime.date(2026, 5, 22),
        datetime.date(2026, 6, 5),
        datetime.date(2026, 12, 4),
    ):
        _weekend(relationship, day, nights=3 if day.month == 12 else 2)
    for month in (2, 5, 6, 12):
        _approve(family, datetime.date(2026, month, 1), coordinator_user)
    _approve(family, datetime.date(2025, 12, 1), coordinator_user)
    reopen_month(datetime.date(2026, 6, 1), reason="Korjataan", by=coordinator_user, family=family)
    other = RelationshipFactory(start_date=datetime.date(2026, 1, 1))
    _weekend(other, datetime.date(2026, 5, 15), nights=4)
    _approve(other.family, datetime.date(2026, 5, 1), coordinator_user)
    return family, other.family


# -- the rule: approved months only ------------------------------------------------------------


def test_statement_totals_equal_the_approved_months_totals_of_that_year(year_of_payments):
    family, _other = year_of_payments
    statement = yearly_statement(family, 2026)
    approved = PaymentMonth.objects.filter(family=family, month__year=2026)
    assert statement.total == sum(a.total for a in approved)
    assert statement.fee == sum(a.fee_total for a in approved)
    assert statement.reimbursement == sum(a.reimbursement_total for a in approved)
    assert statement.nights == 2 + 4 + 3
    assert statement.stays == 1 + 2 + 1
    # 2 + 2×2 + 3 nights at 61 € and 7.50 € a night.
    assert statement.fee == Decimal("61.00") * 9
    assert statement.reimbursement == Decimal("7.50") * 9
    assert [line.month.month for line in statement.months] == list(range(1, 13))
    assert [line.month.month for line in statement.months if line.approved] == [2, 5, 12]


def test_pending_and_reopened_months_and_other_years_are_not_in_the_statement(year_of_payments):
    family, _other = year_of_payments
    lines = {line.month.month: line for line in yearly_statement(family, 2026).months}
    assert not lines[3].approved and lines[3].total == 0  # pending: stays, no approval
    assert not lines[6].approved and lines[6].total == 0  # reopened
    assert lines[1].total == 0  # December 2025 belongs to 2025's statement
    assert yearly_statement(family, 2025).approved_months == 1
    assert yearly_statement(family, 2025).nights == 3


def test_a_reopened_month_counts_again_once_approved_again(year_of_payments, coordinator_user):
    family, _other = year_of_payments
    before = yearly_statement(family, 2026).total
    june = _approve(family, datetime.date(2026, 6, 1), coordinator_user)
    assert yearly_statement(family, 2026).total == before + june.total


def test_another_households_months_never_show(year_of_payments):
    family, other = year_of_payments
    statement = yearly_statement(other, 2026)
    assert statement.approved_months == 1 and statement.nights == 4
    assert yearly_statement(family, 2026).nights == 9


@pytest.mark.parametrize("year", [0, 1899, 2101, 99999, -1, "2026\x00", "abc", None])
def test_an_impossible_year_is_refused(year):
    with pytest.raises(StatementError):
        check_year(year)


@pytest.mark.parametrize("year", [1900, 2100])
def test_the_first_and_last_year_are_accepted(year):
    family = SupportFamilyFactory()
    assert yearly_statement(family, year).total == 0


def test_the_csv_has_a_bom_decimal_commas_translated_headers_and_no_formula(year_of_payments):
    family, _other = year_of_payments
    SupportFamily.objects.filter(pk=family.pk).update(contact_name='=HYPERLINK("x")\x07 Perhe')
    family.refresh_from_db()
    with translation.override("fi"):
        text = statement_csv(yearly_statement(family, 2026))
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Perheen numero;Tukiperhe;Kuukausi;Jaksot;Yöt;Palkkio")
    assert len(lines) == 1 + 12 + 1
    may = next(line for line in lines if ";2026-05;" in line)
    assert "'=HYPERLINK" in may and "\x07" not in text
    assert ";244,00;30,00;274,00;" in may  # two weekends: 4 nights × 61 € and × 7.50 €
    assert lines[-1].split(";")[2] == "Vuosi 2026"
    with translation.override("sv"):
        assert "Månad" in statement_csv(yearly_statement(family, 2026)).splitlines()[0]


# -- the signed link ---------------------------------------------------------------------------


def test_the_link_opens_its_own_household_and_year_and_carries_no_name():
    family = SupportFamilyFactory(contact_name="Tuulikki Testinen")
    token = statement_token(family, 2026)
    assert family_for_token(token) == (family, 2026)
    url = statement_url(family, 2026)
    assert "Tuulikki" not in url and "Testinen" not in url and "@" not in url


def test_the_link_works_to_the_last_second_of_its_days_and_then_expires(settings):
    settings.STATEMENT_LINK_DAYS = 60
    family = SupportFamilyFactory()
    token = statement_token(family, 2026)
    with time_machine.travel(NOW + datetime.timedelta(days=60), tick=False):
        assert family_for_token(token) == (family, 2026)
    later = NOW + datetime.timedelta(days=60, seconds=1)
    with time_machine.travel(later, tick=False), pytest.raises(LinkExpired):
        family_for_token(token)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t, other: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t, other: t.replace(t.split(".")[0], str(other.pk), 1),
        lambda t, other: t.replace(".2026:", ".2025:", 1),
        lambda t, other: signing.TimestampSigner(salt="another").sign(f"{other.pk}.2026"),
        lambda t, other: signing.TimestampSigner().sign(f"{other.pk}.2026"),
        lambda t, other: "",
        lambda t, other: "1.2026",
    ],
)
def test_a_tampered_link_opens_nothing(tamper):
    family, other = SupportFamilyFactory(), SupportFamilyFactory()
    with pytest.raises(SupportFamily.DoesNotExist):
        family_for_token(tamper(statement_token(family, 2026), other))


def test_a_signed_link_with_an_impossible_year_opens_nothing():
    family = SupportFamilyFactory()
    token = statement_links._signer().sign(f"{family.pk}.99999")
    with pytest.raises(SupportFamily.DoesNotExist):
        family_for_token(token)


def test_the_link_of_an_anonymised_household_opens_nothing(coordinator_user):
    family = SupportFamilyFactory()
    token = statement_token(family, 2026)
    anonymise_family(family.pk, NOW)
    with pytest.raises(SupportFamily.DoesNotExist):
        family_for_token(token)


# -- sending a year's statements ---------------------------------------------------------------


def _queued_links(text: str) -> list[str]:
    return re.findall(r"https?://\S+/vuosikooste/\S+/", text)


def test_sending_queues_one_mail_per_household_and_sends_none_in_the_request(
    year_of_payments, coordinator_user
):
    family, other = year_of_payments
    only_pending = RelationshipFactory(start_date=datetime.date(2026, 1, 1))
    _weekend(only_pending, datetime.date(2026, 4, 3))
    count = send_statements(2026, by=coordinator_user)
    assert count == 2
    assert mail.outbox == []
    assert QueuedMail.objects.count() == 2
    assert sorted(q.args for q in QueuedMail.objects.all()) == sorted(
        [[family.pk, 2026], [other.pk, 2026]]
    )
    entries = LogEntry.objects.filter(changes__has_key="yearly_statement_sent")
    assert sorted(int(e.object_pk) for e in entries) == sorted([family.pk, other.pk])
    assert all(e.actor == coordinator_user for e in entries)


def test_each_household_gets_exactly_one_mail_in_its_language_without_figures(
    year_of_payments, coordinator_user, client
):
    family, other = year_of_payments
    SupportFamily.objects.filter(pk=family.pk).update(
        contact_name="Sanna Salainen", contact_language="sv"
    )
    SupportFamily.objects.filter(pk=other.pk).update(
        contact_name="Matti Meikäläinen", contact_language="fi"
    )
    send_statements(2026, by=coordinator_user)
    send_due()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([family.email, other.email])
    by_address = {m.to[0]: m for m in mail.outbox}
    swedish, finnish = by_address[family.email], by_address[other.email]
    assert "Hej Sanna" in swedish.body and "Salainen" not in swedish.body
    assert "Hei Matti" in finnish.body and "Meikäläinen" not in finnish.body
    for message in (swedish, finnish):
        html = message.alternatives[0][0]
        for text in (message.body, html, message.subject):
            text = re.sub(r"https?://\S+", "", text)  # the link's signature is not a figure
            assert "€" not in text and not re.search(r"\d+[,.]\d\d", text)
            assert "244" not in text and "Child" not in text
    assert "/sv/" in _queued_links(swedish.body)[0]
    # The link opens that household's own statement.
    path = _queued_links(finnish.body)[0].split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    assert "Matti Meikäläinen" in page.content.decode()
    assert "Salainen" not in page.content.decode()


def test_sending_twice_sends_once_per_household_per_action(year_of_payments, coordinator_user):
    send_statements(2026, by=coordinator_user)
    send_statements(2026, by=coordinator_user)
    send_due()
    addresses = [m.to[0] for m in mail.outbox]
    assert len(addresses) == 4 and len(set(addresses)) == 2


def test_no_statement_goes_to_an_anonymised_household_or_one_without_an_address(
    year_of_payments, coordinator_user
):
    family, other = year_of_payments
    SupportFamily.objects.filter(pk=other.pk).update(email="")
    assert list(statement_families(2026)) == [family]
    anonymise_family(family.pk, NOW)
    assert list(statement_families(2026)) == []
    assert send_statements(2026, by=coordinator_user) == 0


def test_a_mail_queued_before_the_household_was_anonymised_is_dropped(
    year_of_payments, coordinator_user
):
    family, other = year_of_payments
    send_statements(2026, by=coordinator_user)
    anonymise_family(family.pk, NOW)
    outcomes = send_due()
    assert [m.to[0] for m in mail.outbox] == [other.email]
    assert outcomes["dropped"] == 1


# -- the family's page behind the link ---------------------------------------------------------


def _link(family, year=2026):
    return reverse("families:statement", args=[statement_token(family, year)])


def test_the_family_page_shows_its_months_and_logs_the_access(year_of_payments, client):
    family, _other = year_of_payments
    response = client.get(_link(family))
    assert response.status_code == 200
    html = response.content.decode()
    assert family.contact_name in html
    assert "616.50 €" in html or "616,50 €" in html  # 9 nights × (61 € + 7.50 €)
    assert 'name="robots" content="noindex' in html
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"]
    entry = LogEntry.objects.filter(object_pk=str(family.pk), action=LogEntry.Action.ACCESS).get()
    assert entry.actor is None
    csv_url = reverse("families:statement_csv", args=[statement_token(family, 2026)])
    assert csv_url in html
    csv_response = client.get(csv_url)
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "no-store" in csv_response["Cache-Control"]


def test_an_expired_link_says_so_plainly_with_no_figures(year_of_payments, client):
    family, _other = year_of_payments
    url = _link(family)
    with time_machine.travel(NOW + datetime.timedelta(days=61), tick=False):
        response = client.get(url)
        csv_response = client.get(url + "csv/")
    assert response.status_code == 410 and csv_response.status_code == 410
    html = response.content.decode()
    assert "expired" in html and "€" not in html and family.contact_name not in html
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"]
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


@pytest.mark.parametrize(
    "token",
    ["x", "1.2026:abc:def", "A" * 500, "%3Cscript%3E", "..%2F..%2Fadmin"],
)
def test_a_bad_link_is_a_plain_404(token, client, year_of_payments):
    response = client.get(f"/vuosikooste/{token}/")
    assert response.status_code == 404
    assert "€" not in response.content.decode()


def test_a_nul_byte_in_the_link_is_a_400(client):
    assert client.get("/vuosikooste/1.2026%00:a:b/").status_code == 400


def test_the_link_page_keeps_its_queries_however_many_months_and_households(
    year_of_payments, client, coordinator_user, django_assert_max_num_queries
):
    family, _other = year_of_payments
    with django_assert_max_num_queries(6):
        assert client.get(_link(family)).status_code == 200
    for _ in range(20):
        relationship = RelationshipFactory(family=family, start_date=datetime.date(2026, 1, 1))
        _weekend(relationship, datetime.date(2026, 7, 3))
    _approve(family, datetime.date(2026, 7, 1), coordinator_user)
    with django_assert_max_num_queries(6):
        assert client.get(_link(family)).status_code == 200


# -- the admin: the household's page and sending ------------------------------------------------

SEND = reverse("admin:families_paymentmonth_statements")


def _admin_page(family, year=None):
    url = reverse("admin:families_supportfamily_statement", args=[family.pk])
    return url + (f"?year={year}" if year is not None else "")


def test_the_coordinator_sees_the_households_statement_and_the_access_is_logged(
    year_of_payments, admin_client
):
    family, other = year_of_payments
    response = admin_client.get(_admin_page(family, 2026))
    assert response.status_code == 200
    assert response.context["statement"].total == yearly_statement(family, 2026).total
    html = response.content.decode()
    assert other.contact_name not in html
    assert "no-store" in response["Cache-Control"]
    assert LogEntry.objects.filter(object_pk=str(family.pk), action=LogEntry.Action.ACCESS).exists()
    csv_response = admin_client.get(
        reverse("admin:families_supportfamily_statement_csv", args=[family.pk]) + "?year=2026"
    )
    assert csv_response.status_code == 200
    assert family.contact_name in csv_response.content.decode("utf-8-sig")


def test_the_statement_page_opens_on_last_months_year(year_of_payments, admin_client):
    family, _other = year_of_payments
    assert admin_client.get(_admin_page(family)).context["statement"].year == 2026


@pytest.mark.parametrize("year", ["0", "99999", "-1", "abc", "2026.5", "１２３４"])
def test_an_impossible_year_on_the_admin_page_is_a_404(year, year_of_payments, admin_client):
    family, _other = year_of_payments
    assert admin_client.get(_admin_page(family) + f"?year={year}").status_code == 404


def test_an_unknown_household_is_a_404(admin_client):
    url = reverse("admin:families_supportfamily_statement", args=[999999])
    assert admin_client.get(url).status_code in (302, 404)


def test_a_support_worker_cannot_open_a_households_statement(year_of_payments, client):
    family, _other = year_of_payments
    client.force_login(SupportWorkerFactory())
    response = client.get(_admin_page(family, 2026))
    assert response.status_code in (302, 403)
    assert family.contact_name not in response.content.decode()


def test_the_admin_statement_page_keeps_its_queries_as_data_grows(
    year_of_payments, admin_client, coordinator_user, django_assert_max_num_queries
):
    family, _other = year_of_payments
    with django_assert_max_num_queries(12):
        assert admin_client.get(_admin_page(family, 2026)).status_code == 200
    for month in (7, 8, 9):
        for _ in range(5):
            relationship = RelationshipFactory(family=family, start_date=datetime.date(2026, 1, 1))
            _weekend(relationship, datetime.date(2026, month, 3))
        _approve(family, datetime.date(2026, month, 1), coordinator_user)
    with django_assert_max_num_queries(12):
        assert admin_client.get(_admin_page(family, 2026)).status_code == 200


def test_the_send_page_counts_the_households_then_queues_their_mails(
    year_of_payments, admin_client
):
    page = admin_client.get(SEND + "?year=2026")
    assert page.status_code == 200
    assert "2 perheellä on hyväksyttyjä maksuja vuonna 2026." in page.content.decode()
    response = admin_client.post(SEND, {"year": "2026"}, follow=True)
    assert "Vuoden 2026 vuosikoosteet lähtevät 2 perheelle." in response.content.decode()
    assert QueuedMail.objects.count() == 2
    assert mail.outbox == []


@pytest.mark.parametrize("year", ["0", "99999", "", "abc"])
def test_sending_an_impossible_year_queues_nothing(year, year_of_payments, admin_client):
    response = admin_client.post(SEND, {"year": year})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not QueuedMail.objects.exists()


def test_a_nul_byte_in_the_send_form_is_a_400(admin_client):
    assert admin_client.post(SEND, {"year": "2026\x00"}).status_code == 400
    assert not QueuedMail.objects.exists()


def test_a_support_worker_cannot_send_statements(year_of_payments, client):
    client.force_login(SupportWorkerFactory())
    assert client.post(SEND, {"year": "2026"}).status_code in (302, 403)
    assert not QueuedMail.objects.exists()


def _households_with_approved_may(count: int, by):
    for _ in range(count):
        relationship = RelationshipFactory(start_date=datetime.date(2026, 1, 1))
        _weekend(relationship, datetime.date(2026, 5, 8))
    approve_all(datetime.date(2026, 5, 1), by=by, now=NOW)


def test_the_send_action_keeps_its_queries_from_a_few_to_many_households(
    admin_client, coordinator_user, django_assert_max_num_queries
):
    _households_with_approved_may(3, coordinator_user)
    with django_assert_max_num_queries(12):
        admin_client.post(SEND, {"year": "2026"})
    assert QueuedMail.objects.count() == 3
    _households_with_approved_may(60, coordinator_user)
    with django_assert_max_num_queries(12):
        admin_client.post(SEND, {"year": "2026"})
    assert QueuedMail.objects.count() == 3 + 63
    assert timezone.now() == NOW


def test_the_statement_pages_are_valid_html(year_of_payments, client, admin_client):
    family, _other = year_of_payments
    token = statement_token(family, 2026)
    documents = {
        "family page": client.get(_link(family)).content.decode(),
        "bad link": client.get(f"/vuosikooste/{token}x/").content.decode(),
        "admin statement": admin_client.get(_admin_page(family, 2026)).content.decode(),
        "send page": admin_client.get(SEND + "?year=2026").content.decode(),
        "send page, bad year": admin_client.get(SEND + "?year=0").content.decode(),
    }
    assert validate(documents) == []


@pytest.mark.parametrize("year", [0, 1899, 2101, 99999])
def test_no_link_is_signed_for_an_impossible_year(year):
    with pytest.raises(ValueError):
        statement_token(SupportFamilyFactory(), year)
