"""Notes the programme writes on a household's status change are stored as a code and shown in
the reader's language; old notes were turned into codes where recognisable (issue 16, point 7)."""

import datetime
from importlib import import_module

from django.apps import apps
from django.utils import translation

from families.models import FamilyStatusChange, SystemNote
from families.services import change_status
from tests.factories.families import SupportFamilyFactory

migration = import_module("families.migrations.0013_status_note_code")


def test_a_note_written_in_english_reads_in_finnish_and_swedish(db):
    family = SupportFamilyFactory(status="approved")
    with translation.override("en"):
        change_status(family, "on_hold", note_code=SystemNote.LAST_RELATIONSHIP_ENDED)
    change = family.status_changes.get(to_status="on_hold")
    assert (change.note, change.note_code) == ("", "last_relationship_ended")
    with translation.override("fi"):
        assert change.note_shown == "Viimeinen tukisuhde päättyi."
    with translation.override("sv"):
        assert change.note_shown == "Den sista stödrelationen avslutades."


def test_an_info_session_note_keeps_its_day_in_the_readers_format(db):
    change = FamilyStatusChange(
        note_code=SystemNote.INFO_SESSION_ATTENDED, note=datetime.date(2027, 4, 7).isoformat()
    )
    with translation.override("fi"):
        assert change.note_shown == "Osallistui infotilaisuuteen 7.4.2027."
    with translation.override("en"):
        assert change.note_shown == "Attended the info session on 7 Apr 2027."


def test_a_group_or_hours_note_reads_in_the_readers_language_with_the_persons_words(db):
    place = FamilyStatusChange(note_code=SystemNote.GROUP_PLACE_CANCELLED, note="Syksy 2027")
    with translation.override("en"):
        assert place.note_shown == "The place in Syksy 2027 was cancelled: waiting for a group."
    done = FamilyStatusChange(note_code=SystemNote.TRAINING_COMPLETED, note="9.50\nHyvä ryhmä")
    with translation.override("fi"):
        assert done.note_shown == "Ennakkovalmennus suoritettu: 9,5 tuntia. Hyvä ryhmä"
    with translation.override("en"):
        assert (
            FamilyStatusChange(note_code=SystemNote.TRAINING_COMPLETED, note="10.00").note_shown
            == "Pre-training completed: 10 hours."
        )


def test_a_typed_note_is_shown_as_typed(db):
    assert FamilyStatusChange(note="Soitti, harkitsee").note_shown == "Soitti, harkitsee"


def test_old_notes_in_any_language_become_codes_and_typed_ones_stay(db):
    family = SupportFamilyFactory()
    FamilyStatusChange.objects.all().delete()
    rows = {
        "Hakemus lähetetty verkkosivuilla.": ("application_sent", ""),
        "Application sent on the website.": ("application_sent", ""),
        "En stödrelation började.": ("relationship_started", ""),
        "Osallistui infotilaisuuteen 07.04.2027.": ("info_session_attended", "2027-04-07"),
        "Deltog i informationsmötet 7.4.2027.": ("info_session_attended", "2027-04-07"),
        "Ennakkovalmennus suoritettu: 9,5 tuntia.": ("training_completed", "9.5"),
        "Pre-training completed: 10 hours. Valmis": ("training_completed", "10\nValmis"),
        "Hakemus lähetetty verkkosivuilla, soitettu perään.": (
            "",
            "Hakemus lähetetty verkkosivuilla, soitettu perään.",
        ),
    }
    for note in rows:
        FamilyStatusChange.objects.create(family=family, to_status="applied", note=note)
    migration.code_notes(apps, None)
    got = {(c.note_code, c.note) for c in FamilyStatusChange.objects.filter(family=family)}
    assert got == set(rows.values())
