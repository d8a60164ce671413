"""The statistics pages: who may open them, exports read back, printable page, query count."""

import csv
import datetime
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from families.models import FamilyStatusChange, Stay, SupportFamily
from meetings.models import CaseTheme, Meeting, SupportCase
from tests.dashboard import fixtures
from tests.factories.families import SupportFamilyFactory
from tests.factories.meetings import SupportCaseFactory
from tests.factories.relationships import RelationshipFactory
from tests.factories.users import SupportWorkerFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=datetime.UTC)
# Session, user, the two-factor device (kalliola.otp, every signed-in request), groups and the
# admin chrome, then 27 queries for the twenty tables.
QUERIES = 36


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def url(name, *args):
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


PAGE = "kalliola_statistics"
PRINT = "kalliola_statistics_print"
EXPORT = "kalliola_statistics_export"


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


# -- access -----------------------------------------------------------------------------------


def _all_urls():
    return [
        url(PAGE),
        url(PRINT),
        url(EXPORT, "funnel", "csv"),
        url(EXPORT, "meeting_sources", "xlsx"),
        url(EXPORT, "kaikki", "xlsx"),
    ]


def test_anonymous_users_are_sent_to_the_login(client):
    for address in _all_urls():
        response = client.get(address)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_support_workers_cannot_open_the_statistics(client, support_worker):
    # Support workers are not staff: the admin sends them to its login, which they cannot pass.
    SupportCaseFactory(support_worker=SupportWorkerFactory())
    client.force_login(support_worker)
    for address in _all_urls():
        response = client.get(address)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def _sent_to_admin_login(response) -> bool:
    # The back office answers coordinators only (kalliola/admin.py); others go to its login.
    return response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_support_worker_marked_as_staff_is_still_kept_out(client, support_worker):
    support_worker.is_staff = True
    support_worker.save()
    client.force_login(support_worker)
    for address in _all_urls():
        assert _sent_to_admin_login(client.get(address)), address


def test_staff_outside_the_coordinators_group_is_kept_out(client):
    clerk = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    for address in _all_urls():
        assert _sent_to_admin_login(client.get(address)), address


