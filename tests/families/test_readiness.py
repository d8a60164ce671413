"""The readiness checklist (issue 19, point 1): validity, matching, approval, expiry notices."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from families import matching
from families.models import FamilyStatus, ReadinessCheck, ReadinessItem, SupportFamily
from families.reminders import READINESS
from families.retention import anonymise_family, export_family
from families.services import ApprovalRefused, approve_family
from families.services.readiness import (
    ReadinessError,
    blocked_households,
    checklist,
    expiring_checks,
    extract_item,
    holds_on,
    months_before,
    record_check,
    valid_until,
)
from kalliola import reminders
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.users import CoordinatorFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen():
    moment = datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False), translation.override("en"):
        yield


def send_readiness_notices(*, now) -> int:
    """One run of the readiness kind of `send_reminders`: how many notices went out."""
    return reminders.send_due([READINESS], now=now)[READINESS.name]


def _approved(name="Testi Perhe", extract=None, **kwargs):
    family = SupportFamilyFactory(
        contact_name=name,
        status=FamilyStatus.APPROVED,
        municipality="Helsinki",
        extract_seen=extract or D(2026, 5, 15),
        **kwargs,
    )
    SupportFamily.objects.filter(pk=family.pk).update(status_changed_at=timezone.now())
    return family


def _child():
    return ChildFactory(birth_date=D(2018, 1, 1), municipality="Helsinki")


# -- validity -------------------------------------------------------------------------------


def test_a_check_holds_exactly_its_months_and_not_a_day_more():
    seen = D(2025, 12, 15)
    assert valid_until(seen, 6) == D(2026, 6, 15)
    assert holds_on(seen, 6, D(2026, 6, 15))
    assert not holds_on(seen, 6, D(2026, 6, 16))
    assert not holds_on(D(2026, 6, 16), 6, TODAY)  # a day ahead does not hold yet


def test_month_ends_and_items_without_validity():
    assert valid_until(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert holds_on(D(2025, 8, 31), 6, D(2026, 2, 28))
    assert not holds_on(D(2025, 8, 31), 6, D(2026, 3, 1))
    assert valid_until(D(2000, 1, 1), None) is None
    assert holds_on(D(2000, 1, 1), None, TODAY)
    assert months_before(D(2028, 8, 30), 6) == D(2028, 2, 29)


# -- matching -------------------------------------------------------------------------------


def test_an_expired_extract_leaves_the_household_out_with_the_reason():
    fresh = _approved("Voimassa Oleva", extract=months_before(TODAY, 60))  # exactly five years
    expired = _approved("Vanhentunut Ote", extract=months_before(TODAY, 60) - datetime.timedelta(1))
    child = _child()
    assert [s.family_id for s in matching.suggest(child)] == [fresh.pk]
    count, blocked = matching.blocked_for(child)
    assert count == 1
    assert blocked[0].family_id == expired.pk
    assert blocked[0].blocking == ["Criminal-record extract expired"]


def test_a_required_item_blocks_and_an_optional_one_does_not():
    ok = _approved("Kaikki Kunnossa")
    missing = _approved("Puuttuu Kurssi")
    course = ReadinessItem.objects.create(name="Ensiapukurssi", required=True, validity_months=36)
    ReadinessItem.objects.create(name="Vapaaehtoinen", required=False)
    checker = CoordinatorFactory()
    record_check(ok, course, checked_on=D(2024, 1, 1), by=checker)
    child = _child()
    assert [s.family_id for s in matching.suggest(child)] == [ok.pk]
    count, blocked = matching.blocked_for(child)
    assert (count, blocked[0].family_id) == (1, missing.pk)
    assert blocked[0].blocking == ["Ensiapukurssi missing"]
    course.required = False
    course.save()
    assert {s.family_id for s in matching.suggest(child)} == {ok.pk, missing.pk}


def test_the_item_validity_in_months_decides_when_it_blocks():
    family = _approved()
    course = ReadinessItem.objects.create(name="Kurssi", required=True, validity_months=12)
    record_check(family, course, checked_on=D(2025, 6, 15), by=CoordinatorFactory())
    assert matching.suggest(_child())  # exactly twelve months
    with time_machine.travel(datetime.datetime(2026, 6, 16, 9, tzinfo=datetime.UTC), tick=False):
        assert not matching.suggest(_child())
        assert matching.blocked_for(_child())[1][0].blocking == ["Kurssi expired"]


def test_a_blocked_household_cannot_be_chosen_on_the_suggestions_page(client, coordinator):
    family = _approved(extract=D(2020, 1, 1))
    child = _child()
    client.force_login(coordinator)
    url = reverse("admin:families_child_suggestions", args=[child.pk])
    page = client.get(url)
    text = page.content.decode()
    assert "1 household left out by the readiness checklist" in text
    assert "Criminal-record extract expired" in text
    response = client.post(url, {"family": family.pk, "start_date": "2026-06-20"})
    assert not family.support_relationships.exists()
    assert response.status_code == 400


@pytest.mark.parametrize("n", [3, 30])
def test_suggestions_page_queries_do_not_grow(
    client, coordinator, django_assert_max_num_queries, n
):
    for i in range(n):
        _approved(f"Sopiva {i}")
        _approved(f"Estetty {i}", extract=D(2019, 1, 1))
    ReadinessItem.objects.create(name="Kurssi", required=True)
    child = _child()
    client.force_login(coordinator)
    url = reverse("admin:families_child_suggestions", args=[child.pk])
    with django_assert_max_num_queries(16):
        page = client.get(url)
    assert page.status_code == 200
    assert page.context["blocked_count"] == 2 * n


# -- approval -------------------------------------------------------------------------------


def test_approval_refuses_a_missing_required_item_and_takes_an_optional_one():
    coordinator = CoordinatorFactory()
    family = SupportFamilyFactory(status=FamilyStatus.TRAINED)
    course = ReadinessItem.objects.create(name="Kurssi", required=True)
    ReadinessItem.objects.create(name="Lisä", required=False)
    with pytest.raises(ApprovalRefused, match="Kurssi is missing"):
        approve_family(family, by=coordinator, criminal_record_checked_on=TODAY, note="Ok")
    assert not ReadinessCheck.objects.filter(family=family).exists()  # all or nothing
    record_check(family, course, checked_on=TODAY, by=coordinator)
    approve_family(family, by=coordinator, criminal_record_checked_on=TODAY, note="Ok")
    family.refresh_from_db()
    assert family.status == FamilyStatus.APPROVED
    extract = ReadinessCheck.objects.get(family=family, item=extract_item())
    assert (extract.checked_on, extract.checked_by) == (TODAY, coordinator)


def test_approval_refuses_an_expired_required_item():
    coordinator = CoordinatorFactory()
    family = SupportFamilyFactory(status=FamilyStatus.TRAINED)
    course = ReadinessItem.objects.create(name="Kurssi", required=True, validity_months=12)
    record_check(family, course, checked_on=D(2025, 6, 14), by=coordinator)
    with pytest.raises(ApprovalRefused, match="Kurssi expired on 14.06.2026"):
        approve_family(family, by=coordinator, criminal_record_checked_on=TODAY, note="Ok")


@pytest.mark.parametrize(("seen", "approved"), [(D(2025, 12, 15), True), (D(2025, 12, 14), False)])
def test_approval_takes_an_extract_exactly_six_months_old_not_a_day_older(seen, approved):
    coordinator = CoordinatorFactory()
    family = SupportFamilyFactory(status=FamilyStatus.TRAINED)
    if approved:
        approve_family(family, by=coordinator, criminal_record_checked_on=seen, note="Ok")
        assert SupportFamily.objects.get(pk=family.pk).status == FamilyStatus.APPROVED
    else:
        with pytest.raises(ApprovalRefused, match="more than 6 months"):
            approve_family(family, by=coordinator, criminal_record_checked_on=seen, note="Ok")


# -- recording ------------------------------------------------------------------------------


def test_a_check_in_the_future_or_for_an_erased_household_is_refused():
    coordinator = CoordinatorFactory()
    family = _approved()
    with pytest.raises(ReadinessError):
        record_check(family, extract_item(), checked_on=D(2026, 6, 16), by=coordinator)
    anonymise_family(family.pk, timezone.now())
    with pytest.raises(ReadinessError, match="anonymised"):
        record_check(family, extract_item(), checked_on=TODAY, by=coordinator)


def test_a_renewed_extract_is_a_new_row_and_the_household_keeps_the_latest():
    coordinator = CoordinatorFactory()
    family = _approved(extract=D(2021, 7, 1))
    record_check(family, extract_item(), checked_on=TODAY, by=coordinator)
    family.refresh_from_db()
    assert family.criminal_record_checked_on == TODAY
    assert family.criminal_record_checked_by == coordinator
    assert ReadinessCheck.objects.filter(family=family).count() == 2


def test_the_checklist_says_valid_until_expired_and_missing():
    family = _approved(extract=D(2021, 6, 14))
    ReadinessItem.objects.create(name="Kurssi", required=False)
    lines = {line.name: line for line in checklist(family)}
    assert lines["Criminal-record extract"].state_text == "expired on 14.06.2026"
    assert lines["Criminal-record extract"].blocks
    assert lines["Kurssi"].state_text == "missing"
    assert not lines["Kurssi"].blocks
    assert lines["Home visit"].state == "missing"  # the trainings app's line, by its hook


def test_household_page_shows_the_checklist_and_records_an_item(
    client, coordinator, django_assert_max_num_queries
):
    family = _approved(extract=D(2021, 6, 20))
    course = ReadinessItem.objects.create(name="Kurssi", required=True, validity_months=24)
    client.force_login(coordinator)
    page = client.get(reverse("admin:families_supportfamily_change", args=[family.pk]))
    text = page.content.decode()
    assert "valid until 20.06.2026" in text
    assert "Kurssi" in text and "missing" in text
    url = reverse("admin:families_supportfamily_readiness", args=[family.pk])
    response = client.post(url, {"item": course.pk, "checked_on": "2026-06-10"})
    assert response.status_code == 302
    check = ReadinessCheck.objects.get(family=family, item=course)
    assert check.checked_by == coordinator
    page = client.get(reverse("admin:families_supportfamily_change", args=[family.pk]))
    assert "valid until 10.06.2028" in page.content.decode()
    for bad in ("2126-01-01", "x\x00", "3000-01-01"):
        response = client.post(url, {"item": course.pk, "checked_on": bad})
        assert response.status_code == 400
    assert ReadinessCheck.objects.filter(family=family, item=course).count() == 1


@pytest.mark.parametrize("n", [1, 20])
def test_household_page_queries_do_not_grow_with_checks(
    client, coordinator, django_assert_max_num_queries, n
):
    family = _approved()
    items = [ReadinessItem.objects.create(name=f"Kohta {i}") for i in range(3)]
    for i in range(n):
        for item in items:
            record_check(family, item, checked_on=D(2026, 1, 1 + i), by=coordinator)
    client.force_login(coordinator)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("admin:families_supportfamily_change", args=[family.pk]))
    assert page.status_code == 200


# -- expiry: the dashboard and the mail -----------------------------------------------------


def test_the_60_day_warning_edge():
    inside = _approved("Sisällä", extract=months_before(TODAY + datetime.timedelta(60), 60))
    _approved("Ulkona", extract=months_before(TODAY + datetime.timedelta(61), 60))
    assert [c.family_id for c in expiring_checks(TODAY)] == [inside.pk]


def test_the_coordinators_are_told_once_per_expiry_first_names_only():
    coordinator = CoordinatorFactory(email="koordinaattori@example.org")
    family = _approved("Maija Meikäläinen", extract=D(2021, 7, 1))
    now = timezone.now()
    assert send_readiness_notices(now=now) == 1
    assert send_readiness_notices(now=now + datetime.timedelta(minutes=15)) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    body = message.body + message.alternatives[0][0] + message.subject
    assert "Maija" in body and "Meikäläinen" not in body
    assert "rikos" not in body.lower() and "criminal" not in body.lower()
    assert family.email not in body
    assert f"/admin/families/supportfamily/{family.pk}/change/" in body
    # A renewed extract that runs out again is told again.
    record_check(family, extract_item(), checked_on=D(2021, 7, 10), by=coordinator)
    assert send_readiness_notices(now=now + datetime.timedelta(minutes=30)) == 1


def test_thirty_checks_running_out_together_are_one_mail_to_each_coordinator():
    first = CoordinatorFactory(email="eka@example.org")
    second = CoordinatorFactory(email="toka@example.org")
    families = [_approved(f"Perhe{n} Sukunimi", extract=D(2021, 7, 1)) for n in range(30)]
    assert send_readiness_notices(now=timezone.now()) == 60  # 30 checks, told to two
    assert sorted(m.to[0] for m in mail.outbox) == [first.email, second.email]
    for message in mail.outbox:
        assert "30" in message.subject
        for family in families:
            assert f"/admin/families/supportfamily/{family.pk}/change/" in message.body
    assert not ReadinessCheck.objects.filter(expiry_notice_sent_at__isnull=True).exists()


def test_the_data_export_holds_the_checks():
    family = _approved()
    data = export_family(family)
    assert [c["checked_on"] for c in data["readiness_checks"]] == ["2026-05-15"]


def test_the_checklist_warns_from_exactly_60_days_ahead():
    soon = _approved("Pian", extract=months_before(TODAY + datetime.timedelta(60), 60))
    later = _approved("Myöhemmin", extract=months_before(TODAY + datetime.timedelta(61), 60))
    assert checklist(soon)[-1].state == "expiring"
    assert checklist(later)[-1].state == "valid"


def test_a_check_without_who_checked_is_refused():
    with pytest.raises(ReadinessError, match="who checked"):
        record_check(_approved(), extract_item(), checked_on=TODAY, by=None)


def test_the_blocked_count_is_complete_past_the_names_shown():
    for i in range(3):
        _approved(f"Estetty {i}", extract=D(2019, 1, 1))
    child = _child()
    items = [extract_item()]
    candidates = matching.candidates(child, today=TODAY, ready=False)
    count, shown = blocked_households(candidates, items, TODAY, shown=2)
    assert (count, len(shown)) == (3, 2)
    assert blocked_households(candidates, [], TODAY) == (0, [])
