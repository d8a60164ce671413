"""Retention and data-subject requests for households, children and relationships.

Anonymising keeps every row (statistics count relationships, stays, nights, fees, children's
birth years and municipalities) and replaces the personal values: names become "anonymised",
contact details, addresses and free texts become empty. Updates go through `QuerySet.update()`
so the audit trail does not record the old values once more; `kalliola.audit.forget` then blanks
the values the trail already holds. Every function can run again: on a record anonymised already
(`anonymised_at`) it blanks only what was written to it since, and counts only what changed.
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext

from families.models import (
    OPEN_RELATIONSHIP_STATUSES,
    CheckIn,
    Child,
    ChildStatus,
    DuplicateStatus,
    DuplicateSubmission,
    FamilyStatus,
    FamilyStatusChange,
    Guardian,
    PaymentMonthReopening,
    ReadinessCheck,
    Referral,
    RelationshipStatus,
    RelationshipStatusChange,
    Stay,
    SupervisionContact,
    SupportFamily,
    SupportRelationship,
    UnavailablePeriod,
)
from kalliola.audit import ANONYMISED, AUDITED_MODELS, blank, forget, forget_mentions
from kalliola.dsr import ErasureRefused, audit_trail, record

# Households that never got further than applying (or left or were declined on the way).
UNUSED_APPLICATION_STATUSES = (FamilyStatus.APPLIED, FamilyStatus.WITHDRAWN, FamilyStatus.DECLINED)


@dataclass(frozen=True)
class HouseholdRecords:
    """A household's records that an app above this one keeps (trainings: sign-ups, enrolments,
    home visits). That app registers them with `keep_household_records` in its `ready()`: it
    imports families, families never imports it; erasure, retention and export then cover them.
    """

    export: Callable[[SupportFamily], dict]
    # anonymise(household_id, first_time=...): blank the records' personal values; the first
    # time count every record, later only those that changed (written past the guard).
    anonymise: Callable[..., Counter]
    # Querysets of household ids with activity after the given moment (an application still
    # in use is not due for retention).
    active_since: Callable[[datetime.datetime], Iterable]


_HOUSEHOLD_RECORDS: dict[str, HouseholdRecords] = {}


def keep_household_records(app_label: str, records: HouseholdRecords) -> None:
    _HOUSEHOLD_RECORDS[app_label] = records


# Anonymising single records.


def anonymise_child(child_id: int, now: datetime.datetime) -> Counter:
    """The child, their guardians and referrals; keeps the birth year and the municipality."""
    counts = Counter()
    child = Child.objects.select_for_update().filter(pk=child_id).first()
    if child is None:
        return counts
    first_time = child.anonymised_at is None
    changed = blank(
        Child.objects.filter(pk=child.pk),
        {
            "first_name": ANONYMISED,
            "last_name": ANONYMISED,
            "birth_date": child.birth_date.replace(month=1, day=1),
            "enjoys": "",
            "needs": "",
            "has_animal_allergy": False,
            "allergies": "",
            "practical_needs": "",
            "child_wishes": "",
            "guardian_wishes": "",
        },
    )
    if first_time:
        Child.objects.filter(pk=child.pk).update(anonymised_at=now, updated_at=now)
    for guardian_id in Guardian.objects.filter(child=child).values_list("pk", flat=True):
        counts += anonymise_guardian(guardian_id)
    found = blank(Referral.objects.filter(child=child), {"referring_worker": "", "notes": ""})
    if found:
        counts["referrals"] += found
    if first_time or changed:
        counts["children"] += 1
    # Other records' trail entries that name the child ("child – household", ...).
    forget_mentions([str(child)])
    return counts


def anonymise_guardian(guardian_id: int) -> Counter:
    """A guardian's name and contact details, here and wherever the trail quotes them."""
    counts = Counter()
    guardian = (
        Guardian.objects.select_for_update().filter(pk=guardian_id).exclude(name=ANONYMISED).first()
    )
    if guardian is None:
        return counts
    Guardian.objects.filter(pk=guardian.pk).update(name=ANONYMISED, phone="", email="")
    forget(Guardian, [guardian.pk])
    forget_mentions([guardian.name, guardian.phone, guardian.email])
    counts["guardians"] += 1
    return counts


