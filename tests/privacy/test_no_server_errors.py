"""No 500 for what a hostile tester types: NUL bytes, year 1 and 9999, line breaks in names.

NUL bytes reach PostgreSQL as text parameters (which it refuses) from paths, query strings and
tokens; dates at the ends of the calendar overflow the programme's own sums (a follow-up six
months on); a line break in a name broke a calendar file. The test client re-raises a view's
exception, so a crash fails here with its traceback.
"""

import datetime
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from meetings.models import FollowUp
from tests.factories.meetings import ClosedCaseFactory, SupportCaseFactory
from tests.factories.relationships import RelationshipFactory
from tests.factories.trainings import TrainingGroupFactory

pytestmark = pytest.mark.django_db

HYPOTHESIS = hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
EDGE_DATES = ["0001-01-01", "9999-12-31", "10000-01-01", "0000-00-00", "2026-02-30", "-1"]
HOSTILE_VALUES = ["\x00", "a\x00b", "%00", "x" * 600, "1e309", "-1", "😀", "'", '"', *EDGE_DATES]


def _changelists() -> list[tuple[str, type[models.Model]]]:
    found = []
    for model in admin.site._registry:
        opts = model._meta
        try:
            found.append((reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), model))
        except NoReverseMatch:
            continue
    return sorted(found, key=lambda item: item[0])


CHANGELISTS = _changelists()


def _query_keys(model) -> list[str]:
    keys = ["q", "o", "p", "e", "all", "_changelist_filters", "status", "month", "when"]
    for field in model._meta.concrete_fields:
        keys.append(field.name)
        for lookup in ("__exact", "__gte", "__lt", "__isnull", "__in", "__year", "__month"):
            keys.append(field.name + lookup)
    return keys


@pytest.mark.parametrize(
    "path",
    [
        "/tyo/kalenteri/%00.ics",
        "/en/tyo/kalenteri/%00.ics",
        "/peru-ilmoittautuminen/%00/",
        "/tapahtumat/vastaa/%00/",
        "/infotilaisuudet/?q=%00",
        "/?x%00=1",
    ],
)
def test_a_nul_byte_in_a_path_token_or_query_is_a_bad_request(client, path):
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/en/"):
        assert "We could not read this address" in response.content.decode()


def test_a_nul_byte_in_a_form_is_a_bad_request(client, support_worker):
    client.force_login(support_worker)
    relationship = RelationshipFactory(support_worker=support_worker)
    response = client.post(
        f"/tyo/suhteet/{relationship.pk}/yhteydenpito/",
        {"date": "2026-05-01", "mode": "phone", "notes": "a\x00b"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize(("path", "model"), CHANGELISTS, ids=[path for path, _m in CHANGELISTS])
def test_every_admin_changelist_answers_a_nul_status_filter_without_a_500(
    client, coordinator, path, model
):
    client.force_login(coordinator)
    response = client.get(f"{path}?status=%00")
    assert response.status_code == 400


def test_admin_changelists_survive_hostile_query_strings(client, coordinator):
    client.force_login(coordinator)
    RelationshipFactory()
    ClosedCaseFactory()

    @HYPOTHESIS
    @given(
        data=st.data(),
        value=st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=40)),
    )
    def check(data, value):
        path, model = data.draw(st.sampled_from(CHANGELISTS))
        key = data.draw(st.one_of(st.sampled_from(_query_keys(model)), st.text(max_size=12)))
        response = client.get(f"{path}?{urlencode({key: value})}")
        assert response.status_code < 500, (path, key, value)

    check()


@pytest.fixture
def portal(client, support_worker):
    client.force_login(support_worker)
    return client


dates = st.one_of(
    st.sampled_from(EDGE_DATES),
    st.dates().map(datetime.date.isoformat),
)


def test_portal_stay_and_contact_forms_survive_any_date(portal, support_worker):
    relationship = RelationshipFactory(support_worker=support_worker)
    stay_url = f"/tyo/suhteet/{relationship.pk}/kaynti/"
    contact_url = f"/tyo/suhteet/{relationship.pk}/yhteydenpito/"

    @HYPOTHESIS
    @given(start=dates, end=dates, contact=dates)
    def check(start, end, contact):
        response = portal.post(
            stay_url,
            {"start_date": start, "start_time": "17:00", "end_date": end, "end_time": "00:00"},
        )
        assert response.status_code < 500
        response = portal.post(contact_url, {"date": contact, "mode": "phone", "notes": ""})
        assert response.status_code < 500

    check()


def test_portal_meeting_close_and_follow_up_forms_survive_any_date(portal, support_worker):
    @HYPOTHESIS
    @given(meeting=dates, closed=dates, done=dates)
    def check(meeting, closed, done):
        case = SupportCaseFactory(support_worker=support_worker, status="active")
        response = portal.post(
            f"/tyo/asiakkuudet/{case.pk}/tapaaminen/",
            {"date": meeting, "time": "10:00", "mode": "phone", "duration_minutes": "60"},
        )
        assert response.status_code < 500
        response = portal.post(f"/tyo/asiakkuudet/{case.pk}/sulje/", {"closed_on": closed})
        assert response.status_code < 500
        closed_case = ClosedCaseFactory(support_worker=support_worker)
        response = portal.post(
            f"/tyo/asiakkuudet/{closed_case.pk}/seuranta/", {"done_on": done, "outcome": "1"}
        )
        assert response.status_code < 500

    check()


def test_a_case_closed_on_the_last_day_of_year_9999_is_refused_with_a_message(
    portal, support_worker
):
    case = SupportCaseFactory(support_worker=support_worker, status="active")
    response = portal.post(f"/en/tyo/asiakkuudet/{case.pk}/sulje/", {"closed_on": "9999-12-31"})
    assert response.status_code == 200
    assert "between the years 1900 and 2100" in response.content.decode()
    assert not FollowUp.objects.filter(case=case).exists()


def test_a_group_name_with_a_line_break_makes_a_valid_calendar_file(client):
    group = TrainingGroupFactory(name="Kevät\r\nryhmä")
    response = client.get(f"/valmennus/{group.pk}/kalenteri.ics")
    assert response.status_code == 200
    body = response.content.decode()
    assert "X-WR-CALNAME:Kevät ryhmä\r\n" in body
