"""Fictional demo data for this app (called by `manage.py seed_demo`; must be idempotent)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from families.models import FamilyStatus, SubmissionSource
from families.services import find_or_create_applicant
from trainings.models import (
    Attendance,
    Enrollment,
    EnrollmentStatus,
    Event,
    EventKind,
    GroupStatus,
    HomeVisit,
    InfoSession,
    Registration,
    TrainingGroup,
    TrainingSession,
)
from trainings.services import _advance

LINK = "https://teams.example.org/l/meetup-join/demo"

APPLICANTS = (
    ("Aino ja Mikko Lehtonen", "demo.lehtonen@example.org", "040 111 2233", "Helsinki", "fi"),
    ("Sanna Virtanen", "demo.virtanen@example.org", "050 222 3344", "Espoo", "fi"),
    ("Johan Lindqvist", "demo.lindqvist@example.org", "045 333 4455", "Vantaa", "sv"),
    ("Laura ja Pekka Niemi", "demo.niemi@example.org", "044 444 5566", "Helsinki", "fi"),
)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _info_session(day, *, capacity=20, language="fi") -> InfoSession:
    session, _created = InfoSession.objects.get_or_create(
        starts_at=_at(day, 17),
        defaults={
            "ends_at": _at(day, 18),
            "online_link": LINK,
            "capacity": capacity,
            "language": language,
        },
    )
    return session


def _group(name, first_day, *, status=GroupStatus.PUBLISHED, capacity=8) -> TrainingGroup:
    group, created = TrainingGroup.objects.get_or_create(
        name=name, defaults={"status": status, "capacity": capacity}
    )
    if created:
        for week in range(3):
            day = first_day + datetime.timedelta(weeks=week)
            TrainingSession.objects.create(
                group=group, starts_at=_at(day, 17), ends_at=_at(day, 20), online_link=LINK
            )
    return group


def _wednesday_after(day: datetime.date, weeks: int) -> datetime.date:
    day = day + datetime.timedelta(weeks=weeks)
    return day + datetime.timedelta(days=(2 - day.weekday()) % 7)


def seed(*, today, users) -> None:
    past_info = _info_session(today - datetime.timedelta(days=12))
    next_info = _info_session(today + datetime.timedelta(days=6))
    _info_session(today + datetime.timedelta(days=20))
    _info_session(today + datetime.timedelta(days=34), capacity=12, language="sv")

    running = _group("Käynnissä oleva valmennusryhmä", _wednesday_after(today, -1))
    upcoming = _group("Seuraava valmennusryhmä", _wednesday_after(today, 2), capacity=3)
    _group("Kevään valmennusryhmä", _wednesday_after(today, 8))
    _group("Luonnos: kesän valmennusryhmä", _wednesday_after(today, 20), status=GroupStatus.DRAFT)

    # The first three signed up for a group (applications), the last for an info session only.
    families = [
        find_or_create_applicant(
            name=name,
            email=email,
            phone=phone,
            municipality=municipality,
            language=language,
            source=SubmissionSource.TRAINING_GROUP if n < 3 else SubmissionSource.INFO_SESSION,
        )[0]
        for n, (name, email, phone, municipality, language) in enumerate(APPLICANTS)
    ]
    for family in families:
        Registration.objects.get_or_create(session=past_info, family=family)
    Registration.objects.get_or_create(session=next_info, family=families[3])
    for family in families[:2]:
        Enrollment.objects.get_or_create(
            group=running, family=family, defaults={"status": EnrollmentStatus.ENROLLED}
        )
    Enrollment.objects.get_or_create(
        group=upcoming, family=families[2], defaults={"status": EnrollmentStatus.ENROLLED}
    )
    coordinator = users.get("koordinaattori")
    for family in (*families[:3],):  # the coordinator reviewed them with their places
        _advance(family, FamilyStatus.ACCEPTED_FOR_TRAINING, by=coordinator, note="Demo")
        _advance(family, FamilyStatus.IN_TRAINING, by=coordinator, note="Demo")
    first = running.sessions.order_by("starts_at").first()
    for family in families[:2]:
        enrollment = Enrollment.objects.get(group=running, family=family)
        Attendance.objects.get_or_create(
            enrollment=enrollment, session=first, defaults={"hours": first.hours}
        )
    HomeVisit.objects.get_or_create(
        family=families[0],
        defaults={
            "visited_on": today - datetime.timedelta(days=3),
            "worker": coordinator,
            "hours": Decimal("1.5"),
            "notes": "Kotikäynti tehty, perhe valmis jatkamaan.",
        },
    )
    Event.objects.get_or_create(
        title="Tukiperheiden kevätvirkistys",
        defaults={
            "kind": EventKind.RECREATION,
            "starts_at": _at(today + datetime.timedelta(days=40), 12),
            "ends_at": _at(today + datetime.timedelta(days=40), 16),
            "location": "Kalliolan setlementti, Helsinki",
            "description": "Yhteinen iltapäivä ulkoillen ja syöden, lapset mukaan.",
        },
    )
    Event.objects.get_or_create(
        title="Tukiperheiden vertaistapaaminen",
        defaults={
            "kind": EventKind.PEER,
            "starts_at": _at(today + datetime.timedelta(days=25), 18),
            "ends_at": _at(today + datetime.timedelta(days=25), 20),
            "location": "Etänä (Teams)",
        },
    )
