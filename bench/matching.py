"""Benchmark: one waiting child's suggestion list with 10,000 households.

Run against a scratch database (never production; it writes and then removes its own rows):

    createdb -h 127.0.0.1 -U postgres kalliola_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kalliola_bench \\
        .venv/bin/python bench/matching.py [--households 10000] [--runs 30]

It migrates the database, creates the households (fictional, seeded random: a realistic mix of
pipeline statuses, ages, languages, pets, wishes, days since the last status change),
relationships that fill some of the active households' places with a planned stay every other
weekend of the next three months, and a week without hosting for one household in ten, then
times `families.matching.suggest` for children with different needs and prints the median, the
95th percentile and the number of queries per list, and how many households share the top score.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalliola.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from families.matching import NEIGHBOURS, suggest  # noqa: E402
from families.models import (  # noqa: E402
    Child,
    FamilyStatus,
    ReadinessCheck,
    Stay,
    SupportFamily,
    SupportRelationship,
    UnavailablePeriod,
)
from families.models.relationship import review_date_for  # noqa: E402
from families.services.readiness import extract_item  # noqa: E402

PREFIX = "bench-matching-"
PLACES = ["Helsinki", "Espoo", "Vantaa", "Kauniainen", "Kerava", "Tuusula", "Järvenpää",
          "Sipoo", "Kirkkonummi", "Nurmijärvi", "Vihti", "Hyvinkää", "Porvoo", "Tampere",
          "Turku"]  # fmt: skip
LANGUAGES = ["fi", "sv", "en", "ru", "et", "so", "ar", "fa", "uk"]
WISH_WORDS = ["luonto", "retkeily", "metsä", "eläimet", "koira", "leipominen", "musiikki",
              "jalkapallo", "uinti", "luistelu", "kirjasto", "askartelu", "pelit", "kokkaus",
              "pyöräily", "hiihto", "taide", "teatteri", "puutarha", "kalastus"]  # fmt: skip
STATUSES = [
    (FamilyStatus.APPROVED, 0.35),
    (FamilyStatus.ACTIVE, 0.35),
    (FamilyStatus.ON_HOLD, 0.05),
    (FamilyStatus.IN_TRAINING, 0.10),
    (FamilyStatus.APPLIED, 0.10),
    (FamilyStatus.ENDED, 0.05),
]


def _wishes(rng: random.Random) -> str:
    words = rng.sample(WISH_WORDS, rng.randint(2, 6))
    return "Meillä on tapana " + ", ".join(words) + ". Toivomme lapsen viihtyvän kanssamme."


def cleanup() -> None:
    Stay.objects.filter(relationship__family__email__startswith=PREFIX).delete()
    UnavailablePeriod.objects.filter(family__email__startswith=PREFIX).delete()
    SupportRelationship.objects.filter(family__email__startswith=PREFIX).delete()
    ReadinessCheck.objects.filter(family__email__startswith=PREFIX).delete()
    Child.objects.filter(last_name=PREFIX).delete()
    SupportFamily.objects.filter(email__startswith=PREFIX).delete()


def populate(households: int, rng: random.Random, *, worst: bool = False) -> None:
    now = timezone.now()
    statuses, weights = zip(*STATUSES, strict=True)
    families = []
    for i in range(households):
        age_min = 0 if worst else rng.randint(0, 12)
        families.append(
            SupportFamily(
                contact_name=f"Bench Perhe {i}",
                email=f"{PREFIX}{i}@example.invalid",
                phone="040 000 0000",
                municipality=rng.choice(PLACES),
                languages=rng.sample(LANGUAGES[:4], rng.randint(1, 2)),
                has_pets=not worst and rng.random() < 0.4,
                child_age_min=age_min,
                child_age_max=17 if worst else rng.randint(age_min, 17),
                max_children=rng.choice([1, 1, 1, 2, 2, 3]),
                wishes=_wishes(rng),
                status=FamilyStatus.APPROVED if worst else rng.choices(statuses, weights)[0],
                commitment_acknowledged=True,
            )
        )
    SupportFamily.objects.bulk_create(families, batch_size=2000)
    # bulk_create stamps status_changed_at with now (auto_now_add); the random days need this.
    waited = [now - datetime.timedelta(days=rng.randint(0, 700)) for _ in families]
    for family, changed_at in zip(families, waited, strict=True):
        family.status_changed_at = changed_at
    SupportFamily.objects.bulk_update(families, ["status_changed_at"], batch_size=2000)
    worker, _ = get_user_model().objects.get_or_create(username=f"{PREFIX}worker")
    active = list(SupportFamily.objects.filter(email__startswith=PREFIX, status="active"))
    today = timezone.localdate()
    children = Child.objects.bulk_create(
        [
            Child(
                first_name=f"Lapsi{i}",
                last_name=PREFIX,
                birth_date=today - datetime.timedelta(days=rng.randint(3 * 365, 15 * 365)),
                municipality=rng.choice(PLACES),
                status="matched",
                waiting_since=today - datetime.timedelta(days=30),
            )
            for i in range(len(active))
        ],
        batch_size=2000,
    )
    # Nine in ten households have a valid extract; the rest are left out by the checklist.
    extract = extract_item()
    ReadinessCheck.objects.bulk_create(
        [
            ReadinessCheck(
                family=family,
                item=extract,
                checked_on=today - datetime.timedelta(days=rng.randint(0, 2000)),
                checked_by=worker,
            )
            for family in SupportFamily.objects.filter(email__startswith=PREFIX).only("pk")
        ],
        batch_size=2000,
    )
    start = today - datetime.timedelta(days=100)
    SupportRelationship.objects.bulk_create(
        [
            SupportRelationship(
                child=child,
                family=family,
                support_worker=worker,
                start_date=start,
                review_date=review_date_for(start),
            )
            for child, family in zip(children, active, strict=True)
        ],
        batch_size=2000,
    )
    # A planned stay every other weekend of the next three months, from the first or the second.
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7)
    tz = timezone.get_current_timezone()
    stays = []
    for relationship in SupportRelationship.objects.filter(family__email__startswith=PREFIX):
        for week in range(rng.randint(0, 1), 13, 2):
            day = saturday + datetime.timedelta(weeks=week)
            starts_at = datetime.datetime.combine(day, datetime.time(10), tzinfo=tz)
            stays.append(
                Stay(
                    relationship=relationship,
                    starts_at=starts_at,
                    ends_at=starts_at + datetime.timedelta(days=1, hours=6),
                    nights=1,
                )
            )
    Stay.objects.bulk_create(stays, batch_size=2000)
    # One household in ten takes a week off hosting somewhere in the three months.
    UnavailablePeriod.objects.bulk_create(
        [
            UnavailablePeriod(
                family=family,
                start_date=(start := today + datetime.timedelta(days=rng.randint(0, 85))),
                end_date=start + datetime.timedelta(days=6),
                reason="holiday",
            )
            for family in SupportFamily.objects.filter(email__startswith=PREFIX).only("pk")
            if rng.random() < 0.1
        ],
        batch_size=2000,
    )


def waiting_children(rng: random.Random) -> list[Child]:
    today = timezone.localdate()
    children = []
    for i, (age, place, allergy, languages) in enumerate(
        [
            (8, "Helsinki", False, ["fi"]),
            (5, "Vantaa", True, ["fi", "so"]),
            (12, "Espoo", False, ["sv"]),
            (15, "Tampere", False, ["fi", "ru"]),
        ]
    ):
        children.append(
            Child.objects.create(
                first_name=f"Odottava{i}",
                last_name=PREFIX,
                birth_date=today.replace(year=today.year - age) - datetime.timedelta(days=10),
                municipality=place,
                languages=languages,
                has_animal_allergy=allergy,
                child_wishes="Haluaisin käydä retkeilemässä metsässä ja uimassa.",
                guardian_wishes="Toivomme perhettä, jossa on musiikkia ja liikuntaa.",
                waiting_since=today - datetime.timedelta(days=40),
            )
        )
    return children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="leave the bench rows in place")
    parser.add_argument(
        "--worst",
        action="store_true",
        help="every household approved, ages 0–17, no pets: every one passes the hard rules",
    )
    args = parser.parse_args()
    rng = random.Random(20261125)
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        cleanup()
        populate(args.households, rng, worst=args.worst)
        children = waiting_children(rng)
    print(
        f"{connection.vendor}, {SupportFamily.objects.count()} households "
        f"({SupportFamily.objects.filter(status__in=['approved', 'active']).count()} approved or "
        f"active), {len(NEIGHBOURS)} municipalities in the neighbour table"
    )
    if connection.vendor == "postgresql":
        # Earlier runs leave dead rows behind; production has autovacuum for that.
        with connection.cursor() as cursor:
            for table in (
                "families_supportfamily",
                "families_supportrelationship",
                "families_child",
                "families_stay",
                "families_unavailableperiod",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
    all_timings = []
    try:
        for child in children:
            suggest(child)  # warm up: connection, caches
            timings = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    result = suggest(child)
                    timings.append((time.perf_counter() - started) * 1000)
            all_timings += timings
            everyone = suggest(child, limit=None)
            candidates = len(everyone)
            tied = sum(1 for s in everyone if s.score == everyone[0].score) if everyone else 0
            print(
                f"child age {child.age:>2} {child.municipality:<9}"
                f" allergy={child.has_animal_allergy!s:<5}"
                f" candidates={candidates:>5} tied-at-top={tied:>4} top={len(result):>2}"
                f" queries={len(queries)}"
                f" median={statistics.median(timings):6.1f} ms"
                f" p95={sorted(timings)[int(0.95 * (len(timings) - 1))]:6.1f} ms"
            )
        print(
            f"all children: median {statistics.median(all_timings):.1f} ms, "
            f"p95 {sorted(all_timings)[int(0.95 * (len(all_timings) - 1))]:.1f} ms, "
            f"max {max(all_timings):.1f} ms"
        )
    finally:
        if not args.keep:
            with transaction.atomic():
                cleanup()
                get_user_model().objects.filter(username=f"{PREFIX}worker").delete()


if __name__ == "__main__":
    main()
