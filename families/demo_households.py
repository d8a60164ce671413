"""Fictional demo households in every status, with their history, and waiting children.

Idempotent: households are found by e-mail and children by name and birth date, so a second
run changes nothing. Every name, phone number and address is made up.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from families.models import (
    Child,
    ChildStatus,
    FamilyStatus,
    FamilyStatusChange,
    Frequency,
    Guardian,
    ReadinessCheck,
    ReadinessItem,
    Referral,
    ReferralSource,
    SupportFamily,
)
from families.services import PRETRAINING_HOURS
from families.services.readiness import (
    WATCHED_STATUSES,
    expiring_checks,
    extract_item,
    months_before,
)

S = FamilyStatus

# The road each demo household took to its present status.
_PATHS = {
    S.INTERESTED: [S.INTERESTED],
    S.APPLIED: [S.APPLIED],
    S.INFO_SESSION_ATTENDED: [S.APPLIED, S.INFO_SESSION_ATTENDED],
    S.ACCEPTED_FOR_TRAINING: [S.APPLIED, S.INFO_SESSION_ATTENDED, S.ACCEPTED_FOR_TRAINING],
    S.IN_TRAINING: [S.APPLIED, S.INFO_SESSION_ATTENDED, S.ACCEPTED_FOR_TRAINING, S.IN_TRAINING],
    S.TRAINED: [
        S.APPLIED, S.INFO_SESSION_ATTENDED, S.ACCEPTED_FOR_TRAINING, S.IN_TRAINING, S.TRAINED,
    ],
    S.APPROVED: [
        S.APPLIED, S.INFO_SESSION_ATTENDED, S.ACCEPTED_FOR_TRAINING, S.IN_TRAINING, S.TRAINED,
        S.APPROVED,
    ],
    S.ACTIVE: [
        S.APPLIED, S.INFO_SESSION_ATTENDED, S.ACCEPTED_FOR_TRAINING, S.IN_TRAINING, S.TRAINED,
        S.APPROVED, S.ACTIVE,
    ],
    S.ON_HOLD: [
        S.APPLIED, S.INFO_SESSION_ATTENDED, S.ACCEPTED_FOR_TRAINING, S.IN_TRAINING, S.TRAINED,
        S.APPROVED, S.ACTIVE, S.ON_HOLD,
    ],
    S.ENDED: [
        S.APPLIED, S.INFO_SESSION_ATTENDED, S.ACCEPTED_FOR_TRAINING, S.IN_TRAINING, S.TRAINED,
        S.APPROVED, S.ACTIVE, S.ENDED,
    ],
    S.WITHDRAWN: [S.APPLIED, S.INFO_SESSION_ATTENDED, S.WITHDRAWN],
    S.DECLINED: [
        S.APPLIED, S.INFO_SESSION_ATTENDED, S.ACCEPTED_FOR_TRAINING, S.IN_TRAINING, S.DECLINED,
    ],
}  # fmt: skip

_NOTES = {
    S.INTERESTED: "Ilmoittautui infotilaisuuteen verkkosivuilla.",
    S.APPLIED: "Hakemus verkkosivuilta.",
    S.INFO_SESSION_ATTENDED: "Osallistui infotilaisuuteen.",
    S.ACCEPTED_FOR_TRAINING: "Hakemus käsitelty: hyväksytty ennakkovalmennukseen.",
    S.IN_TRAINING: "Aloitti ennakkovalmennuksen.",
    S.TRAINED: f"Valmennus ja kotikäynti suoritettu ({PRETRAINING_HOURS} h).",
    S.APPROVED: "Hyväksytty: rikostaustaote nähty, haastattelu hyvä.",
    S.ACTIVE: "Tukisuhde alkoi.",
    S.ON_HOLD: "Perhe pitää taukoa muuton vuoksi.",
    S.ENDED: "Perhe lopetti toiminnan yhteisestä sopimuksesta.",
    S.WITHDRAWN: "Perhe perui hakemuksensa.",
    S.DECLINED: "Elämäntilanne ei juuri nyt sovi tukiperheeksi.",
}

# (surname, first name, status, municipality, languages, pets, ages, children at a time)
_HOUSEHOLDS = [
    ("Virtanen", "Anna", S.APPLIED, "Helsinki", ["fi"], "", (4, 10), 1),
    ("Korhonen", "Mikko", S.APPLIED, "Espoo", ["fi", "en"], "kissa", (6, 12), 1),
    ("Nieminen", "Laura", S.INFO_SESSION_ATTENDED, "Vantaa", ["fi"], "", (0, 6), 2),
    ("Mäkinen", "Juha", S.IN_TRAINING, "Helsinki", ["fi", "sv"], "", (7, 14), 1),
    ("Lindström", "Sofia", S.IN_TRAINING, "Espoo", ["sv", "fi"], "koira", (3, 9), 1),
    ("Hämäläinen", "Petra", S.TRAINED, "Helsinki", ["fi"], "", (5, 12), 2),
    ("Laine", "Tuomas", S.APPROVED, "Vantaa", ["fi", "en"], "", (8, 15), 1),
    ("Ahmed", "Hodan", S.APPROVED, "Helsinki", ["so", "fi"], "", (2, 10), 2),
    ("Heikkinen", "Sari", S.ACTIVE, "Helsinki", ["fi"], "kaksi kissaa", (4, 11), 2),
    ("Koskinen", "Ville", S.ACTIVE, "Espoo", ["fi", "ru"], "", (6, 13), 1),
    ("Järvinen", "Outi", S.ON_HOLD, "Kauniainen", ["fi"], "", (3, 8), 1),
    ("Lehtonen", "Pekka", S.ENDED, "Helsinki", ["fi"], "", (10, 17), 1),
    ("Saarinen", "Elina", S.WITHDRAWN, "Vantaa", ["fi"], "", (0, 5), 1),
    ("Salminen", "Antti", S.DECLINED, "Espoo", ["fi"], "", (5, 10), 1),
    ("Rantanen", "Kaisa", S.INTERESTED, "Helsinki", ["fi"], "", (4, 12), 1),
    ("Forsman", "Eva", S.ACCEPTED_FOR_TRAINING, "Espoo", ["sv", "fi"], "", (6, 12), 1),
]

# (first name, surname, age in years, municipality, languages, animal allergy, days waiting,
#  referral source, enjoys, needs)
_CHILDREN = [
    ("Eetu", "Demo", 7, "Helsinki", ["fi"], False, 40, ReferralSource.CHILD_WELFARE,
     "jalkapallo, legot", "rauhallinen aikuinen, selkeät rutiinit"),
    ("Iida", "Demo", 5, "Espoo", ["fi", "sv"], True, 120, ReferralSource.PREVENTIVE,
     "piirtäminen, ulkoilu", "aikaa aikuisen kanssa kahden kesken"),
    ("Amir", "Demo", 10, "Vantaa", ["fi", "ar"], False, 210, ReferralSource.CHILD_WELFARE,
     "uinti, pelit", "kannustava aikuinen, tukea koulunkäyntiin"),
    ("Hodan", "Demo", 9, "Helsinki", ["so", "fi"], False, 15, ReferralSource.FAMILY,
     "leipominen, eläimet", "turvallinen arki, kaverisuhteet"),
    ("Onni", "Demo", 12, "Helsinki", ["fi"], True, 400, ReferralSource.CHILD_WELFARE,
     "pyöräily, musiikki", "miesaikuisen malli, liikkumista"),
    ("Venla", "Demo", 3, "Espoo", ["fi"], False, 75, ReferralSource.PREVENTIVE,
     "laulaminen, leikkipuisto", "pieni lapsi, tarvitsee päiväunet"),
]  # fmt: skip


_GENITIVE = {"Helsinki": "Helsingin", "Espoo": "Espoon", "Vantaa": "Vantaan"}


def seed(*, today, users) -> None:
    coordinator = users.get("koordinaattori")
    with transaction.atomic():
        for index, spec in enumerate(_HOUSEHOLDS, start=1):
            _seed_household(index, spec, today=today, coordinator=coordinator)
        for index, spec in enumerate(_CHILDREN, start=1):
            _seed_child(index, spec, today=today)


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _seed_household(index, spec, *, today, coordinator) -> None:
    surname, first, status, municipality, languages, pets, ages, max_children = spec
    email = f"{surname.lower().replace('ä', 'a').replace('ö', 'o')}.demo@example.org"
    if SupportFamily.objects.filter(email=email).exists():
        return
    path = _PATHS[status]
    # Three weeks between steps, the last one days or weeks ago.
    last = 2 + 4 * index
    days = [
        today - datetime.timedelta(days=last + 21 * (len(path) - 1 - i)) for i in range(len(path))
    ]
    approved = S.APPROVED in path
    family = SupportFamily.objects.create(
        contact_name=f"{first} {surname} (demo)",
        email=email,
        phone=f"040 000 0{index:03d}",
        second_adult_name=f"Toinen {surname} (demo)" if index % 3 == 0 else "",
        contact_language="sv" if languages[0] == "sv" else "fi",
        street_address=f"Esimerkkikatu {index}",
        postal_code=f"00{510 + index:03d}",
        municipality=municipality,
        household_members="Kaksi aikuista ja koululainen" if index % 2 else "Yksi aikuinen",
        languages=languages,
        has_pets=bool(pets),
        pets=pets,
        child_age_min=ages[0],
        child_age_max=ages[1],
        max_children=max_children,
        frequency=Frequency.ONE_WEEKEND_A_MONTH if index % 4 else Frequency.FLEXIBLE,
        wishes="Toivomme lasta, joka tykkää ulkoilusta." if index % 2 else "",
        commitment_acknowledged=True,
        consent_given_at=_at(days[0]),
        application_submitted_at=None if status == S.INTERESTED else _at(days[0]),
        criminal_record_checked_on=days[path.index(S.APPROVED)] if approved else None,
        criminal_record_checked_by=coordinator if approved else None,
        status=status,
    )
    previous = ""
    for step, day in zip(path, days, strict=True):
        change = FamilyStatusChange.objects.create(
            family=family,
            from_status=previous,
            to_status=step,
            changed_by=None if step in (S.INTERESTED, S.APPLIED) else coordinator,
            note=_NOTES[step],
        )
        # changed_at is set on creation; demo history is backdated afterwards.
        FamilyStatusChange.objects.filter(pk=change.pk).update(changed_at=_at(day))
        previous = step
    SupportFamily.objects.filter(pk=family.pk).update(
        status_changed_at=_at(days[-1]), created_at=_at(days[0])
    )
    if approved and coordinator is not None:
        # The extract seen on the day of the approval: the household is matchable; every other
        # approved household also took the (optional) first-aid course.
        checks = [(extract_item(), days[path.index(S.APPROVED)])]
        if index % 2:
            checks.append((_first_aid_item(), days[0]))
        for item, day in checks:
            ReadinessCheck.objects.create(
                family=family, item=item, checked_on=day, checked_by=coordinator
            )


def seed_readiness(*, today, users) -> None:
    """Every demo household that can take a child (or rests) has its extract seen, so the demo's
    suggestions have households; one first-aid course runs out in 40 days (the dashboard)."""
    coordinator = users.get("koordinaattori")
    if coordinator is None:
        return
    extract = extract_item()
    watched = SupportFamily.objects.filter(status__in=WATCHED_STATUSES).order_by("pk")
    for family in watched.exclude(readiness_checks__item=extract):
        day = family.criminal_record_checked_on or timezone.localtime(family.created_at).date()
        ReadinessCheck.objects.create(
            family=family, item=extract, checked_on=day, checked_by=coordinator
        )
        SupportFamily.objects.filter(pk=family.pk).update(
            criminal_record_checked_on=day, criminal_record_checked_by=coordinator
        )
    first_aid = _first_aid_item()
    family = watched.exclude(readiness_checks__item=first_aid).first()
    if family is not None and not expiring_checks(today).filter(item=first_aid).exists():
        ReadinessCheck.objects.create(
            family=family,
            item=first_aid,
            checked_on=months_before(today + datetime.timedelta(days=40), 36),
            checked_by=coordinator,
        )


def _first_aid_item() -> ReadinessItem:
    """A fictional item the programme added: optional, valid three years."""
    item, _created = ReadinessItem.objects.get_or_create(
        name="Ensiapukurssi (demo)", defaults={"required": False, "validity_months": 36}
    )
    return item


def _seed_child(index, spec, *, today) -> None:
    first, surname, age, municipality, languages, allergy, waited, source, enjoys, needs = spec
    birth_date = today.replace(year=today.year - age, day=min(today.day, 28)) - datetime.timedelta(
        days=30 * index
    )
    waiting_since = today - datetime.timedelta(days=waited)
    child, created = Child.objects.get_or_create(
        first_name=first,
        last_name=f"{surname} {index}",
        defaults={
            "birth_date": birth_date,
            "municipality": municipality,
            "languages": languages,
            "has_animal_allergy": allergy,
            "allergies": "kissa, koira" if allergy else "",
            "enjoys": enjoys,
            "needs": needs,
            "child_wishes": "Haluaisin käydä perheessä, jossa on lapsia." if index % 2 else "",
            "guardian_wishes": "Toivomme perhettä läheltä kotia.",
            "status": ChildStatus.WAITING,
            "waiting_since": waiting_since,
        },
    )
    if not created:
        return
    Guardian.objects.create(
        child=child,
        name=f"Huoltaja {surname} {index} (demo)",
        relation="äiti" if index % 2 else "isä",
        phone=f"040 000 0{500 + index:03d}",
        email=f"huoltaja{index}.demo@example.org",
    )
    if source == ReferralSource.FAMILY:
        worker, organisation = "", ""
    else:
        service = "lastensuojelu" if source == ReferralSource.CHILD_WELFARE else "perhepalvelut"
        worker = f"Sosiaalityöntekijä {index} (demo)"
        organisation = f"{_GENITIVE.get(municipality, municipality)} {service}"
    Referral.objects.create(
        child=child,
        source=source,
        referring_worker=worker,
        organisation=organisation,
        referred_on=waiting_since,
        guardians_consent=True,
    )
