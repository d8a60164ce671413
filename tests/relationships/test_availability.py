"""Periods without hosting: recording them, a stay inside one, and the free weekends."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from families.models import SupportFamily, UnavailablePeriod
from families.services.availability import (
    AvailabilityError,
    delete_unavailable_period,
    free_weekends,
    record_unavailable_period,
    unavailable_periods_for_stay,
    update_unavailable_period,
    weekends_ahead,
)
from families.services.stays import StayError, StayInUnavailablePeriod, log_stay, update_stay
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.relationships import (
    RelationshipFactory,
    StayFactory,
    UnavailablePeriodFactory,
    at,
)
from tests.html_validity import validate

TODAY = datetime.date(2026, 6, 15)  # a Monday
D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(at(TODAY, 12), tick=False), translation.override("en"):
        yield


@pytest.fixture
def relationship(support_worker):
    return RelationshipFactory(support_worker=support_worker, start_date=D(2026, 1, 1))


def _holiday(family, start, end, **kwargs):
    return record_unavailable_period(
        family, start_date=start, end_date=end, reason="holiday", **kwargs
    )


# Recording a period.


def test_a_worker_records_a_holiday_with_who_recorded_it(relationship, support_worker):
    period = _holiday(relationship.family, D(2026, 7, 1), D(2026, 7, 14), note=" Mökillä ")
    assert (period.start_date, period.end_date, period.note) == (
        D(2026, 7, 1),
        D(2026, 7, 14),
        "Mökillä",
    )
    assert period.created_by is None
    assert "Holiday" in str(period) or "01.07.2026" in str(period)


def test_a_one_day_period_is_allowed(relationship):
    assert _holiday(relationship.family, D(2026, 7, 1), D(2026, 7, 1)).pk


def test_a_period_ending_before_it_starts_is_refused(relationship):
    with pytest.raises(AvailabilityError, match="last day"):
        _holiday(relationship.family, D(2026, 7, 2), D(2026, 7, 1))
    assert not UnavailablePeriod.objects.exists()


def test_a_period_more_than_two_years_ahead_is_refused(relationship):
    _holiday(relationship.family, D(2028, 6, 1), D(2028, 6, 15))  # the last plausible day
    with pytest.raises(AvailabilityError, match="2 years"):
        _holiday(relationship.family, D(2028, 6, 1), D(2028, 6, 16))


def test_a_reason_not_on_the_list_is_refused(relationship):
    with pytest.raises(AvailabilityError):
        record_unavailable_period(
            relationship.family, start_date=TODAY, end_date=TODAY, reason="=HYPERLINK()"
        )


def test_the_database_refuses_a_period_ending_before_it_starts(relationship):
    with pytest.raises(IntegrityError), transaction.atomic():
        UnavailablePeriod.objects.create(
            family=relationship.family,
            start_date=D(2026, 7, 2),
            end_date=D(2026, 7, 1),
            reason="holiday",
        )


def test_an_anonymised_household_takes_no_period(relationship):
    period = UnavailablePeriodFactory(family=relationship.family)
    SupportFamily.objects.filter(pk=relationship.family_id).update(anonymised_at=at(TODAY))
    with pytest.raises(AvailabilityError):
        _holiday(relationship.family, D(2026, 7, 1), D(2026, 7, 2))
    with pytest.raises(AvailabilityError):
        update_unavailable_period(
            period, start_date=TODAY, end_date=TODAY, reason="holiday", note="x"
        )
    with pytest.raises(AvailabilityError):
        delete_unavailable_period(period)
    assert UnavailablePeriod.objects.count() == 1


def test_a_period_is_corrected_and_removed(relationship):
    period = _holiday(relationship.family, D(2026, 7, 1), D(2026, 7, 2))
    update_unavailable_period(
        period, start_date=D(2026, 7, 3), end_date=D(2026, 7, 5), reason="commitment", note=""
    )
    assert (period.start_date, period.reason) == (D(2026, 7, 3), "commitment")
    delete_unavailable_period(period)
    assert not UnavailablePeriod.objects.exists()


# A stay inside a period asks for confirmation.


@pytest.fixture
def holiday(relationship):
    # Wednesday 10 to Friday 12 June.
    return _holiday(relationship.family, D(2026, 6, 10), D(2026, 6, 12))


def _stay(relationship, starts_at, ends_at, **kwargs):
    return log_stay(relationship, starts_at=starts_at, ends_at=ends_at, **kwargs)


def test_a_stay_into_the_period_s_first_day_asks_for_confirmation(relationship, holiday):
    with pytest.raises(StayInUnavailablePeriod) as refused:
        _stay(relationship, at(D(2026, 6, 8)), at(D(2026, 6, 10), 9))
    assert refused.value.periods == [holiday]
    assert not relationship.stays.exists()


def test_a_stay_from_the_period_s_last_day_asks_for_confirmation(relationship, holiday):
    with pytest.raises(StayInUnavailablePeriod):
        _stay(relationship, at(D(2026, 6, 12), 23), at(D(2026, 6, 14)))


def test_a_stay_ending_at_midnight_before_the_first_day_needs_no_confirmation(
    relationship, holiday
):
    stay = _stay(relationship, at(D(2026, 6, 8)), at(D(2026, 6, 10), 0))
    assert stay.pk


def test_a_stay_starting_at_midnight_after_the_last_day_needs_no_confirmation(
    relationship, holiday
):
    assert _stay(relationship, at(D(2026, 6, 13), 0), at(D(2026, 6, 14))).pk


def test_with_the_confirmation_the_stay_is_logged(relationship, holiday):
    stay = _stay(relationship, at(D(2026, 6, 11)), at(D(2026, 6, 12)), confirm_unavailable=True)
    assert stay.nights == 1


def test_another_household_s_period_does_not_ask(relationship):
    _holiday(SupportFamilyFactory(), D(2026, 6, 10), D(2026, 6, 12))
    assert _stay(relationship, at(D(2026, 6, 10)), at(D(2026, 6, 11))).pk


def test_correcting_a_stay_into_a_period_asks_for_confirmation(relationship, holiday):
    stay = _stay(relationship, at(D(2026, 6, 5)), at(D(2026, 6, 7)))
    with pytest.raises(StayInUnavailablePeriod):
        update_stay(stay, starts_at=at(D(2026, 6, 9)), ends_at=at(D(2026, 6, 10)))
    stay.refresh_from_db()
    assert stay.starts_at == at(D(2026, 6, 5))
    update_stay(
        stay, starts_at=at(D(2026, 6, 9)), ends_at=at(D(2026, 6, 10)), confirm_unavailable=True
    )
    assert stay.starts_at == at(D(2026, 6, 9))


def test_the_other_rules_come_first_even_with_the_confirmation(relationship, holiday):
    StayFactory(relationship=relationship, starts_at=at(D(2026, 6, 10)), ends_at=at(D(2026, 6, 11)))
    with pytest.raises(StayError, match="overlaps another stay"):
        _stay(relationship, at(D(2026, 6, 10)), at(D(2026, 6, 12)), confirm_unavailable=True)


def test_periods_for_a_stay_lists_every_period_it_touches(relationship):
    first = _holiday(relationship.family, D(2026, 6, 1), D(2026, 6, 2))
    second = _holiday(relationship.family, D(2026, 6, 4), D(2026, 6, 4))
    found = unavailable_periods_for_stay(
        relationship.family_id, at(D(2026, 6, 2)), at(D(2026, 6, 4), 8)
    )
    assert found == [first, second]


# Free weekends.


def test_thirteen_weekends_from_a_monday_across_four_months():
    saturdays = weekends_ahead(TODAY)
    assert saturdays[0] == D(2026, 6, 20)
    assert saturdays[-1] == D(2026, 9, 12)  # 15 September is the horizon (exclusive)
    assert len(saturdays) == 13


def test_a_saturday_today_counts_and_the_horizon_day_does_not():
    saturdays = weekends_ahead(D(2026, 6, 13))
    assert saturdays[0] == D(2026, 6, 13)
    assert saturdays[-1] == D(2026, 9, 12)  # 13 September is the horizon itself
    assert len(saturdays) == 14


def test_the_horizon_from_a_month_s_last_day_is_the_last_day_three_months_on():
    # 30 November → 28 February: Saturday 27 February 2027 counts.
    saturdays = weekends_ahead(D(2026, 11, 30))
    assert saturdays[-1] == D(2027, 2, 27)
    assert len(saturdays) == 13


def test_a_weekend_across_a_month_boundary_is_taken_by_its_sunday(db):
    family = SupportFamilyFactory(status="approved")
    # Saturday 1 August 2026; the period is Sunday 2 August alone.
    record_unavailable_period(
        family, start_date=D(2026, 8, 2), end_date=D(2026, 8, 2), reason="commitment"
    )
    weekends = free_weekends([family.pk], today=TODAY)[family.pk]
    assert (weekends.free, weekends.total) == (12, 13)


def test_a_period_ending_on_friday_or_starting_on_monday_leaves_the_weekend_free(db):
    family = SupportFamilyFactory(status="approved")
    for start, end in ((D(2026, 7, 27), D(2026, 7, 31)), (D(2026, 8, 3), D(2026, 8, 7))):
        record_unavailable_period(family, start_date=start, end_date=end, reason="holiday")
    assert free_weekends([family.pk], today=TODAY)[family.pk].free == 13


def test_a_three_week_holiday_takes_three_weekends_and_the_next_free_are_named(db):
    family = SupportFamilyFactory(status="approved")
    record_unavailable_period(
        family, start_date=D(2026, 6, 19), end_date=D(2026, 7, 6), reason="holiday"
    )
    weekends = free_weekends([family.pk], today=TODAY)[family.pk]
    assert weekends.free == 10
    assert weekends.next_free == [D(2026, 7, 11), D(2026, 7, 18), D(2026, 7, 25)]


def test_a_stay_of_an_open_relationship_takes_its_weekend_an_ended_one_s_does_not(db):
    relationship = RelationshipFactory(start_date=D(2026, 1, 1))
    ended = RelationshipFactory(
        family=relationship.family, status="ended", end_date=TODAY, start_date=D(2026, 1, 1)
    )
    # Friday 19 June 17:00 – Saturday 20 June 10:00: the weekend is taken.
    StayFactory(
        relationship=relationship, starts_at=at(D(2026, 6, 19)), ends_at=at(D(2026, 6, 20), 10)
    )
    StayFactory(relationship=ended, starts_at=at(D(2026, 6, 26)), ends_at=at(D(2026, 6, 28)))
    # A Friday evening visit ending at midnight does not touch the weekend.
    StayFactory(
        relationship=relationship, starts_at=at(D(2026, 7, 3)), ends_at=at(D(2026, 7, 4), 0)
    )
    weekends = free_weekends([relationship.family_id], today=TODAY)[relationship.family_id]
    assert weekends.free == 12
    assert weekends.next_free[0] == D(2026, 6, 27)


def test_free_weekends_of_many_households_take_two_queries(db, django_assert_num_queries):
    families = SupportFamilyFactory.create_batch(20, status="approved")
    for family in families:
        UnavailablePeriodFactory(family=family)
    with django_assert_num_queries(2):
        found = free_weekends([f.pk for f in families], today=TODAY)
    assert all(w.free == 12 for w in found.values())  # the factory's week holds one weekend


# The portal.


def _period_data(start, end, reason="holiday", note=""):
    return {
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "reason": reason,
        "note": note,
    }


def test_the_worker_records_a_period_in_the_portal(client, support_worker, relationship):
    client.force_login(support_worker)
    url = reverse("families_portal:periods", args=[relationship.pk])
    response = client.post(url, _period_data(D(2026, 7, 1), D(2026, 7, 14)))
    assert response.status_code == 302
    period = relationship.family.unavailable_periods.get()
    assert period.created_by == support_worker
    page = client.get(url).content.decode()
    assert "Holiday or trip" in page
    assert reverse("families_portal:edit_period", args=[relationship.pk, period.pk]) in page


def test_the_portal_form_refuses_bad_periods_with_a_message(client, support_worker, relationship):
    client.force_login(support_worker)
    url = reverse("families_portal:periods", args=[relationship.pk])
    for data in (
        _period_data(D(2026, 7, 2), D(2026, 7, 1)),
        _period_data(D(2026, 7, 1), D(2099, 7, 1)),
        _period_data(D(2026, 7, 1), D(2026, 7, 2), reason="nope"),
        _period_data(D(2026, 7, 1), D(2026, 7, 2), note="x" * 101),
    ):
        assert client.post(url, data).status_code == 400
    assert not UnavailablePeriod.objects.exists()


def test_another_worker_s_family_is_a_404(client, other_support_worker, relationship):
    period = UnavailablePeriodFactory(family=relationship.family)
    client.force_login(other_support_worker)
    periods = reverse("families_portal:periods", args=[relationship.pk])
    edit = reverse("families_portal:edit_period", args=[relationship.pk, period.pk])
    assert client.get(periods).status_code == 404
    assert client.post(periods, _period_data(TODAY, TODAY)).status_code == 404
    assert client.post(edit, {"delete": "1"}).status_code == 404
    assert UnavailablePeriod.objects.count() == 1


def test_a_period_of_another_household_is_a_404_through_an_own_relationship(
    client, support_worker, relationship
):
    others = UnavailablePeriodFactory()
    client.force_login(support_worker)
    url = reverse("families_portal:edit_period", args=[relationship.pk, others.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"delete": "1"}).status_code == 404
    assert UnavailablePeriod.objects.filter(pk=others.pk).exists()


def test_the_worker_corrects_and_removes_a_period(client, support_worker, relationship):
    period = UnavailablePeriodFactory(family=relationship.family)
    client.force_login(support_worker)
    url = reverse("families_portal:edit_period", args=[relationship.pk, period.pk])
    response = client.post(url, _period_data(D(2026, 8, 1), D(2026, 8, 2), "commitment"))
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.start_date, period.reason) == (D(2026, 8, 1), "commitment")
    assert client.post(url, {"delete": "1"}).status_code == 302
    assert not UnavailablePeriod.objects.exists()


def _stay_data(start, end, **extra):
    return {
        "start_date": start.isoformat(),
        "start_time": "17:00",
        "end_date": end.isoformat(),
        "end_time": "17:00",
        "notes": "",
        **extra,
    }


def test_the_stay_form_warns_and_offers_log_anyway(client, support_worker, relationship, holiday):
    client.force_login(support_worker)
    url = reverse("families_portal:log_stay", args=[relationship.pk])
    assert 'name="log_anyway"' not in client.get(url).content.decode()
    response = client.post(url, _stay_data(D(2026, 6, 11), D(2026, 6, 12)))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="log_anyway"' in page
    assert "10.06.2026" in page
    assert not relationship.stays.exists()
    response = client.post(url, _stay_data(D(2026, 6, 11), D(2026, 6, 12), log_anyway="on"))
    assert response.status_code == 302
    assert relationship.stays.count() == 1


def test_the_relationship_page_shows_the_periods_ahead(client, support_worker, relationship):
    UnavailablePeriodFactory(family=relationship.family, note="Salainen muistiinpano")
    client.force_login(support_worker)
    page = client.get(reverse("families_portal:relationship", args=[relationship.pk]))
    html = page.content.decode()
    assert "Holiday or trip" in html or "Loma tai matka" in html
    assert "Salainen muistiinpano" not in html  # the note only on the period's own page


# The matching suggestions.


def test_the_suggestions_show_free_weekends_with_a_bounded_query_count(
    admin_client, django_assert_max_num_queries
):
    child = ChildFactory(birth_date=D(2018, 1, 1), municipality="Helsinki")
    busy = SupportFamilyFactory(status="approved", contact_name="Aaltonen")
    record_unavailable_period(
        busy, start_date=D(2026, 6, 20), end_date=D(2026, 6, 28), reason="holiday"
    )
    url = reverse("admin:families_child_suggestions", args=[child.pk])
    admin_client.get(url)  # the first request fills the caches (permissions, content types)
    counts = []
    for extra in (2, 20):
        for family in SupportFamilyFactory.create_batch(extra, status="approved"):
            UnavailablePeriodFactory(family=family)
        with django_assert_max_num_queries(20) as captured:
            response = admin_client.get(url)
        counts.append(len(captured))
        assert response.status_code == 200
    assert counts[0] == counts[1]
    html = response.content.decode()
    row = html[html.index("Aaltonen") :]
    assert "11/13" in row[: row.index("</tr>")]
    assert "4.7." in row[: row.index("</tr>")]


# The admin: inline on the household.


def _household_post(response, **period_rows):
    """The household's change form as it was shown, with the periods' formset rows laid over."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value) if not isinstance(value, bool) else "on"
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        if formset.model is UnavailablePeriod:
            for key, value in period_rows.items():
                data[f"{formset.prefix}-{key}"] = value
            rows = {key.split("-")[0] for key in period_rows}
            data[f"{formset.prefix}-TOTAL_FORMS"] = str(
                max(int(data[f"{formset.prefix}-TOTAL_FORMS"]), len(rows))
            )
    return data