def test_a_coordinator_opens_the_page_with_charts_and_tables(admin_client):
    fixtures.make_meetings()
    response = admin_client.get(url(PAGE), {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html
    assert "<title>Parent: 2</title>" in html  # cases opened, drawn as bars
    assert '<th scope="row">Professional</th>' in html
    with_rows = [s for s in response.context["sections"] if s["table"].rows]
    assert html.count('class="stat-table"') == len(with_rows)
    assert url(EXPORT, "meeting_sources", "csv") + "?year=2025" in html


def test_a_date_range_is_accepted_and_a_wrong_one_explained(admin_client):
    response = admin_client.get(url(PAGE), {"start": "2025-03-01", "end": "2025-05-31"})
    assert response.status_code == 200
    assert response.context["valid"]
    stays = next(s["table"] for s in response.context["sections"] if s["table"].key == "stays")
    assert [r[0] for r in stays.rows] == [
        "03/2025",
        "04/2025",
        "05/2025",
    ]
    response = admin_client.get(url(PAGE), {"start": "2025-05-31", "end": "2025-03-01"})
    assert response.status_code == 200
    assert not response.context["valid"]
    assert admin_client.get(url(PAGE), {"year": "abc"}).status_code == 200
    bad = admin_client.get(url(EXPORT, "funnel", "csv"), {"start": "2025-05-31"})
    assert bad.status_code == 400


def test_unknown_table_or_format_is_404(admin_client):
    assert admin_client.get(url(EXPORT, "nosuch", "csv")).status_code == 404
    assert admin_client.get(url(EXPORT, "kaikki", "csv")).status_code == 404
    assert admin_client.get(url(PAGE) + "funnel.pdf").status_code == 404


def test_printable_report_uses_the_print_stylesheet(admin_client):
    fixtures.make_payments()
    response = admin_client.get(url(PRINT), {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/print.css" in html
    assert "Download this table" not in html
    assert "Fees and expense reimbursements paid" in html


# -- exports ----------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_export_of_a_table_reads_back(admin_client):
    fixtures.make_payments()
    response = admin_client.get(url(EXPORT, "payments", "csv"), {"year": 2025})
    assert response.status_code == 200
    assert 'filename="tilastot-payments-2025.csv"' in response["Content-Disposition"]
    lines = _csv(response)
    assert lines[0] == ["Month", "Households", "Fees (€)", "Reimbursements (€)", "Total (€)"]
    assert lines[1] == ["01/2025", "2", "150.00", "20.50", "170.50"]
    assert lines[12] == ["12/2025", "1", "10.10", "1.00", "11.10"]
    assert lines[13] == ["Total", "", "160.10", "21.50", "181.60"]


def test_every_table_exports_as_csv_and_xlsx(admin_client):
    fixtures.make_year_2025()
    sections = admin_client.get(url(PAGE), {"year": 2025}).context["sections"]
    for section in sections:
        table = section["table"]
        lines = _csv(admin_client.get(url(EXPORT, table.key, "csv"), {"year": 2025}))
        assert lines[0] == [str(c) for c in table.columns]
        assert len(lines) == 1 + len(table.rows) + (1 if table.total else 0)
        response = admin_client.get(url(EXPORT, table.key, "xlsx"), {"year": 2025})
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0] == str(table.title)
        assert list(values[2]) == [str(c) for c in table.columns]
        assert len(values) == 3 + len(lines) - 1


def test_xlsx_of_the_whole_report_has_a_sheet_per_table_with_numbers(admin_client):
    fixtures.make_year_2025()
    response = admin_client.get(url(EXPORT, "kaikki", "xlsx"), {"year": 2025})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == len(admin_client.get(url(PAGE)).context["sections"])
    sheet = book[book.sheetnames[0]]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("Year 2025", None)
    assert [r[1] for r in rows[3:]] == fixtures.FUNNEL_2025
    payments = next(book[n] for n in book.sheetnames if n.startswith("Fees"))
    last = list(payments.iter_rows(values_only=True))[-1]
    assert last[0] == "Total"
    assert last[2:] == (160.10, 21.50, 181.60)


def test_the_free_note_on_an_ending_never_reaches_the_statistics_export(admin_client):
    # The statistics count structured answers only; a note (here a formula) stays out of the
    # file altogether (the writer's defusing itself: tests/privacy/test_hostile_exports.py).
    RelationshipFactory(
        start_date=datetime.date(2025, 1, 1),
        status="ended",
        end_date=datetime.date(2025, 2, 1),
        end_cause="goals_reached",
        end_reason="=HYPERLINK(1)",
    )
    lines = _csv(admin_client.get(url(EXPORT, "end_reasons", "csv"), {"year": 2025}))
    assert ["The goals were reached", "1", "1.00"] in lines  # 31 days: one month
    assert "HYPERLINK" not in str(lines)


# -- query count ------------------------------------------------------------------------------


def make_volume(n: int):
    """n households with a status history, n relationships with stays, n cases with meetings."""
    families = SupportFamily.objects.bulk_create(SupportFamilyFactory.build_batch(n))
    FamilyStatusChange.objects.bulk_create(
        FamilyStatusChange(family=f, to_status="applied") for f in families
    )
    relationships = RelationshipFactory.create_batch(n, start_date=datetime.date(2026, 1, 5))
    Stay.objects.bulk_create(
        Stay(
            relationship=r,
            starts_at=fixtures.at(datetime.date(2026, 2, 6)),
            ends_at=fixtures.at(datetime.date(2026, 2, 8)),
            nights=2,
        )
        for r in relationships
    )
    worker = SupportWorkerFactory()
    cases = SupportCase.objects.bulk_create(
        SupportCaseFactory.build_batch(
            n, support_worker=worker, opened_on=datetime.date(2026, 1, 2)
        )
    )
    Meeting.objects.bulk_create(
        Meeting(case=c, number=1, starts_at=fixtures.at(datetime.date(2026, 2, 2)), mode="phone")
        for c in cases
    )
    CaseTheme.objects.bulk_create(
        CaseTheme(case=c, theme=theme) for c in cases for theme in ("parenting", "feelings")
    )


@pytest.mark.parametrize("n", [5, 50])
def test_statistics_page_query_count_does_not_grow_with_data(
    admin_client, django_assert_max_num_queries, n
):
    make_volume(n)
    with django_assert_max_num_queries(QUERIES):
        response = admin_client.get(url(PAGE), {"year": 2026})
    assert response.status_code == 200
    applied = response.context["sections"][0]["table"].rows[1]  # after "interested"
    assert applied[1] == n
    with django_assert_max_num_queries(QUERIES):
        assert admin_client.get(url(EXPORT, "kaikki", "xlsx"), {"year": 2026}).status_code == 200


def test_statistics_and_printable_pages_are_valid_html(admin_client):
    from tests.html_validity import validate

    fixtures.make_year_2025()
    documents = {
        "statistics": admin_client.get(url(PAGE), {"year": 2025}).content.decode(),
        "printable": admin_client.get(url(PRINT), {"year": 2025}).content.decode(),
        "index": admin_client.get(url("index")).content.decode(),
    }
    assert validate(documents) == []
