"""Each figure of the yearly report against hand-counted data (tests/dashboard/fixtures.py)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from kalliola.reports.base import Period
from programme.statistics import build_report
from tests.dashboard import fixtures
from tests.factories.trainings import InfoSessionFactory, RegistrationFactory, TrainingGroupFactory
from trainings.models import SessionStatus, TrainingSession

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=datetime.UTC)
D = datetime.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def report(period=None) -> dict:
    return {t.key: t for t in build_report(period or Period.year(2025))}


def column(table, index=1) -> list:
    return [row[index] for row in table.rows]


def by_label(table) -> dict:
    return {str(row[0]): row[1:] for row in table.rows}


def test_funnel_counts_households_reaching_each_stage_from_the_history():
    fixtures.make_funnel()
    assert column(report()["funnel"]) == fixtures.FUNNEL_2025


def test_funnel_of_the_previous_and_next_year_takes_the_edge_changes():
    fixtures.make_funnel()
    assert column(report(Period.year(2024))["funnel"]) == [0, 1, 0, 0, 0, 0, 0, 0]
    assert column(report(Period.year(2026))["funnel"]) == [0, 0, 0, 0, 0, 1, 0, 0]


def test_children_referred_by_source_and_in_total():
    fixtures.make_children_and_relationships()
    table = report()["referrals"]
    assert by_label(table) == {
        "Child welfare": [1],
        "Preventive family services": [1],
        "The family itself": [0],
    }
    assert table.total[1] == 2


def test_children_matched_waiting_and_median_days_to_match():
    fixtures.make_children_and_relationships()
    # days from referral to match: 60, 30, 354 and 31 → median (31 + 60) / 2 = 45.5
    assert column(report()["children"]) == [4, 2, 45.5]


def test_relationships_started_ended_and_active():
    fixtures.make_children_and_relationships()
    assert column(report()["relationships"]) == [4, 2, 5, 3]


def test_endings_by_reason_initiator_and_length_never_the_free_note():
    fixtures.make_children_and_relationships()
    tables = report()
    # Both 2025 endings lasted 364 days (12.0 months); the 2024 one is not in 2025.
    reasons = by_label(tables["end_reasons"])
    assert reasons["The support family's situation changed"] == [2, Decimal("12.0")]
    assert reasons["The child moved"] == [0, None]
    assert len(reasons) == 6
    assert tables["end_reasons"].total == ["Total", 2, Decimal("12.0")]
    initiators = by_label(tables["end_initiators"])
    assert initiators["The support family"] == [1]
    assert initiators["Social services"] == [1]
    assert "Not recorded" not in initiators
    assert by_label(tables["end_lengths"]) == {
        "Under 6 months": [0],
        "6 to 12 months": [2],
        "1 to 2 years": [0],
        "Over 2 years": [0],
    }
    words = str([t.rows for t in tables.values()])
    assert "Perhe muutti" not in words and "Lapsi muutti" not in words


def test_relationship_starting_on_the_first_day_counts_in_that_year_only():
    fixtures.make_children_and_relationships()
    started_2024 = column(report(Period.year(2024))["relationships"])[0]
    assert started_2024 == 1  # only the one started 1.6.2024
    first_day = Period(datetime.date(2025, 1, 1), datetime.date(2025, 1, 1))
    assert column(report(first_day)["relationships"])[0] == 1


def test_stays_and_nights_by_the_local_month_the_stay_starts_in():
    r1, r4 = fixtures.make_children_and_relationships()
    fixtures.make_stays(r1, r4)
    table = report()["stays"]
    assert len(table.rows) == 12
    months = {row[0]: row[1:] for row in table.rows}
    assert months["01/2025"] == [1, 1]  # 1.1. 00:30 in Helsinki (31.12. in UTC)
    assert months["06/2025"] == [1, 2]
    assert months["12/2025"] == [1, 2]  # 31.12.–2.1.: in the year it starts
    assert table.total[1:] == [3, 5]
    assert report(Period.year(2024))["stays"].total[1:] == [1, 2]


def test_fees_and_reimbursements_of_approved_months():
    fixtures.make_payments()
    table = report()["payments"]
    months = {row[0]: row[1:] for row in table.rows}
    assert months["01/2025"] == [2, Decimal("150.00"), Decimal("20.50"), Decimal("170.50")]
    assert months["12/2025"] == [1, Decimal("10.10"), Decimal("1.00"), Decimal("11.10")]
    assert months["06/2025"] == [0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00")]
    assert table.total[2:] == [Decimal("160.10"), Decimal("21.50"), Decimal("181.60")]


def test_info_sessions_training_and_events():
    fixtures.make_trainings()
    tables = report()
    assert column(tables["info_sessions"]) == [2, 2, 1]
    assert column(tables["training"]) == [1, 2, 2, Decimal("8.50"), 1, 1]
    assert by_label(tables["events"]) == {"Peer meeting": [1, 2, 5], "Recreation": [1, 0, 0]}


def test_support_meetings_figures():
    fixtures.make_meetings()
    tables = report()
    assert by_label(tables["meeting_sources"]) == {
        "Parent": [1, 2],  # c1 and c5
        "Relative, for example a grandparent": [1, 0],
        "Professional": [1, 1],
    }
    assert by_label(tables["meeting_modes"]) == {
        "Face to face": [2, 2, 2.0],
        "Phone": [1, 1, 0.5],
        "Online": [1, 1, 1.5],
    }
    assert tables["meeting_modes"].total[1] == 4
    assert by_label(tables["meetings_per_case"]) == {
        "0": [1],
        "1": [0],
        "2": [1],
        "3": [1],
        "4": [0],
        "5": [0],
    }
    topics = by_label(tables["meeting_topics"])
    assert topics["Mapping the situation"] == [1]
    assert topics["Finding services"] == [2]
    assert topics["Hearing other families' stories"] == [1]
    assert topics["Other"] == [1]
    assert topics["Settling a conflict"] == [0]
    assert by_label(tables["service_referrals"]) == {
        "Municipal service": [2, 1, 0, 1],
        "NGO": [1, 0, 1, 0],
        "Other": [0, 0, 0, 0],
    }
    assert tables["service_referrals"].total[1:] == [3, 1, 1, 1]
    outcomes = by_label(tables["follow_ups"])
    assert outcomes["Much better"] == [1, 1]
    assert outcomes["About the same"] == [1, 0]
    assert outcomes["Worse"] == [0, 0]


def test_an_empty_year_gives_zeros_everywhere():
    fixtures.make_year_2025()
    tables = report(Period.year(2019))
    assert column(tables["funnel"]) == [0] * 8
    assert column(tables["children"]) == [0, 0, None]
    assert column(tables["relationships"]) == [0, 0, 0, 0]
    assert tables["end_reasons"].rows == tables["end_lengths"].rows == []
    assert tables["stays"].total[1:] == [0, 0]
    assert tables["payments"].total[4] == Decimal("0.00")
    assert column(tables["info_sessions"]) == [0, 0, 0]
    assert tables["meeting_sources"].total[1:] == [0, 0]
    assert tables["follow_ups"].total[1:] == [0, 0]


def test_the_whole_year_together_gives_the_same_figures():
    fixtures.make_year_2025()
    tables = report()
    assert column(tables["funnel"]) == fixtures.FUNNEL_2025
    assert column(tables["children"]) == [4, 2, 45.5]
    assert tables["stays"].total[1:] == [3, 5]
    assert tables["payments"].total[4] == Decimal("181.60")


def test_median_of_an_odd_number_of_matches_is_the_middle_one():
    fixtures.make_children_and_relationships()
    # started 1.1. (31 days), 2.3. (60 days) and 1.7. (30 days) → sorted 30, 31, 60
    period = Period(datetime.date(2025, 1, 1), datetime.date(2025, 7, 31))
    assert column(report(period)["children"])[2] == 31


def test_only_sessions_that_took_place_count_as_held():
    # The year still running: a session ahead in it, or cancelled, has not been held.
    hour = datetime.timedelta(hours=1)
    for start, status in [
        (fixtures.at(D(2026, 3, 10)), SessionStatus.SCHEDULED),
        (fixtures.at(D(2026, 3, 20)), SessionStatus.SCHEDULED),
        (fixtures.at(D(2026, 3, 1)), SessionStatus.CANCELLED),
    ]:
        session = InfoSessionFactory(starts_at=start, ends_at=start + hour, status=status)
        RegistrationFactory(session=session)
    group = TrainingGroupFactory(sessions=0)
    for start, status in [
        (fixtures.at(D(2026, 3, 1)), SessionStatus.SCHEDULED),
        (NOW, SessionStatus.SCHEDULED),  # started this very moment: in progress, held
        (NOW + datetime.timedelta(seconds=1), SessionStatus.SCHEDULED),
        (fixtures.at(D(2026, 3, 8)), SessionStatus.CANCELLED),
    ]:
        TrainingSession.objects.create(
            group=group, starts_at=start, ends_at=start + 3 * hour, status=status
        )
    tables = report(Period.year(2026))
    info = by_label(tables["info_sessions"])
    assert info["Info sessions held"] == [1]
    assert info["Households signed up"] == [1]
    assert by_label(tables["training"])["Training sessions held"] == [2]
