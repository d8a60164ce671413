"""The household pipeline: one status at a time, every change recorded.

`change_status` is the one door every status change goes through (the admin, the trainings app
and the relationships code all call it). It checks the pipeline allows the step and, for the
steps that carry a rule, that the rule holds:

- *in_training → trained* is the trainings app's rule (`trainings.services.complete_pretraining`:
  `PRETRAINING_HOURS` of sessions that took place plus the home visit). It registers that function
  here with `register_step`; `change_status` hands the step to it, so the admin and the trainings
  app take the same path. Without a registered function the step is refused.
- *trained → approved* needs a criminal-record extract seen within the last
  `CRIMINAL_RECORD_VALID_MONTHS` months (the date and who saw it; the document itself is never
  stored) and a coordinator's decision with a note (`_check_approval`).

The programme's constants live here, once; messages and templates format them (the templates
through `families/templatetags/pipeline.py`).
"""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from families import emails
from families.models import (
    CLOSED_STATUSES,
    DuplicateSubmission,
    FamilyStatus,
    FamilyStatusChange,
    SubmissionSource,
    SupportFamily,
    SystemNote,
)
from families.services.duplicates import APPLICATION_FIELDS, keep_apart, merge_fields
from families.services.readiness import add_check, extract_item, months_before, readiness_gaps
from kalliola.mail import mail_function, send_after_commit
from kalliola.roles import is_coordinator
from kalliola.services.anonymised import RecordAnonymised, refuse_anonymised
from kalliola.validators import normalise_email

S = FamilyStatus

# Forward steps of the pipeline; withdrawn and declined are reachable from every open status.
# An info-session sign-up alone is *interested*; an application is *applied*. Only a
# coordinator's review (→ accepted for pre-training) leads to a place in a group (in training);
# a cancelled place leads back to waiting for a group.
# active/on_hold → approved: the household stays approved but has no child at the moment.
_FORWARD = {
    S.INTERESTED: {S.APPLIED},
    S.APPLIED: {S.INFO_SESSION_ATTENDED, S.ACCEPTED_FOR_TRAINING},
    S.INFO_SESSION_ATTENDED: {S.ACCEPTED_FOR_TRAINING},
    S.ACCEPTED_FOR_TRAINING: {S.IN_TRAINING},
    S.IN_TRAINING: {S.TRAINED, S.ACCEPTED_FOR_TRAINING},
    S.TRAINED: {S.APPROVED},
    S.APPROVED: {S.ACTIVE, S.ON_HOLD},
    S.ACTIVE: {S.ON_HOLD, S.APPROVED, S.ENDED},
    S.ON_HOLD: {S.ACTIVE, S.APPROVED, S.ENDED},
}
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(
        _FORWARD.get(status, set())
        | (set() if status in CLOSED_STATUSES else {S.WITHDRAWN, S.DECLINED})
    )
    for status in S.values
}

# A household is *trained* after this many hours: attended sessions plus the home visit.
PRETRAINING_HOURS = Decimal("10")
# The criminal-record extract must have been seen at most this many months before the approval.
CRIMINAL_RECORD_VALID_MONTHS = 6


def next_statuses(statuses: Iterable[str]) -> list[str]:
    """The statuses the pipeline allows from at least one of `statuses`, in pipeline order.

    What the admin offers; `change_status` still decides for each household.
    """
    allowed = set().union(*(ALLOWED_TRANSITIONS[status] for status in statuses))
    return [status for status in S.values if status in allowed]


# Steps whose rule another app owns, and the function (registered by that app) that checks the
# rule and then records the step with `record_step`.
RULED_STEPS = frozenset({S.TRAINED})
_STEP_FUNCTIONS: dict[str, Callable] = {}


def register_step(to: str, take_step: Callable) -> None:
    """`take_step(household, *, by, note)` becomes the only way to reach status `to`."""
    if to not in RULED_STEPS:
        raise ValueError(f"{to!r} is not a step another app rules")
    _STEP_FUNCTIONS[to] = take_step


