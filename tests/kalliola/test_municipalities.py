"""Municipalities from the official list: the data file, typed names, forms, lists, migration."""

import csv
import importlib

import pytest
from django.apps import apps as global_apps
from django.urls import reverse
from django.utils import translation

from families.models import Child, SupportFamily
from kalliola import municipalities
from meetings.models import MeetingRequest
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.trainings import InfoSessionFactory
from trainings.models import Registration


def rows():
    with municipalities.DATA_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# -- the data file --------------------------------------------------------------------------------


def test_the_file_holds_the_309_municipalities_of_2025_with_unique_codes_and_names():
    data = rows()
    assert len(data) == 309
    codes = [r["code"] for r in data]
    assert len(set(codes)) == 309 and all(len(c) == 3 and c.isdigit() for c in codes)
    assert len({r["name_fi"] for r in data}) == 309
    assert len({r["name_sv"] for r in data}) == 309


@pytest.mark.parametrize(
    "code, fi, sv",
    [
        ("049", "Espoo", "Esbo"),
        ("091", "Helsinki", "Helsingfors"),
        ("092", "Vantaa", "Vanda"),
        ("853", "Turku", "Åbo"),
        ("837", "Tampere", "Tammerfors"),
        ("564", "Oulu", "Uleåborg"),
        ("478", "Maarianhamina", "Mariehamn"),
        ("284", "Koski Tl", "Koskis"),
        ("491", "Mikkeli", "S:t Michel"),
        ("020", "Akaa", "Akaa"),
        ("214", "Kankaanpää", "Kankaanpää"),
    ],
)
def test_official_codes_and_names(code, fi, sv):
    assert {"code": code, "name_fi": fi, "name_sv": sv} in rows()


def test_aland_is_included_and_merged_municipalities_are_not():
    names = {r["name_fi"] for r in rows()}
    aland = {"Brändö", "Eckerö", "Finström", "Föglö", "Geta", "Hammarland", "Jomala"}
    aland |= {"Kumlinge", "Kökar", "Lemland", "Lumparland", "Maarianhamina", "Saltvik"}
    aland |= {"Sottunga", "Sund", "Vårdö"}
    assert aland <= names
    assert not {"Honkajoki", "Valtimo", "Nastola", "Luvia"} & names


# -- what people type -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, official",
    [
        ("Esbo", "Espoo"),
        ("espoo ", "Espoo"),
        ("  ESPOO", "Espoo"),
        ("helsingfors", "Helsinki"),
        ("Mariehamn", "Maarianhamina"),
        ("hameenlinna", "Hämeenlinna"),
        ("Tavastehus", "Hämeenlinna"),
        ("mänttä vilppula", "Mänttä-Vilppula"),
        ("049", "Espoo"),
        ("Nastola", "Lahti"),
        ("Honkajoki", "Kankaanpää"),
    ],
)
def test_typed_names_are_recognised_in_finnish_or_swedish(typed, official):
    assert municipalities.recognise(typed).name_fi == official
    assert municipalities.canonical(typed) == official


@pytest.mark.parametrize("typed", ["Kallio", "Stockholm", "", "Espoo Helsinki"])
def test_what_is_no_municipality_is_not_recognised_and_kept_as_typed(typed):
    assert municipalities.recognise(typed) is None
    assert municipalities.canonical(f" {typed} ") == typed.strip()


def test_names_are_shown_in_the_readers_language():
    assert municipalities.display_name("Espoo", "sv") == "Esbo"
    assert municipalities.display_name("Espoo", "fi") == "Espoo"
    assert municipalities.display_name("Espoo", "en") == "Espoo"
    assert municipalities.display_name("Kallio", "sv") == "Kallio"
    with translation.override("sv"):
        assert municipalities.choices()[0] == ("Akaa", "Akaa")
        labels = [label for _value, label in municipalities.choices()]
        assert "Esbo" in labels and "Espoo" not in labels
        # Swedish alphabetical order: Å, Ä and Ö after Z.
        assert labels.index("Övertorneå") > labels.index("Åbo") > labels.index("Ypäjä")


@pytest.mark.django_db
def test_every_save_stores_the_official_name():
    family = SupportFamilyFactory(municipality="Esbo")
    child = ChildFactory(municipality=" helsingfors ")
    (bulk,) = SupportFamily.objects.bulk_create([SupportFamilyFactory.build(municipality="espoo")])
    family.refresh_from_db(), child.refresh_from_db(), bulk.refresh_from_db()
    assert (family.municipality, child.municipality, bulk.municipality) == (
        "Espoo",
        "Helsinki",
        "Espoo",
    )


# -- the data migration ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "module",
    [
        "families.migrations.0014_official_municipalities",
        "meetings.migrations.0007_official_municipalities",
    ],
)
def test_migration_maps_free_text_and_keeps_what_it_cannot_map(module):
    families = SupportFamilyFactory.create_batch(4)
    child = ChildFactory()
    request = MeetingRequest.objects.create(
        contact_role="parent",
        name="Testi",
        phone="040 123 4567",
        question="Apua",
        preferred_mode="phone",
    )
    typed = ["Esbo", "espoo ", "Kallio", ""]
    for family, value in zip(families, typed, strict=True):
        SupportFamily.objects.filter(pk=family.pk).update(municipality=value)
    Child.objects.filter(pk=child.pk).update(municipality="HELSINGFORS")
    MeetingRequest.objects.filter(pk=request.pk).update(municipality="vanda")

    importlib.import_module(module).to_official_names(global_apps, None)

    stored = list(
        SupportFamily.objects.filter(pk__in=[f.pk for f in families])
        .order_by("pk")
        .values_list("municipality", flat=True)
    )
    if module.startswith("families"):
        assert stored == ["Espoo", "Espoo", "Kallio", ""]
        assert Child.objects.get().municipality == "Helsinki"
    else:
        assert MeetingRequest.objects.get().municipality == "Vantaa"


