"""The dashboard's "relationships needing attention" (issue 19, point 2): each with its reason,
a link to the admin list filtered by the same rules, and a check-in that changes it at once."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from families.models import SupportRelationship
from families.services.check_ins import record_check_in
from tests.factories.relationships import RelationshipFactory, StayFactory, at

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 15)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(at(TODAY, 12), tick=False), translation.override("en"):
        yield


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def attention_item(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return next(item for item in response.context["dashboard"] if item.key == "attention")


def stayed(relationship, day):
    StayFactory(
        relationship=relationship, starts_at=at(day - datetime.timedelta(days=2)), ends_at=at(day)
    )


def check_in(relationship, day, child=3):
    record_check_in(
        relationship, date=day, for_child=child, for_family=3, for_parent=3, today=TODAY
    )


@pytest.fixture
def world():
    lapsed = RelationshipFactory(start_date=days_ago(300), child__first_name="Kadonnut")
    stayed(lapsed, days_ago(61))
    check_in(lapsed, days_ago(10))
    overdue = RelationshipFactory(start_date=days_ago(300), child__first_name="Unohtunut")
    stayed(overdue, days_ago(5))
    check_in(overdue, days_ago(60))
    fell = RelationshipFactory(start_date=days_ago(300), child__first_name="Huolestuttava")
    stayed(fell, days_ago(5))
    check_in(fell, days_ago(30))
    check_in(fell, days_ago(2), child=1)
    fine = RelationshipFactory(start_date=days_ago(300), child__first_name="Sujuva")
    stayed(fine, days_ago(5))
    check_in(fine, days_ago(2))
    ended = RelationshipFactory(
        start_date=days_ago(300),
        status="ended",
        end_date=days_ago(100),
        child__first_name="Paattynyt",
    )
    return {"lapsed": lapsed, "overdue": overdue, "fell": fell, "fine": fine, "ended": ended}


def test_each_relationship_needing_attention_is_listed_with_its_reason(admin_client, world):
    item = attention_item(admin_client)
    assert item.count == 3
    details = {entry.text.split(" ")[0]: entry.detail for entry in item.entries}
    assert details == {
        "Kadonnut": "No stay for 60 days",
        "Unohtunut": "Check-in overdue",
        "Huolestuttava": "Going less well than at the previous check-in",
    }
    # The longest without a check-in first.
    assert item.entries[0].text.startswith("Unohtunut")


def test_the_link_opens_the_admin_list_with_the_same_relationships(admin_client, world):
    item = attention_item(admin_client)
    response = admin_client.get(item.url)
    assert response.status_code == 200
    listed = {r.pk for r in response.context["cl"].result_list}
    assert listed == {world[k].pk for k in ("lapsed", "overdue", "fell")}
    for key, name in (
        ("no_stays", "lapsed"),
        ("check_in_overdue", "overdue"),
        ("scale_fell", "fell"),
    ):
        url = reverse("admin:families_supportrelationship_changelist") + f"?attention={key}"
        listed = {r.pk for r in admin_client.get(url).context["cl"].result_list}
        assert listed == {world[name].pk}, key


def test_a_check_in_changes_the_item_at_once(admin_client, world):
    assert attention_item(admin_client).count == 3
    check_in(world["overdue"], TODAY)
    item = attention_item(admin_client)
    assert item.count == 2
    assert not any(entry.text.startswith("Unohtunut") for entry in item.entries)
    check_in(world["fine"], TODAY, child=2)
    item = attention_item(admin_client)
    assert item.count == 3
    assert any(entry.text.startswith("Sujuva") for entry in item.entries)


def test_the_relationship_page_shows_its_check_ins_read_only(admin_client, world):
    relationship = SupportRelationship.objects.get(pk=world["fell"].pk)
    response = admin_client.get(
        reverse("admin:families_supportrelationship_change", args=[relationship.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Check-ins" in page and "Poorly" in page
    assert "check_ins-0-for_child" not in page  # no form field: read-only rows


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client
