"""Support relationships: creating one from a suggestion, pausing, resuming and ending it."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from families import emails
from families.models import (
    CAN_TAKE_A_CHILD,
    OPEN_RELATIONSHIP_STATUSES,
    Child,
    EndCause,
    EndInitiator,
    FamilyStatus,
    RelationshipStatus,
    RelationshipStatusChange,
    SupportFamily,
    SupportRelationship,
    SystemNote,
)
from families.models.child import ChildStatus
from families.models.relationship import review_date_for
from families.services.households import change_status
from kalliola.mail import send_after_commit
from kalliola.roles import is_support_worker
from kalliola.services.anonymised import RecordAnonymised, refuse_anonymised
from kalliola.validators import ENDS, implausible_date_error


class RelationshipError(Exception):
    """A relationship operation the rules do not allow; the message is shown to the user."""


class PersonAnonymised(RelationshipError, RecordAnonymised):
    """The relationship, its child or its household was erased: nothing more is written."""


def create_relationship(
    *,
    child: Child,
    family: SupportFamily,
    support_worker,
    start_date: datetime.date,
    rhythm: str = "",
    by=None,
) -> SupportRelationship:
    """Start a support relationship between a waiting child and a household.

    Rules: the child is waiting and has no open relationship; the household is approved or
    active and has a free place; the worker is in the Support workers group. The child moves to
    *matched* and the household to *active* in the same transaction. The child's row and then the
    household's row are locked, so two coordinators acting at once create only one relationship
    for a child and never fill a place twice. The support family and the support worker are
    told by e-mail once it commits (first names, the date and a link: nothing about the child).
    """
    if not is_support_worker(support_worker):
        raise RelationshipError(_("The chosen person is not a support worker."))
    try:
        with transaction.atomic():
            locked_child = Child.objects.select_for_update().get(pk=child.pk)
            locked_family = SupportFamily.objects.select_for_update().get(pk=family.pk)
            refuse_anonymised(locked_child, locked_family, error=PersonAnonymised)
            if (
                locked_child.status != ChildStatus.WAITING
                or locked_child.support_relationships.filter(
                    status__in=OPEN_RELATIONSHIP_STATUSES
                ).exists()
            ):
                raise RelationshipError(_("The child already has a support family."))
            if locked_family.status not in CAN_TAKE_A_CHILD:
                raise RelationshipError(
                    _("The household is not approved for support relationships.")
                )
            taken = locked_family.support_relationships.filter(
                status__in=OPEN_RELATIONSHIP_STATUSES
            ).count()
            if taken >= locked_family.max_children:
                raise RelationshipError(_("The household has no free place."))
            relationship = SupportRelationship.objects.create(
                child=locked_child,
                family=locked_family,
                support_worker=support_worker,
                start_date=start_date,
                review_date=review_date_for(start_date),
                rhythm=rhythm.strip(),
                created_by=by,
            )
            RelationshipStatusChange.objects.create(
                relationship=relationship,
                from_status="",
                to_status=RelationshipStatus.ACTIVE,
                changed_by=by,
            )
            locked_child.status = ChildStatus.MATCHED
            locked_child.save(update_fields=["status", "updated_at"])
            if locked_family.status != FamilyStatus.ACTIVE:
                change_status(
                    locked_family,
                    FamilyStatus.ACTIVE,
                    by=by,
                    note_code=SystemNote.RELATIONSHIP_STARTED,
                )
            send_after_commit(emails.send_relationship_started_to_family, relationship.pk)
            send_after_commit(emails.send_relationship_started_to_worker, relationship.pk)
    except IntegrityError as exc:
        # The partial unique index caught a race the locks did not (e.g. a child row changed
        # outside this service).
        raise RelationshipError(_("The child already has a support family.")) from exc
    child.refresh_from_db()
    family.refresh_from_db()
    return relationship


def _set_status(relationship: SupportRelationship, to: str, *, by, note: str) -> None:
    RelationshipStatusChange.objects.create(
        relationship=relationship,
        from_status=relationship.status,
        to_status=to,
        changed_by=by,
        note=note,
    )
    relationship.status = to


def pause_relationship(relationship: SupportRelationship, *, by=None, note: str = ""):
    """Pause an active relationship; the child keeps the household's place."""
    with transaction.atomic():
        locked = SupportRelationship.objects.select_for_update().get(pk=relationship.pk)
        refuse_anonymised(locked, locked.child, locked.family, error=PersonAnonymised)
        if locked.status != RelationshipStatus.ACTIVE:
            raise RelationshipError(_("Only an active relationship can be paused."))
        _set_status(locked, RelationshipStatus.PAUSED, by=by, note=note)
        locked.save(update_fields=["status", "updated_at"])
    relationship.refresh_from_db()
    return relationship


