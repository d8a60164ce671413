"""Matching suggestions: which households suit a waiting child, best first, and why.

Hard rules exclude a household and are applied in the database query:

* the household is approved, or active with a free place (open relationships < max children);
* the child's age is within the household's age range;
* a child allergic to animals is never suggested a household with pets;
* every required item of the household's readiness checklist holds today (the
  criminal-record extract and the items the programme adds: `families.services.readiness`).
  The households left out only by the checklist are listed apart, each with the items that
  block it (`blocked_for`), so a coordinator sees why a household they expected is missing.

Soft rules add points; every point comes with a reason in words:

* same municipality, or a neighbouring one (``NEIGHBOURS`` below, the Helsinki region);
* a language the child speaks is spoken at home;
* the household's wishes share words with the child's and the guardians' wishes;
* how long an approved household has waited without a child.

Equal scores are ordered by the household's waiting time (in days), the fit of the child's age
with the household's wished ages, and its free weekends, then by its number, never by name
(`families.matching_order`, which also says why there is no distance key yet).

The weights live in one place: ``DEFAULT_MATCHING_WEIGHTS`` below. Coordinators adjust them in
the admin (Support families › Matching weights; an empty field keeps the default), and a
deployment may also change the defaults with the ``MATCHING_WEIGHTS`` setting, a dict of the keys
to override, e.g. ``MATCHING_WEIGHTS = {"same_municipality": 40, "shared_language": 10}``.
See docs/benchmarks.md for the speed of one child's list with 10,000 households.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Least, Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from families.matching_order import by_free_weekends, explain_ties, order_by_score_and_ties
from families.models import (
    CAN_TAKE_A_CHILD,
    OPEN_RELATIONSHIP_STATUSES,
    FamilyStatus,
    MatchingWeights,
    SupportFamily,
    SupportRelationship,
)
from families.models.choices import Language
from families.services.availability import FreeWeekends, free_weekends
from families.services.readiness import (
    all_ready,
    blocked_households,
    ready_annotations,
    required_items,
)
from kalliola.municipalities import display_name

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
    """The words of a wish by a crude stem (their first five letters), so that Finnish
    inflections meet: a household whose wishes contain the stem anywhere ("eläim" in "eläimiä",
    "metsä" in "metsäretket") shares that word with the child."""
    words = {}
    for word in _WORD.findall((text or "").casefold()):
        if word not in _STOPWORDS:
            words.setdefault(word[:_STEM], word)
    return words


def matching_weights() -> dict[str, float]:
    """The defaults, with the ``MATCHING_WEIGHTS`` setting and then the weights coordinators set
    in the admin (``MatchingWeights``; empty fields keep the value below them) laid over."""
    chosen = MatchingWeights.objects.filter(pk=1).values(*MatchingWeights.WEIGHT_FIELDS).first()
    return {
        **DEFAULT_MATCHING_WEIGHTS,
        **getattr(settings, "MATCHING_WEIGHTS", {}),
        **{key: value for key, value in (chosen or {}).items() if value is not None},
    }


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
    # Weekends over the next three months without a stay or a period without hosting.
    weekends: FreeWeekends = field(default_factory=FreeWeekends)
    # Where it stands on what orders equal scores (waiting, age fit, free weekends), in words.
    tie_breakers: list[str] = field(default_factory=list)


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


def candidates(child, *, today: datetime.date, ready: bool = True, items=None):
    """Households that pass every hard rule, as a query (one round trip); with
    ``ready=False`` those that pass every rule but the readiness checklist's.

    The count of open relationships is a correlated subquery on the (family, status) index
    rather than a join with GROUP BY, so the database computes each household's score once.
    """
    age = child.age_on(today)
    families = SupportFamily.objects.filter(
        status__in=CAN_TAKE_A_CHILD,
        child_age_min__lte=age,
        child_age_max__gte=age,
    )
    if child.has_animal_allergy:
        families = families.filter(has_pets=False)
    open_relationships = (
        SupportRelationship.objects.filter(
            family=OuterRef("pk"), status__in=OPEN_RELATIONSHIP_STATUSES
        )
        .order_by()
        .values("family")
        .annotate(n=Count("pk"))
        .values("n")
    )
    families = families.annotate(
        open_count=Coalesce(Subquery(open_relationships), Value(0), output_field=IntegerField())
    ).filter(open_count__lt=F("max_children"))
    if ready:
        items = required_items() if items is None else items
        families = families.alias(**ready_annotations(items, today)).filter(all_ready(items))
    return families


def blocked_for(child, *, today: datetime.date | None = None, items=None):
    """(how many, the first 50) households that pass every hard rule but the readiness
    checklist, each with the items that block it (`BlockedHousehold`)."""
    today = today or timezone.localdate()
    items = required_items() if items is None else items
    return blocked_households(candidates(child, today=today, ready=False), items, today)


def score_expression(child, *, today: datetime.date, weights: dict[str, float]):
    """Every soft rule as one SQL expression, so the database ranks and only the list's rows
    travel (one child's list stays fast with 10,000 households)."""
    child_place = _norm(child.municipality)
    neighbours = sorted(NEIGHBOURS.get(child_place, frozenset()))
    parts = [
        Case(
            When(place_norm=child_place, then=Value(float(weights["same_municipality"]))),
            When(
                place_norm__in=neighbours, then=Value(float(weights["neighbouring_municipality"]))
            ),
            default=Value(0.0),
            output_field=FloatField(),
        )
    ]
    languages = [code for code in (child.languages or []) if isinstance(code, str)]
    if languages:
        speaks = Q()
        for code in languages:
            speaks |= Q(languages_text__contains=f'"{code}"')
        parts.append(
            Case(
                When(speaks, then=Value(float(weights["shared_language"]))),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    stems = child_stems(child)
    if stems:
        per_word = float(weights["wishes_per_word"])
        # A plain (byte-wise) LIKE for the word in lower case and capitalised is far cheaper
        # than lower-casing every household's text for every word.
        words = [
            Case(
                When(
                    Q(wishes__contains=stem) | Q(wishes__contains=stem.capitalize()),
                    then=Value(per_word),
                ),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for stem in stems
        ]
        total = words[0]
        for word in words[1:]:
            total = total + word
        parts.append(Least(total, Value(float(weights["wishes_max"]))))
    per_month, waiting_max = float(weights["waiting_per_month"]), float(weights["waiting_max"])
    if per_month > 0:
        top = int(waiting_max // per_month) if waiting_max else 0
        noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC)
        parts.append(
            Case(
                *[
                    When(
                        status=FamilyStatus.APPROVED,
                        status_changed_at__lte=noon - datetime.timedelta(days=30 * months),
                        then=Value(min(months * per_month, waiting_max)),
                    )
                    for months in range(top, 0, -1)
                ],
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    score = parts[0]
    for part in parts[1:]:
        score = score + part
    return score


def child_stems(child) -> tuple[str, ...]:
    return tuple(
        _keywords(" ".join((child.child_wishes, child.guardian_wishes, child.enjoys or "")))
    )


def suggest(child, *, today: datetime.date | None = None, limit: int | None = 25, items=None):
    """A ranked list of households for a waiting child, best first, in one query (and two for
    the free weekends of the whole list).

    The database applies the hard rules and the weighted soft rules, orders equal scores by
    waiting time and age fit and returns the list's rows (and any tied with its last one); the
    free weekends order those equal on all that (`families.matching_order`). The reasons in
    words (translated) are written for the list's rows only.
    """
    today = today or timezone.localdate()
    weights = matching_weights()
    age = child.age_on(today)
    rows = (
        candidates(child, today=today, items=items)
        .alias(
            place_norm=Lower(Trim("municipality")),
            languages_text=Cast("languages", TextField()),
        )
        .annotate(score=score_expression(child, today=today, weights=weights))
    )
    rows = order_by_score_and_ties(rows, age=age, today=today, limit=limit).values(
        *_FIELDS, "open_count", "score", "waiting_since", "age_gap", "age_span"
    )
    rows = list(rows)
    weekends = free_weekends([row["pk"] for row in rows], today=today)
    rows = by_free_weekends(rows, weekends, limit)
    now = datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC)
    stems = child_stems(child)
    suggestions = []
    for row in rows:
        suggestion = _explain(child, row, row["score"], today=today, now=now, stems=stems)
        suggestion.weekends = weekends[row["pk"]]
        suggestion.tie_breakers = explain_ties(
            row, age=age, today=today, weekends=suggestion.weekends
        )
        suggestions.append(suggestion)
    return suggestions


def _explain(child, row, score, *, today, now, stems) -> Suggestion:
    """The suggestion with its reasons in words, in the active language."""
    s = Suggestion(
        family_id=row["pk"],
        contact_name=row["contact_name"],
        municipality=display_name(row["municipality"]),
        status=row["status"],
        free_places=row["max_children"] - row["open_count"],
        score=score,
    )
    reasons = s.reasons
    place = _norm(row["municipality"])
    if place and place == _norm(child.municipality):
        reasons.append(
            _("Lives in the same municipality (%(place)s).")
            % {"place": display_name(row["municipality"])}
        )
    elif place in NEIGHBOURS.get(_norm(child.municipality), ()):
        reasons.append(
            _("Lives in a neighbouring municipality (%(place)s).")
            % {"place": display_name(row["municipality"])}
        )
    language_names = dict(Language.choices)
    shared = [code for code in (row["languages"] or []) if code in (child.languages or [])]
    if shared:
        reasons.append(
            _("Speaks the child's language: %(languages)s.")
            % {"languages": ", ".join(str(language_names.get(c, c)) for c in shared)}
        )
    if stems and row["wishes"]:
        words = [
            word
            for word in dict.fromkeys(_WORD.findall(row["wishes"].casefold()))
            if any(stem in word for stem in stems)
        ]
        if words:
            reasons.append(
                _("Wishes have words in common: %(words)s.") % {"words": ", ".join(words[:5])}
            )
    if row["status"] == FamilyStatus.APPROVED and row["status_changed_at"]:
        months = (now - row["status_changed_at"]).days // 30
        if months >= 1:
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
        % {"age": child.age_on(today), "min": row["child_age_min"], "max": row["child_age_max"]}
    )
    if child.has_animal_allergy:
        reasons.append(_("No pets at home, which suits the child's animal allergy."))
    return s
