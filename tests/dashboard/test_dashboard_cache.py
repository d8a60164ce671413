"""The dashboard's counts are computed once for every coordinator and forgotten on any change;
the rows it lists by name are read on every request."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from families.models import SupportFamily
from families.services import change_status, log_stay
from kalliola.roles import COORDINATORS
from tests.dashboard.fixtures import at
from tests.dashboard.test_dashboard import make_work
from tests.factories.families import SupportFamilyFactory
from tests.factories.relationships import RelationshipFactory
from tests.factories.users import CoordinatorFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=datetime.UTC)
D = datetime.date
# Session, user, the two-factor device (kalliola.otp, every signed-in request), the recent
# actions and the rows each item lists (fourteen; the payment months are counts only): the counts,
# the user's permissions (for the app list) and the app list come from the cache. The readiness
# item reads its items and its rows.
CACHED_INDEX_QUERIES = 21


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def index(client, language="en"):
    with translation.override(language):
        return client.get(reverse("admin:index"))


def counts(response) -> dict:
    return {item.key: item.count for item in response.context["dashboard"]}


def test_the_second_coordinator_gets_the_counts_from_the_cache(
    client, admin_client, django_assert_max_num_queries
):
    make_work()
    first = counts(index(admin_client))
    client.force_login(CoordinatorFactory())
    index(client)  # this coordinator's own app list is built once
    with django_assert_max_num_queries(CACHED_INDEX_QUERIES):
        response = index(client)
    assert counts(response) == first
    assert "Vanha hakija" in response.content.decode()


def test_a_new_application_shows_at_once(admin_client):
    make_work()
    assert counts(index(admin_client))["applications"] == 2
    SupportFamilyFactory(contact_name="Aivan uusi", status="applied")
    response = index(admin_client)
    assert counts(response)["applications"] == 3
    assert "Aivan uusi" in response.content.decode()


def test_a_status_change_shows_at_once(admin_client):
    make_work()
    assert counts(index(admin_client))["trained"] == 1
    trained = SupportFamily.objects.get(contact_name="Valmennettu")
    change_status(trained, "withdrawn", note="Muutti pois")
    assert counts(index(admin_client))["trained"] == 0


def test_a_logged_stay_shows_at_once(admin_client):
    relationship = RelationshipFactory(start_date=D(2025, 6, 1), review_date=D(2026, 6, 1))
    assert counts(index(admin_client))["stays"] == 0
    log_stay(relationship, starts_at=at(D(2026, 3, 6)), ends_at=at(D(2026, 3, 8)))
    found = counts(index(admin_client))
    assert found["stays"] == 1
    assert found["payments"] == 0  # March is not over yet


def test_a_write_without_signals_shows_after_the_timeout(admin_client, _frozen):
    make_work()
    assert counts(index(admin_client))["applications"] == 2
    SupportFamily.objects.filter(contact_name="Uusi hakija").update(status="in_training")
    assert counts(index(admin_client))["applications"] == 2  # the cached figure, for now
    _frozen.shift(datetime.timedelta(seconds=61))
    assert counts(index(admin_client))["applications"] == 1


def test_an_anonymised_name_is_gone_at_once_though_no_signal_was_sent(admin_client):
    make_work()
    assert "Vanha hakija" in index(admin_client).content.decode()
    # What erasure and retention do: QuerySet.update(), no signal, nothing forgotten.
    SupportFamily.objects.filter(contact_name="Vanha hakija").update(contact_name="anonymised")
    html = index(admin_client).content.decode()
    assert "Vanha hakija" not in html
    assert "anonymised" in html


def test_each_language_has_its_own_figures(admin_client):
    make_work()
    assert "What needs doing now" in index(admin_client, "en").content.decode()
    assert "What needs doing now" not in index(admin_client, "fi").content.decode()
    assert "What needs doing now" in index(admin_client, "en").content.decode()


def test_a_new_day_counts_the_days_again(admin_client, coordinator, _frozen):
    make_work()
    found = {item.key: item for item in index(admin_client).context["dashboard"]}
    assert found["applications"].entries[0].detail == "waiting 14 days"
    _frozen.move_to(NOW + datetime.timedelta(days=1))
    admin_client.force_login(coordinator)  # the session of yesterday has expired
    found = {item.key: item for item in index(admin_client).context["dashboard"]}
    assert found["applications"].entries[0].detail == "waiting 15 days"


def test_the_index_says_when_its_figures_were_computed(admin_client, _frozen):
    index(admin_client)
    _frozen.shift(datetime.timedelta(seconds=30))
    html = index(admin_client).content.decode()
    assert "Updated 14:00" in html  # 12.00 UTC is 14.00 in Helsinki; English reads 24-hour time too


def test_the_app_list_follows_the_groups_permissions(admin_client):
    with translation.override("en"):
        link = f'href="{reverse("admin:meetings_followup_changelist")}"'
    assert link in index(admin_client).content.decode()
    group = Group.objects.get(name=COORDINATORS)
    group.permissions.remove(*Permission.objects.filter(codename__endswith="_followup"))
    assert link not in index(admin_client).content.decode()


def test_approving_a_month_clears_it_from_the_dashboard(admin_client, coordinator):
    from families.services.payments import approve_month
    from tests.factories.relationships import RateFactory, StayFactory

    RateFactory(amount=Decimal("40.00"))
    relationship = RelationshipFactory(start_date=D(2025, 6, 1), review_date=D(2026, 6, 1))
    StayFactory(relationship=relationship, starts_at=at(D(2026, 2, 6)), ends_at=at(D(2026, 2, 8)))
    assert counts(index(admin_client))["payments"] == 1
    approve_month(relationship.family, D(2026, 2, 1), by=coordinator)
    assert counts(index(admin_client))["payments"] == 0


def test_approving_and_reopening_a_whole_month_update_the_dashboard(admin_client, coordinator):
    # Both write in bulk (no signal per row): they forget the dashboard's counts themselves.
    from families.services.payments import approve_all, reopen_month
    from tests.factories.relationships import RateFactory, StayFactory

    RateFactory(amount=Decimal("40.00"))
    for _ in range(2):
        relationship = RelationshipFactory(start_date=D(2025, 6, 1), review_date=D(2026, 6, 1))
        StayFactory(
            relationship=relationship, starts_at=at(D(2026, 2, 6)), ends_at=at(D(2026, 2, 8))
        )
    assert counts(index(admin_client))["payments"] == 2
    approve_all(D(2026, 2, 1), by=coordinator)
    assert counts(index(admin_client))["payments"] == 0
    reopen_month(D(2026, 2, 1), reason="Korjaus", by=coordinator)
    assert counts(index(admin_client))["payments"] == 2