def resume_relationship(relationship: SupportRelationship, *, by=None, note: str = ""):
    """Resume a paused relationship."""
    with transaction.atomic():
        locked = SupportRelationship.objects.select_for_update().get(pk=relationship.pk)
        refuse_anonymised(locked, locked.child, locked.family, error=PersonAnonymised)
        if locked.status != RelationshipStatus.PAUSED:
            raise RelationshipError(_("Only a paused relationship can be resumed."))
        _set_status(locked, RelationshipStatus.ACTIVE, by=by, note=note)
        locked.save(update_fields=["status", "updated_at"])
    relationship.refresh_from_db()
    return relationship


def end_relationship(
    relationship: SupportRelationship,
    *,
    end_date: datetime.date,
    cause: str,
    initiator: str,
    note: str = "",
    by=None,
    household_on_hold: bool = False,
    child_waits_again: bool = False,
) -> SupportRelationship:
    """End a relationship.

    `cause` and `initiator` are the structured answers the statistics count (`EndCause`,
    `EndInitiator`); `note` is optional free words. The child's status becomes *ended* (or
    *waiting* again when the child still needs a family). When it was the household's last open
    relationship, the household moves back to *approved* (or *on hold* when asked). The household
    row is locked so two relationships ending at once both see the right count.
    """
    if cause not in EndCause.values:
        raise RelationshipError(_("Choose why the relationship ends."))
    if initiator not in EndInitiator.values or initiator == EndInitiator.NOT_RECORDED:
        raise RelationshipError(_("Choose who proposed ending the relationship."))
    note = note.strip()
    with transaction.atomic():
        locked = SupportRelationship.objects.select_for_update().get(pk=relationship.pk)
        family = SupportFamily.objects.select_for_update().get(pk=locked.family_id)
        child = Child.objects.select_for_update().get(pk=locked.child_id)
        refuse_anonymised(locked, child, family, error=PersonAnonymised)
        if locked.status == RelationshipStatus.ENDED:
            raise RelationshipError(_("The relationship has already ended."))
        if end_date < locked.start_date:
            raise RelationshipError(_("The end date cannot be before the start date."))
        if error := implausible_date_error(end_date, ENDS):
            raise RelationshipError(error)
        _set_status(locked, RelationshipStatus.ENDED, by=by, note=note)
        locked.end_date = end_date
        locked.end_cause, locked.end_initiator, locked.end_reason = cause, initiator, note
        locked.save(
            update_fields=[
                "status",
                "end_date",
                "end_cause",
                "end_initiator",
                "end_reason",
                "updated_at",
            ]
        )
        child.status = ChildStatus.WAITING if child_waits_again else ChildStatus.ENDED
        update_fields = ["status", "updated_at"]
        if child_waits_again:
            child.waiting_since = end_date
            update_fields.append("waiting_since")
        child.save(update_fields=update_fields)
        still_open = family.support_relationships.filter(
            ~Q(pk=locked.pk), status__in=OPEN_RELATIONSHIP_STATUSES
        ).exists()
        if not still_open and family.status == FamilyStatus.ACTIVE:
            change_status(
                family,
                FamilyStatus.ON_HOLD if household_on_hold else FamilyStatus.APPROVED,
                by=by,
                note_code=SystemNote.LAST_RELATIONSHIP_ENDED,
            )
    relationship.refresh_from_db()
    return relationship
