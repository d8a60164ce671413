"""Retention and data-subject requests: a household's records in the trainings app.

Sign-ups, enrollments, attendance and event invitations hold no personal values of their own
(they point to the household, which `families.retention` anonymises); home-visit notes do.
`HOUSEHOLD_RECORDS` hands these functions to `families.retention`, which calls them whenever a
household is anonymised, exported or checked for retention (registered in `TrainingsConfig.ready`).
"""

import datetime
from collections import Counter

from django.db.models import Q

from families.retention import HouseholdRecords
from kalliola.audit import blank, forget
from kalliola.dsr import record
from trainings.models import Enrollment, EventInvitation, HomeVisit, Registration


def anonymise_family_records(family_id: int, *, first_time: bool = True) -> Counter:
    """Blank home-visit notes and the trail's copies of the household's name. Run again on an
    anonymised household, it blanks the notes written since (past the services' guard) and
    counts only those."""
    counts = Counter()
    visits = HomeVisit.objects.filter(family_id=family_id)
    found = blank(visits, {"notes": ""})
    found = max(found, visits.count() if first_time else 0)
    if found:
        counts["home_visits"] += found
    registrations = Registration.objects.filter(family_id=family_id).values_list("pk", flat=True)
    forget(Registration, registrations)
    if first_time and registrations:
        counts["registrations"] += len(registrations)
    forget(Enrollment, Enrollment.objects.filter(family_id=family_id).values_list("pk", flat=True))
    forget(
        EventInvitation,
        EventInvitation.objects.filter(family_id=family_id).values_list("pk", flat=True),
    )
    return counts


def families_active_since(since: datetime.datetime):
    """Ids of households that signed up or moved in a training group after `since`."""
    registrations = Registration.objects.filter(created_at__gt=since).values("family_id")
    enrollments = Enrollment.objects.filter(
        Q(joined_at__gt=since) | Q(status_changed_at__gt=since)
    ).values("family_id")
    return registrations, enrollments


def export_family_records(family) -> dict:
    return {
        "info_session_registrations": [
            record(item) for item in Registration.objects.filter(family=family)
        ],
        "training_enrollments": [
            {**record(item), "attendance": [record(a) for a in item.attendances.all()]}
            for item in Enrollment.objects.filter(family=family)
        ],
        "home_visits": [record(item) for item in HomeVisit.objects.filter(family=family)],
        "event_invitations": [
            record(item) for item in EventInvitation.objects.filter(family=family)
        ],
    }


HOUSEHOLD_RECORDS = HouseholdRecords(
    export=export_family_records,
    anonymise=anonymise_family_records,
    active_since=families_active_since,
)
