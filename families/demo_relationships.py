"""Fictional demo data (idempotent: a second run changes nothing).

Rates with a change three months ago, a few approved households and children (three matched,
three waiting), support relationships followed by the two demo workers, a weekend stay every
month, supervision contacts, check-ins (one lower than the one before, one overdue), the
older months' payments approved, and a few periods without hosting ahead (a holiday, another
commitment).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from families.models import (
    Child,
    FamilyStatus,
    FamilyStatusChange,
    Rate,
    RateKind,
    RateUnit,
    SupervisionContact,
    SupportFamily,
)
from families.models.availability import UnavailableReason
from families.models.child import ChildStatus
from families.models.relationship import first_of_month
from families.services.availability import record_unavailable_period
from families.services.check_ins import record_check_in
from families.services.payments import approve_month
from families.services.relationships import create_relationship
from families.services.stays import is_month_locked, log_stay

# (e-mail key, contact name, municipality, languages, pets, age range, places, wishes)
HOUSEHOLDS = (
    (
        "aalto",
        "Anna ja Mikko Aalto",
        "Helsinki",
        ["fi"],
        False,
        (5, 12),
        1,
        "Liikumme paljon luonnossa ja retkeilemme metsässä.",
    ),
    (
        "berg",
        "Sofia Berg",
        "Espoo",
        ["sv", "fi"],
        True,
        (3, 9),
        1,
        "Meillä on koira. Leivomme ja askartelemme.",
    ),
    (
        "korhonen",
        "Pekka Korhonen",
        "Vantaa",
        ["fi", "en"],
        False,
        (8, 15),
        2,
        "Pelaamme jalkapalloa ja käymme uimahallissa.",
    ),
    (
        "nieminen",
        "Laura ja Jussi Nieminen",
        "Helsinki",
        ["fi", "ru"],
        False,
        (4, 10),
        1,
        "Musiikki, kirjasto ja leipominen ovat meille tärkeitä.",
    ),
    (
        "said",
        "Amina Said",
        "Vantaa",
        ["so", "fi"],
        False,
        (6, 14),
        1,
        "Kokkaamme yhdessä ja käymme luistelemassa talvella.",
    ),
    (
        "lindqvist",
        "Erik Lindqvist",
        "Kauniainen",
        ["sv"],
        True,
        (10, 17),
        1,
        "Seilaamme kesällä ja rakennamme pienoismalleja.",
    ),
)

# (first name, last name, age in years, municipality, languages, animal allergy, wishes)
CHILDREN = (
    ("Eetu", "Esimerkki", 9, "Helsinki", ["fi"], False, "Haluaisin käydä metsäretkillä."),
    ("Minea", "Malli", 7, "Espoo", ["sv"], False, "Jag tycker om hundar och att baka."),
    ("Onni", "Oppilas", 12, "Vantaa", ["fi"], False, "Jalkapallo ja uinti."),
    ("Aada", "Asiakas", 8, "Helsinki", ["fi", "ru"], True, "Tykkään lukea ja leipoa."),
    ("Hamza", "Harjoitus", 10, "Vantaa", ["so", "fi"], False, "Luistelu ja kokkaaminen."),
    ("Ville", "Virtuaali", 6, "Vantaa", ["fi"], True, "Leikkipuistot ja piirtäminen."),
)

# (child index, household key, worker key, months ago it started, rhythm)
RELATIONSHIPS = (
    (0, "aalto", "tyontekija", 11, "Yksi viikonloppu kuukaudessa"),
    (1, "berg", "tyontekija", 7, "Yksi viikonloppu kuukaudessa"),
    (2, "korhonen", "tyontekija2", 5, "Joka toinen viikonloppu"),
)


def _months_ago(today: datetime.date, months: int) -> datetime.date:
    first = first_of_month(today)
    for _ in range(months):
        first = first_of_month(first - datetime.timedelta(days=1))
    return first


def _seed_rates(today: datetime.date) -> None:
    change = _months_ago(today, 3)
    rates = (
        (
            RateKind.FEE,
            RateUnit.PER_NIGHT,
            Decimal("40.00"),
            datetime.date(2020, 1, 1),
            change - datetime.timedelta(days=1),
            "Vanha palkkio",
        ),
        (RateKind.FEE, RateUnit.PER_NIGHT, Decimal("45.00"), change, None, "Korotettu palkkio"),
        (
            RateKind.REIMBURSEMENT,
            RateUnit.PER_NIGHT,
            Decimal("12.00"),
            datetime.date(2020, 1, 1),
            None,
            "Kulukorvaus",
        ),
        (
            RateKind.REIMBURSEMENT,
            RateUnit.PER_STAY,
            Decimal("8.00"),
            datetime.date(2020, 1, 1),
            None,
            "Matkakulut",
        ),
    )
    if Rate.objects.exists():
        return
    for kind, unit, amount, valid_from, valid_until, note in rates:
        Rate.objects.create(
            kind=kind,
            unit=unit,
            amount=amount,
            valid_from=valid_from,
            valid_until=valid_until,
            note=note,
        )


def _seed_households(coordinator) -> dict[str, SupportFamily]:
    families = {}
    for key, name, place, languages, pets, (age_min, age_max), places, wishes in HOUSEHOLDS:
        family, created = SupportFamily.objects.get_or_create(
            email=f"demo-tukiperhe-{key}@example.org",
            defaults={
                "contact_name": name,
                "phone": "040 000 0000",
                "municipality": place,
                "postal_code": "00100",
                "languages": languages,
                "has_pets": pets,
                "pets": "koira" if pets else "",
                "child_age_min": age_min,
                "child_age_max": age_max,
                "max_children": places,
                "wishes": wishes,
                "status": FamilyStatus.APPROVED,
                "commitment_acknowledged": True,
                "consent_given_at": timezone.now(),
                "criminal_record_checked_on": timezone.localdate(),
                "criminal_record_checked_by": coordinator,
            },
        )
        if created:
            FamilyStatusChange.objects.create(
                family=family,
                from_status="",
                to_status=FamilyStatus.APPROVED,
                changed_by=coordinator,
                note="Demo",
            )
        families[key] = family
    return families


def _seed_children(today: datetime.date) -> list[Child]:
    children = []
    for first, last, age, place, languages, allergy, wishes in CHILDREN:
        birth = today.replace(year=today.year - age, day=1) - datetime.timedelta(days=40)
        child, _created = Child.objects.get_or_create(
            first_name=first,
            last_name=last,
            defaults={
                "birth_date": birth,
                "municipality": place,
                "languages": languages,
                "has_animal_allergy": allergy,
                "child_wishes": wishes,
                "guardian_wishes": "Turvallinen aikuinen ja säännölliset tapaamiset.",
                "waiting_since": today - datetime.timedelta(days=60 + 10 * age),
            },
        )
        children.append(child)
    return children


def _second_weekend(month: datetime.date) -> datetime.date:
    """The Friday of the month's second weekend."""
    first_friday = month + datetime.timedelta(days=(4 - month.weekday()) % 7)
    return first_friday + datetime.timedelta(days=7)


