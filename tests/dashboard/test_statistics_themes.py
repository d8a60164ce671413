"""The yearly report counts the support meetings' themes, how people heard of them, the
learning-support need and what the families got, per year (Helsinki days), and exports them."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kalliola.reports.base import Period
from meetings.models import FollowUpBenefit, MeetingRequest, RequestTheme, SupportCase
from meetings.services.themes import set_case_themes
from meetings.statistics import HEADER, rows
from programme.statistics import build_report
from tests.dashboard.fixtures import at
from tests.factories.meetings import FollowUpFactory, MeetingRequestFactory, SupportCaseFactory

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def request_on(moment, themes=(), heard_from=""):
    meeting_request = MeetingRequestFactory(heard_from=heard_from)
    MeetingRequest.objects.filter(pk=meeting_request.pk).update(received_at=moment)
    RequestTheme.objects.bulk_create(RequestTheme(request=meeting_request, theme=t) for t in themes)
    return meeting_request


def case_on(day, themes=(), heard_from="", need=False):
    case = SupportCaseFactory(
        opened_on=day,
        heard_from=heard_from,
        learning_support_need=need,
        learning_support_consent_on=day if need else None,
    )
    set_case_themes(case, themes)
    return case


def follow_up_on(day, benefits):
    follow_up = FollowUpFactory(
        case__opened_on=D(2024, 1, 2),
        case__closed_on=D(2024, 6, 1),
        case__status="followed_up",
        done_on=day,
        outcome=4,
    )
    FollowUpBenefit.objects.bulk_create(
        FollowUpBenefit(follow_up=follow_up, benefit=b) for b in benefits
    )
    return follow_up


@pytest.fixture
def year_2025():
    # 1.1. 00:30 in Helsinki is 31.12. in UTC: it belongs to 2025.
    request_on(at(D(2025, 1, 1), 0, 30), ["baby_wishes", "parenting"], "web_search")
    request_on(at(D(2025, 12, 31), 23, 30), ["parenting"], "professional")
    request_on(at(D(2024, 12, 31), 23, 30), ["parenting"], "professional")  # 2024
    request_on(at(D(2026, 1, 1), 0, 10), ["feelings"], "web_search")  # 2026
    case_on(D(2025, 1, 1), ["social_services", "own_rights"], "web_search", need=True)
    case_on(D(2025, 12, 31), ["own_rights"], "someone_known")
    case_on(D(2025, 6, 1))
    case_on(D(2024, 12, 31), ["own_rights"], "other", need=True)  # 2024
    follow_up_on(D(2025, 1, 1), ["heard", "municipal"])
    follow_up_on(D(2025, 12, 31), ["heard"])
    follow_up_on(D(2026, 1, 1), ["ngo"])  # 2026


def tables(year=2025) -> dict:
    return {t.key: t for t in build_report(Period.year(year))}


def by_label(table) -> dict:
    return {str(row[0]): row[1:] for row in table.rows}


def test_themes_of_requests_and_cases_per_year(year_2025):
    themes = by_label(tables()["meeting_themes"])
    assert themes["Baby wishes and family planning"] == [1, 0]
    assert themes["Parenting skills"] == [2, 0]
    assert themes["Own rights and benefits"] == [0, 2]
    assert themes["Social services: conflicts and co-operation"] == [0, 1]
    assert themes["Feelings and the past"] == [0, 0]
    assert len(themes) == 9
    assert by_label(tables(2026)["meeting_themes"])["Feelings and the past"] == [1, 0]
    assert by_label(tables(2024)["meeting_themes"])["Own rights and benefits"] == [0, 1]


def test_how_people_heard_of_the_service_per_year(year_2025):
    table = tables()["meeting_heard_from"]
    heard = by_label(table)
    assert heard["Web search"] == [1, 1]
    assert heard["A professional"] == [1, 0]
    assert heard["Someone I know"] == [0, 1]
    assert heard["Other"] == [0, 0]
    assert heard["Not known"] == [0, 1]
    assert table.total[1:] == [2, 3]


def test_learning_support_need_is_a_count_of_the_years_cases(year_2025):
    rows = by_label(tables()["meeting_learning_support"])
    assert rows["All cases opened"] == [3]
    assert rows["The parent needs support in learning and understanding"] == [1]
    assert by_label(tables(2024)["meeting_learning_support"])[
        "The parent needs support in learning and understanding"
    ] == [1]


def test_what_the_families_got_at_the_follow_ups_of_the_year(year_2025):
    got = by_label(tables()["follow_up_benefits"])
    assert got["Felt heard and met"] == [2]
    assert got["Referred to municipal services"] == [1]
    assert got["Referred to NGO services"] == [0]
    assert by_label(tables(2026)["follow_up_benefits"])["Referred to NGO services"] == [1]


def test_an_empty_year_counts_zero(year_2025):
    empty = tables(2019)
    for key in ("meeting_themes", "meeting_heard_from", "follow_up_benefits"):
        assert all(value == 0 for row in empty[key].rows for value in row[1:]), key
    assert [row[1] for row in empty["meeting_learning_support"].rows] == [0, 0]


def export(client, key, fmt):
    with translation.override("en"):
        path = reverse("admin:kalliola_statistics_export", args=[key, fmt])
    return client.get(path, {"year": 2025})


def test_exports_carry_the_new_tables(client, coordinator, year_2025):
    client.force_login(coordinator)
    response = export(client, "meeting_themes", "csv")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Theme", "Requests received", "Cases opened"]
    assert ["Parenting skills", "2", "0"] in lines
    workbook = load_workbook(io.BytesIO(export(client, "kaikki", "xlsx").content))
    sheets = {sheet.title for sheet in workbook.worksheets}
    assert any("what the families" in title for title in sheets), sheets  # titles are cut at 31
    learning = next(s for s in workbook.worksheets if "support in learning" in str(s["A1"].value))
    values = [[c.value for c in row] for row in learning.iter_rows()]
    assert ["The parent needs support in learning and understanding", 1] in values


def test_the_statistics_page_shows_them(client, coordinator, year_2025):
    client.force_login(coordinator)
    with translation.override("en"):
        path = reverse("admin:kalliola_statistics")
    page = client.get(path, {"year": 2025}).content.decode()
    for title in (
        "Support meetings: what people came with",
        "Support meetings: how people heard of them",
        "Support meetings: support in learning and understanding",
        "Follow-up: what the families got",
    ):
        assert title in page


def test_case_rows_export_has_theme_and_benefit_codes_but_no_learning_support(
    client, coordinator, year_2025
):
    lines = list(rows(SupportCase.objects.all()))
    assert lines[0] == HEADER
    assert "learning_support_need" not in HEADER
    themes = HEADER.index("themes")
    assert "own_rights;social_services" in [line[themes] for line in lines[1:]]
    benefits = HEADER.index("follow_up_benefits")
    assert "heard;municipal" in [line[benefits] for line in lines[1:]]
