"""The admin's search finds people the way coordinators type: phone numbers in any format (also
guardians'), names with or without diacritics; the matching phone shows in the list."""

import pytest
from django.urls import reverse
from django.utils import translation

from families.models import Child, Guardian, SupportFamily
from kalliola.search import fold_text, looks_like_phone, normalise_phone
from tests.factories.families import ChildFactory, GuardianFactory, SupportFamilyFactory

pytestmark = pytest.mark.django_db

TYPED = ["0400002046", "040-000-2046", "+358 40 000 2046", "+358400002046", "040 000 2046"]


def url(model):
    with translation.override("fi"):
        return reverse(f"admin:families_{model}_changelist")


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def found(admin_client, model, query):
    response = admin_client.get(url(model), {"q": query})
    assert response.status_code == 200
    return response, list(response.context["cl"].result_list)


@pytest.mark.parametrize(
    "typed, normalised",
    [
        ("040 000 2046", "0400002046"),
        ("+358 40 000 2046", "0400002046"),
        ("00358 40 000 2046", "0400002046"),
        ("(09) 123-4567", "091234567"),
        ("+46 70 123 45 67", "46701234567"),
    ],
)
def test_phone_numbers_are_normalised_as_people_write_them(typed, normalised):
    assert normalise_phone(typed) == normalised


def test_only_a_query_of_digits_is_taken_for_a_phone_number():
    assert looks_like_phone("+358 40 000 2046") and looks_like_phone("2046")
    assert (
        not looks_like_phone("Anna 040") and not looks_like_phone("12") and not looks_like_phone("")
    )


def test_names_are_folded_without_diacritics():
    assert fold_text("Mäkiharju-Åström Šmidt Müller Õun") == "makiharju-astrom smidt muller oun"


def test_the_database_keeps_normalised_copies_on_every_save():
    family = SupportFamilyFactory(
        contact_name="Anna Mäkiharju", phone="+358 40 000 2046", second_adult_phone="050-123 4567"
    )
    family.refresh_from_db()
    assert family.search_phones == "0400002046 0501234567"
    assert family.search_names == "anna makiharju "
    SupportFamily.objects.filter(pk=family.pk).update(phone="", contact_name="Poistettu")
    family.refresh_from_db()
    assert "0400002046" not in family.search_phones and "makiharju" not in family.search_names


@pytest.mark.parametrize("query", TYPED)
def test_a_household_is_found_by_its_phone_however_it_is_typed(admin_client, query):
    family = SupportFamilyFactory(contact_name="Anna Virtanen", phone="040 000 2046")
    SupportFamilyFactory(contact_name="Other", phone="050 999 8888")
    response, results = found(admin_client, "supportfamily", query)
    assert results == [family]
    # The number that matched shows in the list.
    assert '<td class="field-phone_numbers">040 000 2046</td>' in response.content.decode()


def test_the_second_adults_phone_is_found_too(admin_client):
    family = SupportFamilyFactory(phone="050 999 8888", second_adult_phone="+358 40 000 2046")
    assert found(admin_client, "supportfamily", "040-000-2046")[1] == [family]


@pytest.mark.parametrize("query", TYPED)
def test_a_child_is_found_by_a_guardians_phone_however_it_is_typed(admin_client, query):
    child = ChildFactory(first_name="Aino")
    GuardianFactory(child=child, phone="040 000 2046")
    GuardianFactory(child=child, phone="")
    GuardianFactory(child=ChildFactory(), phone="050 999 8888")
    response, results = found(admin_client, "child", query)
    assert results == [child]
    assert '<td class="field-guardian_phones">040 000 2046</td>' in response.content.decode()


@pytest.mark.parametrize("query", ["makiharju", "Mäkiharju", "MAKIHARJU", "anna makiharju"])
def test_names_match_with_and_without_diacritics(admin_client, query):
    family = SupportFamilyFactory(contact_name="Anna Mäkiharju")
    SupportFamilyFactory(contact_name="Anna Virtanen")
    assert found(admin_client, "supportfamily", query)[1] == [family]


def test_a_child_is_found_by_a_name_without_diacritics_and_by_a_guardians_name(admin_client):
    child = ChildFactory(first_name="Säde", last_name="Söderström")
    GuardianFactory(child=child, name="Jörö Äijälä")
    ChildFactory(first_name="Aino", last_name="Virtanen")
    assert found(admin_client, "child", "sade soderstrom")[1] == [child]
    assert found(admin_client, "child", "aijala")[1] == [child]


def test_email_search_still_works(admin_client):
    family = SupportFamilyFactory(email="anna.makiharju@example.org")
    assert found(admin_client, "supportfamily", "anna.makiharju@")[1] == [family]


@pytest.mark.parametrize("rows", [10, 5000])
def test_phone_search_pages_take_the_same_queries_however_many_rows(
    admin_client, rows, django_assert_max_num_queries
):
    SupportFamily.objects.bulk_create(
        SupportFamilyFactory.build(phone=f"040 00{i:05d}") for i in range(rows)
    )
    children = Child.objects.bulk_create(ChildFactory.build() for _ in range(rows))
    Guardian.objects.bulk_create(
        GuardianFactory.build(child=child, phone=f"040 00{i:05d}")
        for i, child in enumerate(children)
    )
    admin_client.get(url("supportfamily"))  # the session and the cached filter figures
    admin_client.get(url("child"))
    with django_assert_max_num_queries(14):
        response = admin_client.get(url("supportfamily"), {"q": "+358 40 00"})
    assert len(response.context["cl"].result_list) == min(rows, 50)
    with django_assert_max_num_queries(14):
        response = admin_client.get(url("child"), {"q": "040-00"})
    assert len(response.context["cl"].result_list) == min(rows, 50)


def test_the_guardians_list_finds_a_phone_however_it_is_typed(admin_client):
    guardian = GuardianFactory(name="Jörö Äijälä", phone="040 000 2046")
    GuardianFactory(phone="050 999 8888")
    response, results = found(admin_client, "guardian", "+358 40 000 2046")
    assert results == [guardian]
    assert "040 000 2046" in response.content.decode()
    assert found(admin_client, "guardian", "joro aijala")[1] == [guardian]