def test_a_coordinator_adds_a_period_inline_on_the_household(admin_client, admin_user):
    family = SupportFamilyFactory(status="approved")
    url = reverse("admin:families_supportfamily_change", args=[family.pk])
    shown = admin_client.get(url)
    assert shown.status_code == 200
    data = _household_post(
        shown,
        **{"0-start_date": "2026-07-01", "0-end_date": "2026-07-10", "0-reason": "holiday"},
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    period = family.unavailable_periods.get()
    assert period.created_by == admin_user
    assert period.end_date == D(2026, 7, 10)


def test_the_household_inline_refuses_a_period_ending_before_it_starts(admin_client):
    family = SupportFamilyFactory(status="approved")
    url = reverse("admin:families_supportfamily_change", args=[family.pk])
    data = _household_post(
        admin_client.get(url),
        **{"0-start_date": "2026-07-10", "0-end_date": "2026-07-01", "0-reason": "holiday"},
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.content.decode()
    assert not UnavailablePeriod.objects.exists()


def test_the_household_page_keeps_its_query_count_with_many_periods(
    admin_client, django_assert_max_num_queries
):
    family = SupportFamilyFactory(status="approved")
    url = reverse("admin:families_supportfamily_change", args=[family.pk])
    admin_client.get(url)
    counts = []
    for count in (1, 15):
        for offset in range(count):
            start = TODAY + datetime.timedelta(days=10 * (len(counts) * 20 + offset + 1))
            UnavailablePeriodFactory(family=family, start_date=start, end_date=start)
        with django_assert_max_num_queries(40) as captured:
            assert admin_client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_portal_periods_page_keeps_its_query_count(
    client, support_worker, relationship, django_assert_max_num_queries
):
    client.force_login(support_worker)
    url = reverse("families_portal:periods", args=[relationship.pk])
    client.get(url)
    counts = []
    for count in (1, 15):
        for offset in range(count):
            start = TODAY + datetime.timedelta(days=10 * (len(counts) * 20 + offset + 1))
            UnavailablePeriodFactory(family=relationship.family, start_date=start, end_date=start)
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_new_portal_pages_and_the_warning_are_valid_html(
    client, support_worker, relationship, holiday
):
    client.force_login(support_worker)
    documents = {
        "periods": client.get(reverse("families_portal:periods", args=[relationship.pk])),
        "edit period": client.get(
            reverse("families_portal:edit_period", args=[relationship.pk, holiday.pk])
        ),
        "relationship": client.get(reverse("families_portal:relationship", args=[relationship.pk])),
        "stay warning": client.post(
            reverse("families_portal:log_stay", args=[relationship.pk]),
            _stay_data(D(2026, 6, 11), D(2026, 6, 12)),
        ),
    }
    assert b'name="log_anyway"' in documents["stay warning"].content
    assert validate({name: r.content.decode() for name, r in documents.items()}) == []


def test_a_horizon_on_a_saturday_leaves_that_weekend_out():
    # Friday 19 June → Saturday 19 September is the horizon, not counted.
    saturdays = weekends_ahead(D(2026, 6, 19))
    assert (saturdays[0], saturdays[-1], len(saturdays)) == (D(2026, 6, 20), D(2026, 9, 12), 13)


def test_from_a_sunday_the_next_saturday_is_six_days_on():
    assert weekends_ahead(D(2026, 6, 14))[0] == D(2026, 6, 20)


def test_periods_on_the_first_saturday_and_the_last_sunday_take_those_weekends(db):
    family = SupportFamilyFactory(status="approved")
    # The window's first Saturday is 20 June and its last Sunday 13 September.
    record_unavailable_period(
        family, start_date=D(2026, 6, 15), end_date=D(2026, 6, 20), reason="commitment"
    )
    record_unavailable_period(
        family, start_date=D(2026, 9, 13), end_date=D(2026, 9, 30), reason="holiday"
    )
    weekends = free_weekends([family.pk], today=TODAY)[family.pk]
    assert (weekends.free, weekends.total) == (11, 13)
    assert weekends.next_free[0] == D(2026, 6, 27)


def test_a_stay_on_the_last_sunday_takes_the_last_weekend(db):
    relationship = RelationshipFactory(start_date=D(2026, 1, 1))
    StayFactory(
        relationship=relationship, starts_at=at(D(2026, 9, 13), 10), ends_at=at(D(2026, 9, 13), 16)
    )
    weekends = free_weekends([relationship.family_id], today=TODAY)[relationship.family_id]
    assert weekends.free == 12