def anonymise_relationship(relationship_id: int, now: datetime.datetime) -> Counter:
    """An ended relationship's texts, its stays', contacts' and check-ins' notes; then the
    child, if the child has no other relationship that still keeps its data. On a relationship
    anonymised already, blanks again what was written to it since (past the services' guard)."""
    counts = Counter()
    relationship = (
        SupportRelationship.objects.select_for_update()
        .filter(pk=relationship_id)
        .filter(Q(anonymised_at__isnull=False) | ~Q(status__in=OPEN_RELATIONSHIP_STATUSES))
        .first()
    )
    if relationship is None:
        return counts
    first_time = relationship.anonymised_at is None
    changed = blank(
        SupportRelationship.objects.filter(pk=relationship.pk), {"end_reason": "", "rhythm": ""}
    )
    if first_time:
        SupportRelationship.objects.filter(pk=relationship.pk).update(
            anonymised_at=now, updated_at=now
        )
    changed += blank(
        RelationshipStatusChange.objects.filter(relationship=relationship), {"note": ""}
    )
    if first_time or changed:
        counts["relationships"] += 1
    stays = Stay.objects.filter(relationship=relationship)
    found = stays.count() if first_time else 0
    found = max(found, blank(stays, {"notes": ""}))
    if found:
        counts["stays"] += found
    contacts = SupervisionContact.objects.filter(relationship=relationship)
    found = contacts.count() if first_time else 0
    found = max(found, blank(contacts, {"notes": ""}))
    if found:
        counts["supervision_contacts"] += found
    # Check-ins keep their day and scales (the statistics of how relationships go); the note goes.
    check_ins = CheckIn.objects.filter(relationship=relationship)
    found = check_ins.count() if first_time else 0
    found = max(found, blank(check_ins, {"note": ""}))
    if found:
        counts["check_ins"] += found
    still_kept = SupportRelationship.objects.filter(
        child_id=relationship.child_id, anonymised_at__isnull=True
    )
    if not still_kept.exists():
        counts += anonymise_child(relationship.child_id, now)
    return counts


def anonymise_family(family_id: int, now: datetime.datetime) -> Counter:
    """A household's contact details, address and texts; keeps status, municipality, offer."""
    counts = Counter()
    family = SupportFamily.objects.select_for_update().filter(pk=family_id).first()
    if family is None:
        return counts
    first_time = family.anonymised_at is None
    quoted = [
        family.contact_name,
        family.email,
        family.phone,
        family.second_adult_name,
        family.second_adult_email,
        family.second_adult_phone,
        family.street_address,
    ]
    changed = blank(
        SupportFamily.objects.filter(pk=family.pk),
        {
            "contact_name": ANONYMISED,
            # The e-mail is unique and required: a unique address that cannot receive mail.
            "email": f"anonymised-{family.pk}@anonymised.invalid",
            "phone": "",
            "second_adult_name": "",
            "second_adult_email": "",
            "second_adult_phone": "",
            "street_address": "",
            "postal_code": "",
            "household_members": "",
            "pets": "",
            "home_accessibility": "",
            "wishes": "",
        },
    )
    changed += blank(FamilyStatusChange.objects.filter(family=family), {"note": ""})
    # A reopening's reason is free text a coordinator wrote about the household's month.
    changed += blank(PaymentMonthReopening.objects.filter(family=family), {"reason": ANONYMISED})
    # What public forms sent with the household's address, kept apart: gone with it, and so is
    # whatever was kept apart for it since (past the services' guard).
    submissions = DuplicateSubmission.objects.filter(family=family)
    changed += submissions.filter(status=DuplicateStatus.PENDING).update(
        status=DuplicateStatus.DISMISSED, handled_at=now
    )
    changed += blank(submissions, {"data": {}})
    # The apps above keep the household's sign-ups, places and home visits; each blanks its own
    # and counts what changed (all of them the first time).
    for records in _HOUSEHOLD_RECORDS.values():
        counts += records.anonymise(family.pk, first_time=first_time)
    # The periods' dates and reason words stay (they say nothing of a person); their notes go.
    changed += blank(UnavailablePeriod.objects.filter(family=family), {"note": ""})
    if not first_time:
        if changed:
            counts["families"] += 1
            forget_mentions(quoted)
        return counts
    SupportFamily.objects.filter(pk=family.pk).update(anonymised_at=now, updated_at=now)
    counts["families"] += 1
    # The readiness checks hold only days and the staff who checked: kept, as the household's
    # extract date is; the trail's copies that name the household go.
    forget(
        ReadinessCheck, ReadinessCheck.objects.filter(family=family).values_list("pk", flat=True)
    )
    # Other records' trail entries that name the household (relationships, payment months).
    forget_mentions(quoted)
    return counts


# Retention: what is due.


