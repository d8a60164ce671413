"""Matching suggestions: which households suit a waiting child, best first, and why.

Hard rules exclude a household and are applied in the database query:

* the household is approved, or active with a free place (open relationships < max children);
* the child's age is within the household's age range;
* a child allergic to animals is never suggested a household with pets.

Soft rules add points; every point comes with a reason in words:

* same municipality, or a neighbouring one (``NEIGHBOURS`` below, the Helsinki region);
* a language the child speaks is spoken at home;
* the household's wishes share words with the child's and the guardians' wishes;
* how long an approved household has waited without a child.

The weights live in one place: ``DEFAULT_MATCHING_WEIGHTS`` below. A deployment changes any of
them with the ``MATCHING_WEIGHTS`` setting, a dict of the keys to override, e.g.
``MATCHING_WEIGHTS = {"same_municipality": 40, "shared_language": 10}``; the keys not given keep
their defaults. See docs/benchmarks.md for the speed of one child's list with 10,000 households.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from families.models import OPEN_RELATIONSHIP_STATUSES, FamilyStatus, SupportFamily
from families.models.choices import Language

DEFAULT_MATCHING_WEIGHTS: dict[str, float] = {
    # Points when the household lives in the child's municipality.
    "same_municipality": 30,
    # Points when it lives in a neighbouring municipality (instead of the above).
    "neighbouring_municipality": 15,
    # Points when at least one of the child's languages is spoken at home.
    "shared_language": 20,
    # Points per word the household's wishes share with the child's or guardians' wishes ...
    "wishes_per_word": 5,
    # ... up to this many points.
    "wishes_max": 15,
    # Points per full month an approved household has waited without a child ...
    "waiting_per_month": 2,
    # ... up to this many points (a year of waiting).
    "waiting_max": 24,
}

# Neighbouring municipalities in the Helsinki region (shared border), in both directions.
_NEIGHBOUR_PAIRS = (
    ("Helsinki", "Espoo"),
    ("Helsinki", "Vantaa"),
    ("Helsinki", "Sipoo"),
    ("Espoo", "Vantaa"),
    ("Espoo", "Kauniainen"),
    ("Espoo", "Kirkkonummi"),
    ("Espoo", "Vihti"),
    ("Espoo", "Nurmijärvi"),
    ("Vantaa", "Sipoo"),
    ("Vantaa", "Kerava"),
    ("Vantaa", "Tuusula"),
    ("Vantaa", "Nurmijärvi"),
    ("Kerava", "Tuusula"),
    ("Kerava", "Sipoo"),
    ("Kerava", "Järvenpää"),
    ("Tuusula", "Järvenpää"),
    ("Tuusula", "Nurmijärvi"),
    ("Tuusula", "Hyvinkää"),
    ("Järvenpää", "Sipoo"),
    ("Nurmijärvi", "Vihti"),
    ("Nurmijärvi", "Hyvinkää"),
    ("Kirkkonummi", "Vihti"),
    ("Kirkkonummi", "Siuntio"),
    ("Sipoo", "Porvoo"),
)


def _norm(name: str) -> str:
    return (name or "").strip().casefold()


NEIGHBOURS: dict[str, frozenset[str]] = {}
for _a, _b in _NEIGHBOUR_PAIRS:
    NEIGHBOURS[_norm(_a)] = NEIGHBOURS.get(_norm(_a), frozenset()) | {_norm(_b)}
    NEIGHBOURS[_norm(_b)] = NEIGHBOURS.get(_norm(_b), frozenset()) | {_norm(_a)}

# Common words that say nothing about a wish (Finnish, Swedish, English).
_STOPWORDS = frozenset(
    """
    että joka jotka kanssa mutta myös olla olisi ovat sekä tai kuin koska vain voisi hyvin
    paljon haluaa haluaisi toivoo toive toiveet toivomme lapsi lapsen lapsia perhe perheen
    perheessä tukiperhe tukiperheen meillä meidän hänen heidän
    från eller inte också skulle barn barnet familj familjen önskar gärna mycket
    with that this would like child family they their there have from about very
    """.split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W\d_]{4,}")
_STEM = 5


def _keywords(text: str) -> dict[str, str]:
    """Words of a wish by a crude stem (the first five letters), so that Finnish inflections
    meet: "luonnossa" and "luontoretket" share nothing, but "eläimet" and "eläimiä" do."""
    words = {}
    for word in _WORD.findall((text or "").casefold()):
        if word not in _STOPWORDS:
            words.setdefault(word[:_STEM], word)
    return words


def matching_weights() -> dict[str, float]:
    """The defaults with the ``MATCHING_WEIGHTS`` setting laid over them."""
    return {**DEFAULT_MATCHING_WEIGHTS, **getattr(settings, "MATCHING_WEIGHTS", {})}


@dataclass
class Suggestion:
    """A household that suits the child, with its score and the reasons in words."""

    family_id: int
    contact_name: str
    municipality: str
    status: str
    free_places: int
    score: float = 0
    reasons: list[str] = field(default_factory=list)


_FIELDS = (
    "pk",
    "contact_name",
    "municipality",
    "languages",
    "has_pets",
    "child_age_min",
    "child_age_max",
    "max_children",
    "wishes",
    "status",
    "status_changed_at",
)


def candidates(child, *, today: datetime.date):
    """Households that pass every hard rule, as a query (one round trip)."""
    age = child.age_on(today)
    families = SupportFamily.objects.filter(
        status__in=(FamilyStatus.APPROVED, FamilyStatus.ACTIVE),
        child_age_min__lte=age,
        child_age_max__gte=age,
    )
    if child.has_animal_allergy:
        families = families.filter(has_pets=False)
    return (
        families.annotate(
            open_count=Count(
                "support_relationships",
                filter=Q(support_relationships__status__in=OPEN_RELATIONSHIP_STATUSES),
            )
        )
        .filter(open_count__lt=F("max_children"))
        .values(*_FIELDS, "open_count")
    )


def suggest(child, *, today: datetime.date | None = None, limit: int | None = 25):
    """A ranked list of households for a waiting child: one query, scored in Python."""
    today = today or timezone.localdate()
    weights = matching_weights()
    age = child.age_on(today)
    child_place = _norm(child.municipality)
    neighbours = NEIGHBOURS.get(child_place, frozenset())
    child_languages = set(child.languages or [])
    child_words = _keywords(
        " ".join((child.child_wishes, child.guardian_wishes, child.enjoys or ""))
    )
    language_names = dict(Language.choices)
    suggestions = []
    for row in candidates(child, today=today):
        s = Suggestion(
            family_id=row["pk"],
            contact_name=row["contact_name"],
            municipality=row["municipality"],
            status=row["status"],
            free_places=row["max_children"] - row["open_count"],
        )
        reasons = s.reasons
        place = _norm(row["municipality"])
        if place and place == child_place:
            s.score += weights["same_municipality"]
            reasons.append(
                _("Lives in the same municipality (%(place)s).") % {"place": row["municipality"]}
            )
        elif place in neighbours:
            s.score += weights["neighbouring_municipality"]
            reasons.append(
                _("Lives in a neighbouring municipality (%(place)s).")
                % {"place": row["municipality"]}
            )
        shared = [code for code in (row["languages"] or []) if code in child_languages]
        if shared:
            s.score += weights["shared_language"]
            reasons.append(
                _("Speaks the child's language: %(languages)s.")
                % {"languages": ", ".join(str(language_names.get(c, c)) for c in shared)}
            )
        if child_words and row["wishes"]:
            common = [
                word for stem, word in _keywords(row["wishes"]).items() if stem in child_words
            ]
            if common:
                s.score += min(len(common) * weights["wishes_per_word"], weights["wishes_max"])
                reasons.append(
                    _("Wishes have words in common: %(words)s.") % {"words": ", ".join(common[:5])}
                )
        if row["status"] == FamilyStatus.APPROVED and row["status_changed_at"]:
            months = (today - timezone.localtime(row["status_changed_at"]).date()).days // 30
            if months >= 1:
                s.score += min(months * weights["waiting_per_month"], weights["waiting_max"])
                reasons.append(
                    ngettext(
                        "Has waited %(months)s month for a child.",
                        "Has waited %(months)s months for a child.",
                        months,
                    )
                    % {"months": months}
                )
        reasons.append(
            _("The child's age (%(age)s) is within the household's range %(min)s–%(max)s.")
            % {"age": age, "min": row["child_age_min"], "max": row["child_age_max"]}
        )
        if child.has_animal_allergy:
            reasons.append(_("No pets at home, which suits the child's animal allergy."))
        suggestions.append(s)
    suggestions.sort(key=lambda s: (-s.score, s.contact_name, s.family_id))
    return suggestions if limit is None else suggestions[:limit]