def _seed_stays(relationship, today: datetime.date, worker) -> None:
    if relationship.stays.exists():
        return
    tz = timezone.get_current_timezone()
    month = first_of_month(relationship.start_date)
    while month <= today:
        friday = _second_weekend(month)
        starts_at = datetime.datetime.combine(friday, datetime.time(17), tzinfo=tz)
        ends_at = starts_at + datetime.timedelta(days=2)
        if friday >= relationship.start_date and ends_at.date() < today:
            log_stay(
                relationship,
                starts_at=starts_at,
                ends_at=ends_at,
                by=worker,
                notes="Mukava viikonloppu.",
            )
        month = first_of_month(month + datetime.timedelta(days=32))


# (household key, first day in days from today, length in days, reason)
PERIODS = (
    ("aalto", 20, 9, UnavailableReason.HOLIDAY),
    ("aalto", 60, 2, UnavailableReason.COMMITMENT),
    ("said", 13, 16, UnavailableReason.HOLIDAY),
)


def _seed_periods(families, today: datetime.date, coordinator) -> None:
    for key, days_ahead, length, reason in PERIODS:
        family = families.get(key)
        if family is None or family.unavailable_periods.filter(reason=reason).exists():
            continue
        start = today + datetime.timedelta(days=days_ahead)
        record_unavailable_period(
            family,
            start_date=start,
            end_date=start + datetime.timedelta(days=length - 1),
            reason=reason,
            by=coordinator,
        )


# Check-ins per relationship (its place in RELATIONSHIPS): days ago, how it goes for the child,
# the support family and the parent (3 well, 2 up and down, 1 poorly), a note. The second
# relationship's child is doing less well than last time, the third's check-in is overdue.
CHECK_INS = {
    0: ((100, 3, 3, 2, "Äidillä on ollut raskas syksy."), (44, 3, 3, 3, "Arki sujuu hyvin.")),
    1: (
        (70, 3, 3, 3, "Viikonloput sujuvat hyvin."),
        (12, 2, 3, 3, "Lapsella on ollut koulussa vaikeaa; jutellaan lisää ensi kerralla."),
    ),
    2: ((80, 3, 2, 3, "Tukiperheen aikataulut ovat tiukkoja."),),
}


def _seed_check_ins(relationship, index: int, today: datetime.date, worker) -> None:
    if relationship.check_ins.exists() or not relationship.is_open:
        return
    for days_ago, child, family, parent, note in CHECK_INS.get(index, ()):
        day = today - datetime.timedelta(days=days_ago)
        if day >= relationship.start_date:
            record_check_in(
                relationship,
                date=day,
                for_child=child,
                for_family=family,
                for_parent=parent,
                note=note,
                by=worker,
                today=today,
            )


def seed(*, today, users) -> None:
    coordinator = users["koordinaattori"]
    _seed_rates(today)
    families = _seed_households(coordinator)
    children = _seed_children(today)
    for index, (child_index, family_key, worker_key, months_ago, rhythm) in enumerate(
        RELATIONSHIPS
    ):
        child = children[child_index]
        worker = users[worker_key]
        relationship = child.support_relationships.first()
        if relationship is None:
            if child.status != ChildStatus.WAITING:
                continue
            start = _months_ago(today, months_ago) + datetime.timedelta(days=3)
            relationship = create_relationship(
                child=child,
                family=families[family_key],
                support_worker=worker,
                start_date=start,
                rhythm=rhythm,
                by=coordinator,
            )
        _seed_stays(relationship, today, worker)
        _seed_check_ins(relationship, index, today, worker)
        if not relationship.supervision_contacts.exists():
            for days_ago, mode in ((40, "face_to_face"), (10, "phone")):
                day = today - datetime.timedelta(days=days_ago)
                if day >= relationship.start_date:
                    SupervisionContact.objects.create(
                        relationship=relationship,
                        date=day,
                        mode=mode,
                        created_by=worker,
                        notes="Kuulumiset: arki sujuu hyvin.",
                    )
        # Payments of all but the last two months are approved.
        month = first_of_month(relationship.start_date)
        last_approved = _months_ago(today, 2)
        while month < last_approved:
            if not is_month_locked(relationship.family_id, month):
                approve_month(relationship.family, month, by=coordinator)
            month = first_of_month(month + datetime.timedelta(days=32))
    _seed_periods(families, today, coordinator)