class TransitionNotAllowed(Exception):
    """A status change the pipeline does not allow; the message is shown to the user."""


class HouseholdAnonymised(TransitionNotAllowed, RecordAnonymised):
    """The household was erased: its status and steps stay as they were."""


class ApprovalRefused(TransitionNotAllowed):
    """A household cannot (yet) be approved; `reasons` lists every gap."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(" ".join(reasons))


def change_status(
    family: SupportFamily, to: str, *, by=None, note: str = "", note_code: str = ""
) -> SupportFamily:
    """Move a household to another status if the pipeline allows it, and record the change.

    The row is locked so two coordinators acting at once cannot both move it from the same
    status. Steps with a rule (trained, approved) are refused with every missing condition.
    A note the programme writes itself is a `SystemNote` code (`note_code`), shown in the
    reader's language; `note` is what a person typed (or a system note's date).
    """
    if to not in S.values:
        raise TransitionNotAllowed(_("“%(to)s” is not a status of a household.") % {"to": to})
    note = (note or "").strip()
    with transaction.atomic():
        locked = lock_for_step(family, to)
        if to in RULED_STEPS:
            take_step = _STEP_FUNCTIONS.get(to)
            if take_step is None:
                raise TransitionNotAllowed(
                    _("A household cannot be moved to “%(to)s” here.") % {"to": S(to).label}
                )
            take_step(locked, by=by, note=note)
        else:
            if locked.status == S.TRAINED and to == S.APPROVED:
                _check_approval(locked, by=by, note=note)
            if locked.status in REVIEWED_FROM and to == S.ACCEPTED_FOR_TRAINING:
                _check_review(by)
            _record(locked, to, by=by, note=note, note_code=note_code)
    family.refresh_from_db()
    return family


def record_step(
    family: SupportFamily, to: str, *, by=None, note: str = "", note_code: str = ""
) -> None:
    """Record a ruled step (`RULED_STEPS`) once the app that owns its rule has checked it.

    The pipeline's table still applies: a step it does not allow is refused here too.
    """
    with transaction.atomic():
        _record(
            lock_for_step(family, to), to, by=by, note=(note or "").strip(), note_code=note_code
        )


def lock_for_step(family: SupportFamily, to: str) -> SupportFamily:
    """Lock the household's row and refuse the step unless `ALLOWED_TRANSITIONS` allows it.

    Call inside a transaction; the function that owns a ruled step checks this first, so its
    refusal for a household in the wrong status reads as the pipeline's.
    """
    locked = SupportFamily.objects.select_for_update().get(pk=family.pk)
    refuse_anonymised(locked, error=HouseholdAnonymised)
    if to not in ALLOWED_TRANSITIONS[locked.status]:
        raise TransitionNotAllowed(
            _("A household cannot move from “%(from)s” to “%(to)s”.")
            % {"from": locked.get_status_display(), "to": S(to).label}
        )
    return locked


# The statuses of an application waiting for the coordinator's review.
REVIEWED_FROM = frozenset({S.APPLIED, S.INFO_SESSION_ATTENDED})


def _check_review(by) -> None:
    """The rule of *applied → accepted for pre-training*: a coordinator reviewed the application.

    Back from *in training* (a cancelled place) is no review and needs no coordinator."""
    if by is None or not is_coordinator(by):
        raise TransitionNotAllowed(
            _("Only a coordinator can accept an application for the pre-training.")
        )


def _check_approval(family: SupportFamily, *, by, note: str) -> None:
    """The rule of *trained → approved*: an extract seen (date and who) within the last
    `CRIMINAL_RECORD_VALID_MONTHS` months and not in the future, every other required item of
    the readiness checklist holding (`readiness_gaps`), decided by a coordinator, with a
    note. Every missing condition is listed in one `ApprovalRefused`."""
    reasons = []
    today = timezone.localdate()
    checked_on = family.criminal_record_checked_on
    if checked_on is None or family.criminal_record_checked_by_id is None:
        reasons.append(_("Nobody has recorded seeing the criminal-record extract."))
    elif checked_on > today:
        reasons.append(_("The date the criminal-record extract was seen is in the future."))
    elif checked_on < months_before(today, CRIMINAL_RECORD_VALID_MONTHS):
        reasons.append(
            _(
                "The criminal-record extract was seen more than %(months)s months ago. "
                "Ask for a new one."
            )
            % {"months": CRIMINAL_RECORD_VALID_MONTHS}
        )
    # Every other required item of the checklist must hold too (the extract's rule is above).
    reasons += readiness_gaps(family, today=today, skip_extract=True)
    if by is None or not is_coordinator(by):
        reasons.append(_("Only a coordinator can approve a household."))
    if not note:
        reasons.append(_("Write a note on the decision to approve."))
    if reasons:
        raise ApprovalRefused(reasons)


def approve_family(
    family: SupportFamily,
    *,
    by,
    criminal_record_checked_on: datetime.date | None,
    note: str,
    criminal_record_checked_by=None,
) -> SupportFamily:
    """Record the criminal-record extract as seen and approve the household, all or nothing.

    Only the date and the person who saw the extract are kept, never the document. The
    approval rules are those of `change_status`; if any fails, the check is not saved either.
    """
    checked_by = criminal_record_checked_by or by
    with transaction.atomic():
        locked = SupportFamily.objects.select_for_update().get(pk=family.pk)
        refuse_anonymised(locked, error=HouseholdAnonymised)
        if criminal_record_checked_on is not None and checked_by is not None:
            # A row of the readiness checklist; the household keeps the latest for this rule.
            add_check(locked, extract_item(), checked_on=criminal_record_checked_on, by=checked_by)
        change_status(locked, S.APPROVED, by=by, note=note)
    family.refresh_from_db()
    return family


def _record(family: SupportFamily, to: str, *, by, note: str, note_code: str = "") -> None:
    FamilyStatusChange.objects.create(
        family=family,
        from_status=family.status,
        to_status=to,
        changed_by=by,
        note=note,
        note_code=note_code,
    )
    family.status = to
    family.status_changed_at = timezone.now()
    family.save(update_fields=["status", "status_changed_at", "updated_at"])


def register_family(family: SupportFamily, *, by, note: str = "") -> SupportFamily:
    """Save a household a coordinator entered by hand, in *applied*, with its first history row."""
    with transaction.atomic():
        family.email = normalise_email(family.email)
        family.status = S.APPLIED
        family.save()
        FamilyStatusChange.objects.create(
            family=family,
            from_status="",
            to_status=S.APPLIED,
            changed_by=by,
            note=note,
            note_code="" if note else SystemNote.ENTERED_BY_COORDINATOR,
        )
    return family


def find_or_create_applicant(
    *,
    name: str,
    email: str,
    phone: str,
    municipality: str = "",
    language: str = "fi",
    source: str = SubmissionSource.INFO_SESSION,
) -> tuple[SupportFamily, bool]:
    """The household behind an e-mail address, created if it is new: *interested* from an
    info-session sign-up (not an application), *applied* from a training-group sign-up (which
    is an application, reviewed by a coordinator like any other).

    One household is one record across info sessions, training, home visit and application, so
    every public sign-up comes through here. A sign-up never changes a household that exists:
    details that differ from the stored ones are kept apart for a coordinator (`keep_apart`).
    Returns (household, created).
    """
    email = normalise_email(email)
    language = language if language in ("fi", "sv", "en") else "fi"
    family = SupportFamily.objects.with_email(email).first()
    if family is None:
        try:
            return _create_applicant(name, email, phone, municipality, language, source), True
        except IntegrityError:
            # Someone with the same address signed up at the same moment: theirs is the household.
            family = SupportFamily.objects.with_email(email).get()
    values = {
        "contact_name": name.strip(),
        "phone": phone.strip(),
        "municipality": municipality.strip(),
        "contact_language": language,
    }
    keep_apart(family, source=source, values=values, only_if_different=True)
    return family, False


def _create_applicant(name, email, phone, municipality, language, source) -> SupportFamily:
    if source == SubmissionSource.INFO_SESSION:
        status, note_code = S.INTERESTED, SystemNote.SIGNED_UP_INFO_SESSION
    else:
        status, note_code = S.APPLIED, SystemNote.SIGNED_UP_GROUP
    with transaction.atomic():
        family = SupportFamily.objects.create(
            contact_name=name.strip(),
            email=email,
            phone=phone.strip(),
            municipality=municipality.strip(),
            contact_language=language,
            consent_given_at=timezone.now(),
            status=status,
        )
        FamilyStatusChange.objects.create(
            family=family, from_status="", to_status=status, note_code=note_code
        )
        return family


def submit_application(*, email: str, data: dict) -> tuple[SupportFamily, bool]:
    """The public application: a new household in *applied* for an address nobody has.

    An address a household already has (an info-session sign-up, an earlier application, a
    closed process) changes nothing stored: anyone can type anyone's address. The application
    is kept apart as a possible duplicate for a coordinator to compare and merge
    (`merge_duplicate`), and the address's owner is told by e-mail. The sender cannot tell the
    two apart: the same answer, and one e-mail to the address either way. The applicant has
    acknowledged the one-year commitment and consented to data processing (the form requires
    both); the consent is time-stamped. Returns (household, created).
    """
    email = normalise_email(email)
    now = timezone.now()
    values = {field: data[field] for field in APPLICATION_FIELDS if field in data}
    with transaction.atomic():
        family = SupportFamily.objects.select_for_update().with_email(email).first()
        if family is None:
            try:
                with transaction.atomic():
                    family = SupportFamily.objects.create(
                        email=email,
                        status=S.APPLIED,
                        commitment_acknowledged=True,
                        consent_given_at=now,
                        application_submitted_at=now,
                        **values,
                    )
                    FamilyStatusChange.objects.create(
                        family=family,
                        from_status="",
                        to_status=S.APPLIED,
                        note_code=SystemNote.APPLICATION_SENT,
                    )
            except IntegrityError:
                # The same address was used at the same moment in another request: that
                # household exists now, and this application is its possible duplicate.
                family = SupportFamily.objects.select_for_update().with_email(email).get()
            else:
                send_after_commit(_send_confirmation, family.pk)
                return family, True
        submission = keep_apart(family, source=SubmissionSource.APPLICATION, values=values)
        if submission is not None:  # none for an erased household's address
            send_after_commit(_send_duplicate_notice, submission.pk)
    return family, False


def merge_duplicate(submission: DuplicateSubmission, *, fields: Iterable[str], by) -> SupportFamily:
    """A coordinator takes the chosen `fields` of a possible duplicate into the household
    (`merge_fields`); a merged application of an *interested* household is its application, so
    the household moves on to *applied* (recorded, by the coordinator)."""
    with transaction.atomic():
        family = merge_fields(submission, fields=fields, by=by)
        if submission.source == SubmissionSource.APPLICATION and family.status == S.INTERESTED:
            change_status(
                family, S.APPLIED, by=by, note_code=SystemNote.APPLICATION_MERGED
            )
    return family


@mail_function(gettext_lazy("possible duplicate: the address's owner told"))
def _send_duplicate_notice(submission_pk: int) -> None:
    submission = DuplicateSubmission.objects.select_related("family").get(pk=submission_pk)
    emails.send_duplicate_notice(submission)


@mail_function(gettext_lazy("support-family application received"))
def _send_confirmation(family_pk: int) -> None:
    emails.send_application_received(SupportFamily.objects.get(pk=family_pk))
