"""The big admin lists show every change at once: their rows are read on every request; only the
filter choices that count the whole table (households per status, municipalities) are cached."""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.urls import reverse
from django.utils import translation

from families.models import Child, FamilyStatus, SupportFamily
from families.services import change_status
from kalliola.admin_lists import LeanChangelistMixin
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.relationships import RelationshipFactory

pytestmark = pytest.mark.django_db

S = FamilyStatus


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


HOUSEHOLDS = url("admin:families_supportfamily_changelist")
CHILDREN = url("admin:families_child_changelist")


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def body(client, address=HOUSEHOLDS, query=""):
    return client.get(address + query).content.decode()


def test_a_status_change_shows_in_the_rows_and_the_counts_at_once(admin_client):
    family = SupportFamilyFactory(contact_name="Lehtonen", status=S.APPLIED)
    before = body(admin_client)
    assert "Applied (1)" in before
    assert "Withdrawn (0)" in before
    change_status(family, S.WITHDRAWN, note="Ei jatka")
    after = body(admin_client)
    assert "Applied (0)" in after
    assert "Withdrawn (1)" in after
    assert '<td class="field-status">Withdrawn</td>' in after


def test_a_new_household_and_its_municipality_show_at_once(admin_client):
    SupportFamilyFactory(contact_name="Lehtonen", municipality="Espoo")
    assert "?municipality=Kauniainen" not in body(admin_client)
    SupportFamilyFactory(contact_name="Mäkinen", municipality="Kauniainen")
    html = body(admin_client)
    assert "Mäkinen" in html
    assert "?municipality=Kauniainen" in html


def test_a_new_relationship_takes_a_free_place_at_once(admin_client):
    family = SupportFamilyFactory(status=S.ACTIVE, max_children=2)
    assert '<td class="field-places">2 / 2</td>' in body(admin_client)
    RelationshipFactory(family=family)
    assert '<td class="field-places">1 / 2</td>' in body(admin_client)


def test_each_filter_and_page_has_its_own_rows(admin_client):
    SupportFamilyFactory(contact_name="Lehtonen", status=S.APPLIED)
    SupportFamilyFactory(contact_name="Mäkinen", status=S.TRAINED)
    assert "Mäkinen" in body(admin_client)
    applied = body(admin_client, query="?status=applied")
    assert "Lehtonen" in applied
    assert "Mäkinen" not in applied


def test_each_language_has_its_own_rows(admin_client):
    SupportFamilyFactory(status=S.WITHDRAWN)
    with translation.override("fi"):
        finnish = reverse("admin:families_supportfamily_changelist")
    assert '<td class="field-status">Withdrawn</td>' in body(admin_client)
    assert '<td class="field-status">Withdrawn</td>' not in body(admin_client, finnish)


def test_a_write_without_signals_shows_in_the_rows_at_once_and_in_the_counts_after_a_minute(
    admin_client,
):
    family = SupportFamilyFactory(contact_name="Lehtonen", status=S.APPLIED)
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        assert "Applied (1)" in body(admin_client)
        SupportFamily.objects.filter(pk=family.pk).update(contact_name="Mäkinen", status=S.TRAINED)
        html = body(admin_client)
        assert "Mäkinen" in html and "Lehtonen" not in html
        assert "Applied (1)" in html  # the cached count, for now
        traveller.shift(datetime.timedelta(seconds=61))
        assert "Applied (0)" in body(admin_client)


def test_children_municipalities_follow_a_new_child(admin_client):
    ChildFactory(municipality="Espoo")
    assert "?municipality=Kauniainen" not in body(admin_client, CHILDREN)
    ChildFactory(municipality="Kauniainen")
    assert "?municipality=Kauniainen" in body(admin_client, CHILDREN)


@pytest.mark.parametrize("model", [SupportFamily, Child])
def test_the_action_checkbox_is_the_markup_django_renders(model):
    obj = SupportFamilyFactory(contact_name="A & B") if model is SupportFamily else ChildFactory()
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, LeanChangelistMixin)
    with translation.override("fi"):
        assert model_admin.action_checkbox(obj) == ModelAdmin.action_checkbox(model_admin, obj)


RELATIONSHIPS = url("admin:families_supportrelationship_changelist")
CASES = url("admin:meetings_supportcase_changelist")


def test_the_last_page_counts_its_own_rows(admin_client):
    SupportFamily.objects.bulk_create(SupportFamilyFactory.build_batch(120))
    assert "0 of 20 selected" in body(admin_client, query="?p=3")
    assert "0 of 20 selected" in body(admin_client, query="?p=3")


def test_the_result_count_follows_a_new_household_at_once(admin_client):
    SupportFamilyFactory.create_batch(2)
    assert admin_client.get(HOUSEHOLDS).context["cl"].result_count == 2
    SupportFamilyFactory()
    assert admin_client.get(HOUSEHOLDS).context["cl"].result_count == 3


def test_a_logged_stay_and_a_new_worker_show_in_the_relationships_at_once(admin_client):
    from tests.factories.relationships import StayFactory
    from tests.factories.users import SupportWorkerFactory

    relationship = RelationshipFactory()
    assert '<td class="field-stays_count">0</td>' in body(admin_client, RELATIONSHIPS)
    StayFactory(relationship=relationship)
    assert '<td class="field-stays_count">1</td>' in body(admin_client, RELATIONSHIPS)
    relationship.support_worker = SupportWorkerFactory(first_name="Uusi", last_name="Ohjaaja")
    relationship.save()
    assert "Uusi Ohjaaja" in body(admin_client, RELATIONSHIPS)


def test_a_new_meeting_and_a_new_year_show_in_the_cases_at_once(admin_client):
    from tests.factories.meetings import MeetingFactory, SupportCaseFactory

    case = SupportCaseFactory(opened_on=datetime.date(2025, 5, 1))
    SupportCaseFactory(opened_on=datetime.date(2025, 9, 1))
    html = body(admin_client, CASES)
    assert '<td class="field-meeting_count">0</td>' in html
    assert "opened_on__year=2024" not in html
    MeetingFactory(case=case)
    SupportCaseFactory(opened_on=datetime.date(2024, 2, 1))
    html = body(admin_client, CASES)
    assert '<td class="field-meeting_count">1</td>' in html
    assert "opened_on__year=2024" in html


def test_a_long_search_is_answered(admin_client):
    SupportFamilyFactory(contact_name="Lehtonen")
    response = admin_client.get(HOUSEHOLDS + "?q=" + "Lehtonen%20" * 40)
    assert response.context["cl"].result_count == 1


def test_only_a_filtered_list_offers_to_show_all(admin_client):
    SupportFamilyFactory(contact_name="Lehtonen", municipality="Espoo")
    SupportFamilyFactory(contact_name="Mäkinen", municipality="Vantaa")
    assert "Show all" not in body(admin_client)
    filtered = body(admin_client, query="?municipality=Espoo")
    assert "1 result" in filtered
    assert "Show all" in filtered