def relationships_due(ended_on_or_before: datetime.date):
    return SupportRelationship.objects.filter(
        status=RelationshipStatus.ENDED,
        end_date__lte=ended_on_or_before,
        anonymised_at__isnull=True,
    )


def unmatched_children_due(unchanged_since: datetime.datetime):
    """Children whose referral ended without a relationship, untouched for the period."""
    return Child.objects.filter(
        status=ChildStatus.ENDED,
        support_relationships__isnull=True,
        updated_at__lte=unchanged_since,
        anonymised_at__isnull=True,
    )


def applications_due(inactive_since: datetime.datetime):
    """Households still applied, withdrawn or declined, with no activity for the period."""
    due = SupportFamily.objects.filter(
        status__in=UNUSED_APPLICATION_STATUSES,
        anonymised_at__isnull=True,
        created_at__lte=inactive_since,
        updated_at__lte=inactive_since,
        status_changed_at__lte=inactive_since,
    )
    # A readiness item checked in the period is activity too.
    due = due.exclude(
        pk__in=ReadinessCheck.objects.filter(created_at__gt=inactive_since).values("family_id")
    )
    for records in _HOUSEHOLD_RECORDS.values():
        for recently_active in records.active_since(inactive_since):
            due = due.exclude(pk__in=recently_active)
    return due


def ended_families_due(ended_before: datetime.datetime):
    """Households that ended, untouched for the period, whose relationships are anonymised."""
    return (
        SupportFamily.objects.filter(
            status=FamilyStatus.ENDED,
            anonymised_at__isnull=True,
            status_changed_at__lte=ended_before,
            updated_at__lte=ended_before,
        )
        .annotate(
            last_kept=Max(
                "support_relationships__pk",
                filter=Q(support_relationships__anonymised_at__isnull=True),
            )
        )
        .filter(last_kept__isnull=True)
    )


def apply_relationship_retention(*, today: datetime.date, days: int, now) -> Counter:
    counts = Counter()
    cutoff_day = today - datetime.timedelta(days=days)
    cutoff = now - datetime.timedelta(days=days)
    for pk in relationships_due(cutoff_day).values_list("pk", flat=True):
        counts += anonymise_relationship(pk, now)
    for pk in unmatched_children_due(cutoff).values_list("pk", flat=True):
        counts += anonymise_child(pk, now)
    for pk in ended_families_due(cutoff).values_list("pk", flat=True):
        counts += anonymise_family(pk, now)
    # What was written to an anonymised record since (past the services' guard) goes too.
    for model, anonymise in (
        (SupportRelationship, anonymise_relationship),
        (Child, anonymise_child),
        (SupportFamily, anonymise_family),
    ):
        for pk in model.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True):
            counts += anonymise(pk, now)
    return counts


def apply_application_retention(*, days: int, now) -> Counter:
    counts = Counter()
    cutoff = now - datetime.timedelta(days=days)
    for pk in applications_due(cutoff).values_list("pk", flat=True):
        found = anonymise_family(pk, now)
        found["applications"] = found.pop("families", 0)
        counts += found
    return counts


# Data-subject requests.


def export_family(family: SupportFamily) -> dict:
    """Everything stored about a household's adults, across the apps."""
    elsewhere = {}
    for records in _HOUSEHOLD_RECORDS.values():
        elsewhere.update(records.export(family))
    relationships = family.support_relationships.select_related("support_worker")
    return {
        "household": record(family),
        "status_changes": [record(change) for change in family.status_changes.all()],
        "readiness_checks": [
            record(check, exclude=("family", "expiry_notice_sent_at"))
            for check in family.readiness_checks.select_related("item")
        ],
        **elsewhere,
        # The children are other people: a relationship names its dates, not the child's data.
        "support_relationships": [
            {
                **record(relationship, exclude=("child", "end_reason")),
                # Stays' notes describe the child: their dates and amounts only.
                "stays": [
                    record(stay, exclude=("relationship", "notes"))
                    for stay in relationship.stays.all()
                ],
                # How it goes for the household itself; the child's and the parent's answers
                # and the note are about other people.
                "check_ins": [
                    record(
                        check_in,
                        exclude=("relationship", "for_child", "for_parent", "note"),
                    )
                    for check_in in relationship.check_ins.all()
                ],
            }
            for relationship in relationships
        ],
        "payment_months": [record(month) for month in family.payment_months.all()],
        "payment_reopenings": [record(r) for r in family.payment_reopenings.all()],
        "unavailable_periods": [
            record(period, exclude=("family",)) for period in family.unavailable_periods.all()
        ],
        "audit_trail": audit_trail(family),
    }


