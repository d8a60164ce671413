"""No invisible or control characters in stored text, and text stored in NFC (issue 24, point 4).

One hook (kalliola.validators.guard_every_text_field, installed by kalliola/apps.py) cleans
what every form text field of Django receives: the public forms, the portal and the admin."""

import datetime
import unicodedata

import pytest
import time_machine
from django import forms
from django.urls import reverse
from django.utils import translation

from families.models import SupervisionContact, SupportFamily
from tests.factories.relationships import RelationshipFactory, at
from tests.factories.trainings import InfoSessionFactory
from trainings.models import Registration

BIDI_AND_ZERO_WIDTH = "Anna \u202eVirtanen\u202c\u200b"
DECOMPOSED = "Meika\u0308la\u0308inen"  # ä typed as a + combining diaeresis


def visible(text):
    return not any(unicodedata.category(c) in ("Cf", "Cc") for c in text)


class AnyForm(forms.Form):
    line = forms.CharField(required=False)
    text = forms.CharField(required=False, widget=forms.Textarea)
    secret = forms.CharField(required=False, widget=forms.PasswordInput, strip=False)


def test_format_and_control_characters_are_removed_and_text_is_composed():
    form = AnyForm(
        data={
            "line": f"\u200b{BIDI_AND_ZERO_WIDTH}\x07\ttab {DECOMPOSED}\ufeff",
            "text": "Rivi 1\r\nRivi\t2\x1b[31m\u2066x\u2069",
            "secret": "pa\u200bss",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["line"] == "Anna Virtanen tab Meikäläinen"
    assert form.cleaned_data["text"] == "Rivi 1\r\nRivi\t2[31mx"  # line breaks and tabs kept
    assert unicodedata.is_normalized("NFC", form.cleaned_data["line"])
    assert form.cleaned_data["secret"] == "pa\u200bss"  # a secret is compared as typed


def test_a_line_break_in_a_single_line_field_is_refused_in_the_readers_language():
    with translation.override("fi"):
        form = AnyForm(data={"line": "Hei\nMaija"})
        assert not form.is_valid()
        assert form.errors["line"] == ["Kirjoita tämä yhdelle riville."]


def test_a_nul_byte_is_refused_not_dropped():
    form = AnyForm(data={"line": "a\x00b", "text": "a\x00b"})
    assert not form.is_valid()
    assert set(form.errors) == {"line", "text"}


def test_only_invisible_characters_are_an_empty_value():
    form = AnyForm(data={"line": "\u200b\u202e"})
    assert form.is_valid()
    assert form.cleaned_data["line"] == ""


@pytest.mark.django_db
def test_public_sign_up_stores_the_name_without_them_and_composed(client):
    session = InfoSessionFactory()
    response = client.post(
        f"/en/infotilaisuudet/{session.pk}/",
        {
            "name": f"{BIDI_AND_ZERO_WIDTH} {DECOMPOSED}",
            "email": "anna@example.org",
            "phone": "040 123 4567",
            "municipality": "Hel\u200bsinki\u202e",
            "consent": "on",
            "website": "",
        },
    )
    assert response.status_code == 302
    family = Registration.objects.get().family
    assert family.contact_name == "Anna Virtanen Meikäläinen"
    assert family.municipality == "Helsinki"
    assert unicodedata.is_normalized("NFC", family.contact_name)


@pytest.mark.django_db
def test_portal_contact_notes_are_stored_without_them(client, support_worker):
    relationship = RelationshipFactory(
        support_worker=support_worker, start_date=datetime.date(2026, 1, 1)
    )
    client.force_login(support_worker)
    with time_machine.travel(at(datetime.date(2026, 6, 15), 12), tick=False):
        response = client.post(
            reverse("families_portal:log_contact", args=[relationship.pk]),
            {"date": "2026-06-14", "mode": "online", "notes": f"Soitto\u202e\n{DECOMPOSED}\u200b"},
        )
    assert response.status_code == 302
    notes = SupervisionContact.objects.get().notes
    assert notes == "Soitto\nMeikäläinen"
    assert visible(notes.replace("\n", ""))


@pytest.mark.django_db
def test_admin_household_is_stored_without_them(client, coordinator):
    client.force_login(coordinator)
    with translation.override("en"):
        add_url = reverse("admin:families_supportfamily_add")
    response = client.post(
        add_url,
        {
            "contact_name": f"{BIDI_AND_ZERO_WIDTH}",
            "email": "anna@example.org",
            "phone": "040 000 0555",
            "contact_language": "fi",
            "postal_code": "00530",
            "municipality": "Hyvinka\u0308a\u0308\u200b",
            "languages": ["fi"],
            "child_age_min": "0",
            "child_age_max": "17",
            "max_children": "1",
            "frequency": "weekend_month",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    family = SupportFamily.objects.get()
    assert family.contact_name == "Anna Virtanen"
    assert family.municipality == "Hyvinkää"
