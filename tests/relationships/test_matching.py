import datetime

import pytest
import time_machine
from django.utils import timezone

from families.matching import DEFAULT_MATCHING_WEIGHTS, NEIGHBOURS, matching_weights, suggest
from families.models import FamilyStatus, SupportFamily
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.relationships import RelationshipFactory, at

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(at(TODAY, 12), tick=False):
        yield


def _child(**kwargs):
    kwargs.setdefault("birth_date", datetime.date(2018, 1, 1))  # 8 years old
    kwargs.setdefault("municipality", "Helsinki")
    return ChildFactory(**kwargs)


def _family(**kwargs):
    kwargs.setdefault("status", FamilyStatus.APPROVED)
    kwargs.setdefault("municipality", "Turku")
    kwargs.setdefault("languages", [])
    family = SupportFamilyFactory(**kwargs)
    # A fresh approval: no waiting points unless a test asks for them.
    SupportFamily.objects.filter(pk=family.pk).update(status_changed_at=timezone.now())
    return family


def _ids(suggestions):
    return [s.family_id for s in suggestions]


def test_only_approved_or_active_households_with_a_free_place_are_suggested(db):
    child = _child()
    approved = _family()
    _family(status=FamilyStatus.IN_TRAINING)
    _family(status=FamilyStatus.ON_HOLD)
    full = _family(status=FamilyStatus.ACTIVE, max_children=1)
    RelationshipFactory(family=full)
    roomy = _family(status=FamilyStatus.ACTIVE, max_children=2)
    RelationshipFactory(family=roomy)
    ended = _family(max_children=1)
    RelationshipFactory(family=ended, status="ended", end_date=TODAY)
    assert set(_ids(suggest(child))) == {approved.pk, roomy.pk, ended.pk}


def test_a_child_outside_the_households_age_range_is_not_suggested(db):
    child = _child()
    fits = _family(child_age_min=6, child_age_max=10)
    _family(child_age_min=10, child_age_max=15)
    _family(child_age_min=0, child_age_max=7)
    assert _ids(suggest(child)) == [fits.pk]


def test_a_child_allergic_to_animals_gets_no_household_with_pets(db):
    allergic = _child(has_animal_allergy=True)
    no_pets = _family(has_pets=False)
    pets = _family(has_pets=True)
    suggestions = suggest(allergic)
    assert _ids(suggestions) == [no_pets.pk]
    assert len(suggestions[0].reasons) >= 2
    assert set(_ids(suggest(_child()))) == {no_pets.pk, pets.pk}


def test_same_municipality_ranks_above_a_neighbour_and_a_neighbour_above_far_away(db):
    child = _child(municipality="Helsinki")
    far = _family(municipality="Tampere")
    neighbour = _family(municipality="Espoo")
    same = _family(municipality="helsinki ")
    suggestions = suggest(child)
    assert _ids(suggestions) == [same.pk, neighbour.pk, far.pk]
    assert suggestions[0].score == DEFAULT_MATCHING_WEIGHTS["same_municipality"]
    assert suggestions[1].score == DEFAULT_MATCHING_WEIGHTS["neighbouring_municipality"]


def test_neighbour_table_goes_both_ways():
    assert "vantaa" in NEIGHBOURS["helsinki"]
    assert "helsinki" in NEIGHBOURS["vantaa"]


def test_a_shared_language_adds_points(db):
    child = _child(languages=["so", "fi"])
    speaks = _family(languages=["so"])
    _family(languages=["sv"])
    suggestions = suggest(child)
    assert suggestions[0].family_id == speaks.pk
    assert suggestions[0].score == DEFAULT_MATCHING_WEIGHTS["shared_language"]


def test_shared_wishes_rank_higher(db):
    child = _child(
        child_wishes="Haluaisin eläimiä ja retkiä metsään.",
        guardian_wishes="Toivomme liikunnallista perhettä.",
    )
    plain = _family(wishes="Asumme kerrostalossa.")
    outdoorsy = _family(wishes="Retkeilemme metsässä ja harrastamme liikuntaa.")
    suggestions = suggest(child)
    assert _ids(suggestions) == [outdoorsy.pk, plain.pk]
    assert suggestions[0].score > 0


def test_a_household_that_has_waited_longer_ranks_higher(db):
    child = _child()
    fresh = _family()
    waited = _family()
    SupportFamily.objects.filter(pk=waited.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=200)
    )
    suggestions = suggest(child)
    assert _ids(suggestions) == [waited.pk, fresh.pk]
    assert suggestions[0].score == 6 * DEFAULT_MATCHING_WEIGHTS["waiting_per_month"]


def test_weights_can_be_changed_in_settings(db, settings):
    settings.MATCHING_WEIGHTS = {"same_municipality": 0, "shared_language": 50}
    child = _child(languages=["sv"])
    same_place = _family(municipality="Helsinki")
    same_language = _family(languages=["sv"])
    assert matching_weights()["neighbouring_municipality"] == 15
    assert _ids(suggest(child)) == [same_language.pk, same_place.pk]


def test_reasons_say_in_words_why_a_household_fits(db):
    from django.utils import translation

    child = _child()
    _family(municipality="Helsinki")
    with translation.override("en"):
        reasons = suggest(child)[0].reasons
    assert "Lives in the same municipality (Helsinki)." in reasons


def test_suggestions_take_a_constant_number_of_queries(db, django_assert_num_queries):
    child = _child()
    for count in (5, 50):
        for _ in range(count):
            RelationshipFactory(family=_family(max_children=2))
        # The weights row, the required items, the list, and the list's periods without hosting
        # and stays (the free weekends).
        with django_assert_num_queries(5):
            assert len(suggest(child, limit=None)) >= count


def test_weights_a_coordinator_sets_in_the_admin_change_the_ranking(client, coordinator):
    from django.urls import reverse

    child = _child(languages=["sv"])
    nearby = _family(municipality="Helsinki", languages=["fi"])
    same_language = _family(municipality="Turku", languages=["sv"])
    assert _ids(suggest(child))[0] == nearby.pk  # defaults: municipality 30 > language 20

    client.force_login(coordinator)
    page = client.get(reverse("admin:families_matchingweights_changelist"), follow=True)
    assert page.status_code == 200
    form = dict.fromkeys(DEFAULT_MATCHING_WEIGHTS, "")
    form.update(same_municipality="5", shared_language="40")
    response = client.post(reverse("admin:families_matchingweights_change", args=[1]), form)
    assert response.status_code == 302
    assert matching_weights()["same_municipality"] == 5
    assert matching_weights()["waiting_max"] == DEFAULT_MATCHING_WEIGHTS["waiting_max"]
    assert _ids(suggest(child))[0] == same_language.pk