def family_records(family: SupportFamily) -> list:
    """The records holding a household's data, for its access log (kalliola.audit.person_log)."""
    records = [family]
    # Every audited record pointing at the household: relationships here, and the sign-ups,
    # enrolments and home visits of the trainings app (found through the relation, no import).
    for relation in family._meta.related_objects:
        if relation.one_to_many and relation.related_model._meta.label in AUDITED_MODELS:
            records += list(relation.related_model.objects.filter(**{relation.field.name: family}))
    for relationship in family.support_relationships.all():
        records += list(relationship.stays.all())
        records += list(relationship.check_ins.all())
    return records


def child_records(child: Child) -> list:
    """The records holding a child's (and the guardians') data, for the access log."""
    records = [child, *child.guardians.all(), *child.referrals.all()]
    for relationship in child.support_relationships.all():
        records.append(relationship)
        records += list(relationship.stays.all())
        records += list(relationship.supervision_contacts.all())
        records += list(relationship.check_ins.all())
    return records


def export_child(child: Child) -> dict:
    """A child and the guardians: what the guardians may ask to see on the child's behalf."""
    return {
        "child": record(child),
        "guardians": [record(guardian) for guardian in child.guardians.all()],
        "referrals": [record(referral) for referral in child.referrals.all()],
        # The support family is another data subject: named, but not its contact details.
        "support_relationships": [
            {
                **record(relationship),
                "stays": [record(stay) for stay in relationship.stays.all()],
                "supervision_contacts": [
                    record(contact) for contact in relationship.supervision_contacts.all()
                ],
                "check_ins": [record(check_in) for check_in in relationship.check_ins.all()],
                "status_changes": [record(change) for change in relationship.status_changes.all()],
            }
            for relationship in child.support_relationships.select_related(
                "family", "support_worker"
            )
        ],
        "audit_trail": audit_trail(child),
    }


def erase_child(child: Child, now: datetime.datetime) -> Counter:
    """Anonymise a child, guardians and all the child's ended relationships; refused while a
    relationship is open (the support worker and the family need the data)."""
    with transaction.atomic():
        locked = Child.objects.select_for_update().get(pk=child.pk)
        if locked.support_relationships.filter(status__in=OPEN_RELATIONSHIP_STATUSES).exists():
            raise ErasureRefused(
                gettext(
                    "The child has an open support relationship. End it first; until then "
                    "the data is needed."
                )
            )
        counts = Counter()
        for pk in locked.support_relationships.values_list("pk", flat=True):
            counts += anonymise_relationship(pk, now)
        counts += anonymise_child(locked.pk, now)
        return counts


def export_guardian(guardian: Guardian) -> dict:
    """A guardian's own details and the child's name (not the child's data: another person)."""
    return {
        "guardian": record(guardian),
        "audit_trail": audit_trail(guardian),
    }


def erase_guardian(guardian: Guardian, now: datetime.datetime) -> Counter:
    """Anonymise one guardian, leaving the child and the other guardians; refused while the
    child has an open relationship (the support worker and the family need the contact)."""
    with transaction.atomic():
        locked = Guardian.objects.select_for_update().get(pk=guardian.pk)
        if SupportRelationship.objects.filter(
            child_id=locked.child_id, status__in=OPEN_RELATIONSHIP_STATUSES
        ).exists():
            raise ErasureRefused(
                gettext(
                    "The child has an open support relationship. End it first; until then "
                    "the data is needed."
                )
            )
        return anonymise_guardian(locked.pk)


def erase_family(family: SupportFamily, now: datetime.datetime) -> Counter:
    """Anonymise a household; refused while it has an open relationship or is in the
    programme (approved, active or on hold)."""
    in_programme = (FamilyStatus.APPROVED, FamilyStatus.ACTIVE, FamilyStatus.ON_HOLD)
    with transaction.atomic():
        locked = SupportFamily.objects.select_for_update().get(pk=family.pk)
        if locked.support_relationships.filter(status__in=OPEN_RELATIONSHIP_STATUSES).exists():
            raise ErasureRefused(
                gettext(
                    "The household has an open support relationship. End it first; until then "
                    "the data is needed."
                )
            )
        if locked.status in in_programme:
            raise ErasureRefused(
                gettext(
                    "The household is still in the programme. End it, or mark it withdrawn, first."
                )
            )
        return anonymise_family(locked.pk, now)
