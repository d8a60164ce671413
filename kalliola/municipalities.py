"""The official municipalities of Finland, from `kalliola/data/municipalities_2025.csv`.

A municipality is stored as its official Finnish name ("Espoo"), the key of the classification
that people and the rest of the code read; the file gives its code and Swedish name. What a
person typed before the list existed ("Esbo", "espoo ") is mapped by `recognise`; a value it
cannot map is kept as typed and shown to the coordinator as not recognised, never dropped.

The file is read once, at first use, from the repository: nothing is fetched at run time.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kalliola.validators import clean_typed_text

DATA_FILE = Path(__file__).resolve().parent / "data" / "municipalities_2025.csv"

# Municipalities merged into another since 2015, as people still write them: the place is now
# part of the municipality named here (Statistics Finland's changes of the classification).
MERGED = {
    "Maaninka": "Kuopio",
    "Lavia": "Pori",
    "Tarvasjoki": "Lieto",
    "Köyliö": "Säkylä",
    "Hämeenkoski": "Hollola",
    "Nastola": "Lahti",
    "Jalasjärvi": "Kurikka",
    "Juankoski": "Kuopio",
    "Luvia": "Eurajoki",
    "Valtimo": "Nurmes",
    "Honkajoki": "Kankaanpää",
}


@dataclass(frozen=True)
class Municipality:
    code: str
    name_fi: str
    name_sv: str

    def name(self, language: str | None = None) -> str:
        """The name in `language` (the active one by default): Swedish on Swedish pages."""
        language = (language or get_language() or "fi")[:2]
        return self.name_sv if language == "sv" else self.name_fi

    def __str__(self):
        return self.name()


def _key(text: str) -> str:
    """How two spellings of a name compare: case, spacing and hyphens aside."""
    text = unicodedata.normalize("NFC", text or "").casefold()
    return " ".join(re.sub(r"[-‐‑–—_.,]", " ", text).split())


def fold(text: str) -> str:
    """`_key` without diacritics: "Hämeenlinna" and "hameenlinna" become one."""
    decomposed = unicodedata.normalize("NFKD", _key(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def all_municipalities() -> tuple[Municipality, ...]:
    # Three plain columns, no quoting (no official name holds a comma): read without `csv`,
    # which the project keeps to kalliola/reports/export.py.
    lines = DATA_FILE.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "code,name_fi,name_sv", "unexpected header in the municipality file"
    return tuple(Municipality(*line.split(",")) for line in lines[1:] if line)


@cache
def official_names() -> frozenset[str]:
    """The stored values a recognised municipality can have (the Finnish names)."""
    return frozenset(m.name_fi for m in all_municipalities())


@cache
def _index() -> tuple[dict, dict]:
    exact, folded = {}, {}
    by_fi = {m.name_fi: m for m in all_municipalities()}
    spellings = [(m, (m.code, m.name_fi, m.name_sv)) for m in all_municipalities()]
    spellings += [(by_fi[new], (old,)) for old, new in MERGED.items()]
    for municipality, names in spellings:
        for name in names:
            exact.setdefault(_key(name), municipality)
            folded.setdefault(fold(name), set()).add(municipality)
    # Without diacritics only where the spelling still names one municipality.
    return exact, {k: next(iter(v)) for k, v in folded.items() if len(v) == 1}


def recognise(text: str) -> Municipality | None:
    """The municipality a typed name, Finnish or Swedish, or a code means; None if none."""
    exact, folded = _index()
    return exact.get(_key(text)) or folded.get(fold(text))


def canonical(text: str) -> str:
    """The value to store: the official Finnish name if recognised, else the text, trimmed."""
    municipality = recognise(text)
    return municipality.name_fi if municipality else " ".join((text or "").split())


def by_name(name_fi: str) -> Municipality | None:
    """The municipality a stored value names (None for an unrecognised one)."""
    return _by_fi().get(name_fi)


def display_name(value: str, language: str | None = None) -> str:
    """A stored value as the reader reads it: the Swedish name on Swedish pages."""
    municipality = _by_fi().get(value)
    return municipality.name(language) if municipality else value


@cache
def _by_fi() -> dict[str, Municipality]:
    return {m.name_fi: m for m in all_municipalities()}


def is_recognised(value: str) -> bool:
    return value in official_names()


def unrecognised_q(field: str = "municipality") -> Q:
    """Rows whose municipality is filled in but is none of the official ones."""
    return ~Q(**{field: ""}) & ~Q(**{f"{field}__in": sorted(official_names())})


_ALPHABET_END = {"å": "z\x01", "ä": "z\x02", "æ": "z\x02", "ö": "z\x03", "ø": "z\x03"}


def sort_key(name: str) -> str:
    """Finnish and Swedish alphabetical order: å, ä and ö come after z."""
    return "".join(_ALPHABET_END.get(c, c) for c in name.casefold())


def choices(language: str | None = None) -> list[tuple[str, str]]:
    """(stored value, name in the reader's language) for every municipality, in their order."""
    named = [(m.name_fi, m.name(language)) for m in all_municipalities()]
    return sorted(named, key=lambda pair: sort_key(pair[1]))


class _MunicipalityBoundField(forms.BoundField):
    """Offers the value the form starts from even if the list lacks it, so that a form
    editing an old record keeps its unrecognised municipality unless someone changes it."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        field.keep_unrecognised(form.get_initial_for_field(field, name) or "")


class MunicipalityChoiceField(forms.ChoiceField):
    """A select of the official municipalities, named in the reader's language.

    `blank_label` is the first option's text (required fields: "Choose a municipality";
    optional ones: "I don't know / other"). A value the list does not hold (typed before the
    list existed) stays offered on a form that starts from it (`_MunicipalityBoundField`).
    """

    bound_field_class = _MunicipalityBoundField

    def __init__(self, *, blank_label=None, required=True, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        blank = blank_label or (
            _("Choose a municipality") if required else _("I don't know / other")
        )
        self.blank_label = blank
        # A callable: the names are read in the language of each request.
        super().__init__(choices=lambda: [("", blank), *choices()], required=required, **kwargs)

    def to_python(self, value):
        # As every text field: no invisible characters, composed (kalliola.validators).
        return clean_typed_text(super().to_python(value), multiline=False).strip()

    def keep_unrecognised(self, value: str) -> None:
        """Offer a stored value the list lacks, so that saving other fields keeps it."""
        if value and not is_recognised(value):
            self.choices = [
                ("", self.blank_label),
                (value, _("%(value)s (not recognised)") % {"value": value}),
                *choices(),
            ]


class MunicipalityField(models.CharField):
    """A municipality: the official Finnish name, or an old unrecognised value kept as typed.

    The database holds text (no CHECK constraint: values typed before the list existed are
    kept for the coordinator to correct); forms offer only the official list, and a value
    given in any spelling the list knows is saved as the official name.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MunicipalityChoiceField, **kwargs})

    def pre_save(self, model_instance, add):
        # Every way a row is written (a service, the admin, demo data, bulk_create) stores the
        # official name of what it was given: "Esbo" and " espoo" are saved as "Espoo".
        value = canonical(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)

        def display(instance, _name=name):
            return display_name(getattr(instance, _name))

        setattr(cls, f"get_{name}_display", display)


def map_to_official(manager, field: str = "municipality") -> list[str]:
    """Rewrite each recognisable value of `field` as its official name (a data migration's job).

    Returns the values left as they were because no municipality matches them: they stay
    stored, and the admin's "not recognised" filter lists their rows for the coordinator.
    """
    unrecognised = []
    values = manager.exclude(**{field: ""}).values_list(field, flat=True).distinct()
    for value in list(values):
        municipality = recognise(value)
        if municipality is None:
            unrecognised.append(value)
        elif municipality.name_fi != value:
            manager.filter(**{field: value}).update(**{field: municipality.name_fi})
    return unrecognised
