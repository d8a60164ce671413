"""Words the reader sees (issue 16, point 7): the household's home section, meeting durations,
the audit log's admin, one date format per language."""

import datetime

import pytest
from django.utils import translation
from django.utils.formats import date_format

from meetings.forms import DURATION_CHOICES
from tests.factories.families import SupportFamilyFactory


@pytest.fixture
def staff(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_households_home_section_is_not_called_the_home_page(staff):
    family = SupportFamilyFactory()
    html = staff.get(f"/admin/families/supportfamily/{family.pk}/change/").content.decode()
    assert "<h2" in html and ">Koti<" in html
    assert html.count(">Etusivu<") <= 1  # the breadcrumb to the admin's start page only


@pytest.mark.parametrize(
    ("language", "label"),
    [("fi", "15 minuuttia"), ("sv", "15 minuter"), ("en", "15 minutes")],
)
def test_meeting_durations_read_in_the_readers_language(language, label):
    with translation.override(language):
        assert str(DURATION_CHOICES[0][1]) == label


def test_the_audit_log_admin_speaks_finnish_and_swedish(staff):
    SupportFamilyFactory()  # an entry, so the list has its columns
    fi = staff.get("/admin/auditlog/logentry/").content.decode()
    assert "Tapahtumaloki" in fi and ">Kohde<" in fi and "Lokimerkinnät" in fi
    sv = staff.get("/sv/admin/auditlog/logentry/").content.decode()
    assert "Händelselogg" in sv and ">Objekt<" in sv


@pytest.mark.parametrize(
    ("language", "shown"), [("fi", "7.4.2027"), ("sv", "7.4.2027"), ("en", "7 Apr 2027")]
)
def test_one_short_date_format_per_language(language, shown):
    with translation.override(language):
        assert date_format(datetime.date(2027, 4, 7), "SHORT_DATE_FORMAT") == shown