# -- the admin lists ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def changelist(model="supportfamily", language="fi"):
    with translation.override(language):
        return reverse(f"admin:families_{model}_changelist")


@pytest.mark.django_db
def test_household_filter_offers_one_espoo_and_lists_the_unrecognised(admin_client):
    esbo, espoo, kallio = SupportFamilyFactory.create_batch(3, municipality="Espoo")
    SupportFamily.objects.filter(pk=esbo.pk).update(municipality="Esbo")
    SupportFamily.objects.filter(pk=kallio.pk).update(municipality="Kallio")
    importlib.import_module("families.migrations.0014_official_municipalities").to_official_names(
        global_apps, None
    )

    response = admin_client.get(changelist())
    filter_labels = [
        c["display"]
        for spec in response.context["cl"].filter_specs
        for c in spec.choices(response.context["cl"])
    ]
    assert filter_labels.count("Espoo") == 1
    assert "Esbo" not in filter_labels and "Kallio" not in filter_labels

    response = admin_client.get(changelist(), {"municipality": "?"})
    assert list(response.context["cl"].result_list) == [kallio]
    response = admin_client.get(changelist(), {"municipality": "Espoo"})
    assert set(response.context["cl"].result_list) == {esbo, espoo}


@pytest.mark.django_db
def test_children_list_names_the_municipality_in_swedish_on_swedish_pages(admin_client):
    ChildFactory(municipality="Espoo", first_name="Aino")
    response = admin_client.get(changelist("child", "sv"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Esbo" in html and ">Espoo<" not in html


@pytest.mark.django_db
def test_editing_a_household_keeps_an_unrecognised_municipality(admin_client):
    family = SupportFamilyFactory()
    SupportFamily.objects.filter(pk=family.pk).update(municipality="Kallio")
    with translation.override("fi"):
        url = reverse("admin:families_supportfamily_change", args=[family.pk])
    form = admin_client.get(url).context["adminform"].form
    assert form.initial["municipality"] == "Kallio"
    assert ("Kallio", "Kallio (ei tunnistettu)") in [
        (str(v), str(label)) for v, label in form.fields["municipality"].choices
    ]
    field = form.fields["municipality"]
    assert field.clean("Kallio") == "Kallio"
    # Another form (a new household) offers only the list.
    with pytest.raises(Exception, match="valid choice|kelvollinen|Valitse"):
        SupportFamily._meta.get_field("municipality").formfield().clean("Kallio")


# -- public forms ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_info_session_signup_offers_a_select_and_refuses_what_is_not_a_municipality(client):
    session = InfoSessionFactory()
    url = f"/infotilaisuudet/{session.pk}/"
    page = client.get(url).content.decode()
    assert '<select name="municipality"' in page and '<option value="Espoo">Espoo</option>' in page
    data = {
        "name": "Anna Virtanen",
        "email": "anna@example.org",
        "phone": "040 123 4567",
        "consent": "on",
        "website": "",
    }
    response = client.post(url, {**data, "municipality": "Kallio"})
    assert response.status_code == 200 and not Registration.objects.exists()
    assert client.post(url, {**data, "municipality": "Espoo"}).status_code == 302
    assert Registration.objects.get().family.municipality == "Espoo"


@pytest.mark.django_db
def test_swedish_request_form_names_municipalities_in_swedish_with_i_dont_know(client):
    page = client.get("/sv/tukitapaamiset/").content.decode()
    assert '<option value="Espoo">Esbo</option>' in page
    assert '<option value="" selected>' in page
    response = client.post(
        "/sv/tukitapaamiset/",
        {
            "contact_role": "parent",
            "name": "Testi Vanhempi",
            "phone": "040 123 4567",
            "email": "",
            "contact_channel": "call",
            "question": "Vi behöver hjälp.",
            "preferred_mode": "phone",
            "municipality": "",
        },
    )
    assert response.status_code == 302
    assert MeetingRequest.objects.get().municipality == ""


@pytest.mark.django_db
def test_request_list_filters_by_official_municipality_and_lists_the_unrecognised(admin_client):
    def make(value):
        request = MeetingRequest.objects.create(
            contact_role="parent",
            name="Testi",
            phone="040 123 4567",
            question="Apua",
            preferred_mode="phone",
            municipality="Espoo",
        )
        MeetingRequest.objects.filter(pk=request.pk).update(municipality=value)
        return request

    esbo, kallio = make("Esbo"), make("Kallio")
    importlib.import_module("meetings.migrations.0007_official_municipalities").to_official_names(
        global_apps, None
    )
    with translation.override("sv"):
        url = reverse("admin:meetings_meetingrequest_changelist")
    response = admin_client.get(url, {"municipality": "?"})
    assert list(response.context["cl"].result_list) == [kallio]
    response = admin_client.get(url, {"municipality": "Espoo"})
    assert list(response.context["cl"].result_list) == [esbo]
    assert '<td class="field-municipality_name">Esbo</td>' in response.content.decode()
