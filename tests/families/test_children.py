"""Children, their guardians and referrals, and the back office for them."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from families.models import Child, ChildStatus, Guardian, Referral
from tests.factories.families import ChildFactory, GuardianFactory, ReferralFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:families_child_changelist"


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


# -- the model ---------------------------------------------------------------------------------


def test_days_waiting_counts_from_waiting_since():
    with time_machine.travel("2026-05-01 12:00 +03:00", tick=False):
        child = ChildFactory(
            birth_date=datetime.date(2018, 1, 1), waiting_since=datetime.date(2026, 3, 2)
        )
        assert child.days_waiting == 60
        assert child.age == 8
        child.status = ChildStatus.MATCHED
        assert child.days_waiting is None


def test_birth_date_in_the_future_is_refused_by_the_model():
    child = ChildFactory.build(birth_date=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        child.full_clean()
    assert "birth_date" in exc.value.message_dict


def test_a_child_of_18_is_refused():
    today = timezone.localdate()
    child = ChildFactory.build(
        birth_date=today.replace(year=today.year - 18) - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as exc:
        child.full_clean()
    assert "birth_date" in exc.value.message_dict


def test_a_child_of_17_is_accepted():
    today = timezone.localdate()
    child = ChildFactory.build(birth_date=today.replace(year=today.year - 17), waiting_since=today)
    child.full_clean()


def test_waiting_since_before_birth_is_refused():
    child = ChildFactory.build(
        birth_date=datetime.date(2020, 1, 1), waiting_since=datetime.date(2019, 1, 1)
    )
    with pytest.raises(ValidationError):
        child.full_clean()


def test_guardian_phone_is_validated():
    guardian = GuardianFactory.build(child=ChildFactory(), phone="12ab")
    with pytest.raises(ValidationError) as exc:
        guardian.full_clean()
    assert "phone" in exc.value.message_dict


# -- the back office ---------------------------------------------------------------------------


def make_children(n):
    children = Child.objects.bulk_create(
        ChildFactory.build(
            municipality=("Helsinki", "Espoo")[i % 2],
            status=(ChildStatus.WAITING, ChildStatus.MATCHED)[i % 2],
            languages=["fi", "so"] if i % 3 else ["fi"],
        )
        for i in range(n)
    )
    Guardian.objects.bulk_create(GuardianFactory.build(child=c) for c in children)
    Referral.objects.bulk_create(ReferralFactory.build(child=c) for c in children)
    return children


@pytest.mark.parametrize(
    "query",
    ["", "?status=waiting", "?waited=90", "?language=so", "?source=child_welfare", "?q=Lapsi"],
)
def test_child_changelist_query_count_is_the_same_for_10_and_500(
    admin_client, django_assert_max_num_queries, query
):
    make_children(10)
    with django_assert_max_num_queries(12):
        assert admin_client.get(url(CHANGELIST) + query).status_code == 200
    make_children(490)
    with django_assert_max_num_queries(12):
        assert admin_client.get(url(CHANGELIST) + query).status_code == 200


def _listed(response):
    return {c.pk for c in response.context["cl"].result_list}


def test_child_list_shows_waiting_time_and_latest_referral(admin_client):
    child = ChildFactory(waiting_since=timezone.localdate() - datetime.timedelta(days=45))
    ReferralFactory(child=child, source="family", referred_on=datetime.date(2024, 1, 1))
    ReferralFactory(child=child, source="preventive", referred_on=datetime.date(2025, 1, 1))
    response = admin_client.get(url(CHANGELIST))
    body = response.content.decode()
    assert ">45<" in body
    assert "Preventive family services" in body


def test_child_filters(admin_client):
    old = ChildFactory(waiting_since=timezone.localdate() - datetime.timedelta(days=200))
    new = ChildFactory(languages=["so"])
    ReferralFactory(child=new, source="family")
    ended = ChildFactory(status=ChildStatus.ENDED)
    assert _listed(admin_client.get(url(CHANGELIST) + "?waited=180")) == {old.pk}
    assert _listed(admin_client.get(url(CHANGELIST) + "?waited=lt90")) == {new.pk}
    assert _listed(admin_client.get(url(CHANGELIST) + "?language=so")) == {new.pk}
    assert _listed(admin_client.get(url(CHANGELIST) + "?source=family")) == {new.pk}
    assert _listed(admin_client.get(url(CHANGELIST) + "?status=ended")) == {ended.pk}


def _child_post(**overrides):
    data = {
        "first_name": "Aino",
        "last_name": "Esimerkki",
        "birth_date": "2017-04-03",
        "municipality": "Vantaa",
        "languages": ["fi"],
        "status": "waiting",
        "waiting_since": timezone.localdate().isoformat(),
        "guardians-TOTAL_FORMS": "1",
        "guardians-INITIAL_FORMS": "0",
        "guardians-0-name": "Eeva Esimerkki",
        "guardians-0-relation": "äiti",
        "guardians-0-phone": "040 000 0321",
        "guardians-0-email": "eeva@example.org",
        "referrals-TOTAL_FORMS": "1",
        "referrals-INITIAL_FORMS": "0",
        "referrals-0-source": "child_welfare",
        "referrals-0-referred_on": timezone.localdate().isoformat(),
        "referrals-0-referring_worker": "Sosiaalityöntekijä S",
        "referrals-0-organisation": "Vantaan lastensuojelu",
        "referrals-0-guardians_consent": "on",
    }
    data.update(overrides)
    return data


def test_coordinator_adds_a_child_with_guardian_and_referral(admin_client):
    response = admin_client.post(url("admin:families_child_add"), _child_post())
    assert response.status_code == 302
    child = Child.objects.get()
    assert child.guardians.get().name == "Eeva Esimerkki"
    referral = child.referrals.get()
    assert referral.guardians_consent and referral.organisation == "Vantaan lastensuojelu"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"birth_date": "2000-01-01"}, "birth_date"),
        ({"birth_date": "1.1.2017"}, "birth_date"),
    ],
)
def test_bad_birth_date_is_a_form_error_and_nothing_is_saved(admin_client, overrides, field):
    response = admin_client.post(url("admin:families_child_add"), _child_post(**overrides))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Child.objects.exists()
    assert not Guardian.objects.exists()


def test_bad_guardian_phone_saves_nothing(admin_client):
    response = admin_client.post(
        url("admin:families_child_add"), _child_post(**{"guardians-0-phone": "abc"})
    )
    assert response.status_code == 200
    assert not Child.objects.exists()


def test_child_csv_export_leaves_out_birth_date_and_guardians(admin_client):
    child = ChildFactory(
        first_name="Aino", last_name="Esimerkki", birth_date=datetime.date(2017, 4, 3)
    )
    GuardianFactory(child=child, name="Eeva Huoltaja", phone="040 000 0321")
    ReferralFactory(child=child)
    response = admin_client.post(
        url(CHANGELIST), {"action": "export_csv", "_selected_action": [child.pk]}
    )
    assert response.status_code == 200
    content = response.content.decode("utf-8-sig")
    assert content.splitlines()[1].startswith("Aino;E;")
    assert "Child welfare" in content
    for secret in ("Esimerkki", "2017-04-03", "Eeva", "040 000 0321"):
        assert secret not in content


def test_waiting_children_come_first_longest_waiting_at_the_top(admin_client):
    today = timezone.localdate()
    matched = ChildFactory(
        status=ChildStatus.MATCHED, waiting_since=today - datetime.timedelta(days=900)
    )
    recent = ChildFactory(waiting_since=today - datetime.timedelta(days=10))
    longest = ChildFactory(waiting_since=today - datetime.timedelta(days=300))
    response = admin_client.get(url(CHANGELIST))
    assert [c.pk for c in response.context["cl"].result_list] == [longest.pk, recent.pk, matched.pk]
