"""Support cases: opening, status changes, meetings 1–5, assessment, plan and closing."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kalliola.mail import send_after_commit
from kalliola.roles import is_coordinator, is_support_worker
from kalliola.services.anonymised import refuse_anonymised
from kalliola.validators import HAPPENED, PLANNED, implausible_date_error
from meetings import emails
from meetings.models import (
    FOLLOW_UP_AFTER_DAYS,
    MAX_MEETINGS,
    Assessment,
    CaseStatus,
    CaseStatusChange,
    ContactAdult,
    FollowUp,
    Meeting,
    Plan,
    ServiceReferral,
    SupportCase,
    Topic,
)
from meetings.models.choices import CASE_TRANSITIONS
from meetings.services.errors import (
    CaseAnonymised,
    CaseNotOpen,
    FirstMeetingMissing,
    FutureMeetingsPlanned,
    MeetingBeforeCaseOpened,
    MeetingLimitReached,
    MeetingsError,
    TransitionNotAllowed,
)
from meetings.services.themes import clean_heard_from, set_case_themes


def visible_cases(user) -> QuerySet[SupportCase]:
    """Coordinators see every case; a support worker only the cases assigned to them."""
    cases = SupportCase.objects.all()
    if is_coordinator(user):
        return cases
    if is_support_worker(user):
        return cases.filter(support_worker=user)
    return cases.none()


def _lock(case: SupportCase) -> SupportCase:
    """Lock the case row for a write to it or to its parts; refused once it is anonymised."""
    locked = SupportCase.objects.select_for_update().get(pk=case.pk)
    refuse_anonymised(locked, error=CaseAnonymised)
    return locked


def _record_status(case: SupportCase, to: str, *, by, note: str = "") -> CaseStatusChange:
    change = CaseStatusChange.objects.create(
        case=case, from_status=case.status, to_status=to, changed_by=by, note=note[:500]
    )
    case.status = to
    return change


def open_case(
    *,
    by,
    support_worker,
    source: str,
    question: str,
    preferred_mode: str,
    opened_on: datetime.date,
    contacts: list[dict],
    municipality: str = "",
    earlier_case: SupportCase | None = None,
    request=None,
    themes=(),
    heard_from: str = "",
) -> SupportCase:
    """Open a case (from a request, or directly after a phone call); the opening is recorded."""
    with transaction.atomic():
        case = SupportCase(
            support_worker=support_worker,
            source=source,
            question=question,
            preferred_mode=preferred_mode,
            opened_on=opened_on,
            opened_by=by,
            municipality=municipality,
            earlier_case=earlier_case,
            request=request,
            heard_from=clean_heard_from(heard_from),
        )
        case.full_clean(exclude=["request", "earlier_case"])
        case.save()
        set_case_themes(case, themes)
        for contact in contacts:
            adult = ContactAdult(case=case, **contact)
            adult.full_clean(exclude=["case"])
            adult.save()
        CaseStatusChange.objects.create(
            case=case, from_status="", to_status=CaseStatus.NEW, changed_by=by
        )
        tell_worker(case)
    return case


def tell_worker(case: SupportCase) -> None:
    """The one rule of "assigning a case tells the worker": an e-mail after the commit."""
    if case.support_worker_id is not None:
        send_after_commit(emails.send_case_assigned, case.pk)


def change_status(case: SupportCase, to: str, *, by, note: str = "") -> SupportCase:
    """Move a case along new → active → closed → followed up; other moves are refused.

    Closing goes through `close_case` (it schedules the follow-up) and the follow-up through
    `record_follow_up`, so this only allows the remaining moves.
    """
    with transaction.atomic():
        case = _lock(case)
        if to not in CASE_TRANSITIONS[case.status] or to in (
            CaseStatus.CLOSED,
            CaseStatus.FOLLOWED_UP,
        ):
            raise TransitionNotAllowed()
        _record_status(case, to, by=by, note=note)
        case.save(update_fields=["status"])
    return case


def assign_worker(case: SupportCase, support_worker, *, by) -> SupportCase:
    """Give the case to another support worker, who is told by e-mail (nobody when unchanged)."""
    with transaction.atomic():
        case = _lock(case)
        changed = case.support_worker_id != getattr(support_worker, "pk", None)
        case.support_worker = support_worker
        case.save(update_fields=["support_worker"])
        if changed:
            tell_worker(case)
    return case


def _check_meeting_date(case: SupportCase, starts_at: datetime.datetime) -> None:
    if timezone.localtime(starts_at).date() < case.opened_on:
        raise MeetingBeforeCaseOpened()
    if error := implausible_date_error(starts_at, PLANNED):
        raise MeetingsError(error)


def _clean_topics(topics) -> list[str]:
    valid = set(Topic.values)
    return [t for t in Topic.values if t in set(topics or ()) and t in valid]


def next_meeting_refusal(case: SupportCase, meetings_logged: int) -> Exception | None:
    """Why the case cannot take another meeting (closed, or its five are logged), or None.

    The one rule of "1–5 meetings on an open case": `log_meeting` raises what this returns,
    and the portal uses it to say so before the worker fills in the form."""
    if not case.is_open:
        return CaseNotOpen()
    if meetings_logged >= MAX_MEETINGS:
        return MeetingLimitReached()
    return None


def log_meeting(
    case: SupportCase,
    *,
    by,
    starts_at: datetime.datetime,
    mode: str,
    duration_minutes: int,
    topics: list[str],
    notes: str = "",
    tasks: str = "",
) -> Meeting:
    """Add the case's next meeting (1–5). The case row is locked before counting, so two
    meetings added at the same moment cannot both become the sixth (or both number 3)."""
    with transaction.atomic():
        case = _lock(case)
        last = case.meetings.aggregate(last=Max("number"))["last"] or 0
        refusal = next_meeting_refusal(case, last)
        if refusal is not None:
            raise refusal
        _check_meeting_date(case, starts_at)
        meeting = Meeting(
            case=case,
            number=last + 1,
            starts_at=starts_at,
            mode=mode,
            duration_minutes=duration_minutes,
            topics=_clean_topics(topics),
            notes=notes,
            tasks=tasks,
            logged_by=by,
        )
        meeting.full_clean(exclude=["case"], validate_constraints=False)
        try:
            with transaction.atomic():
                meeting.save()
        except IntegrityError as exc:  # the database constraints are the last guard
            raise MeetingLimitReached() from exc
        if case.status == CaseStatus.NEW:
            _record_status(case, CaseStatus.ACTIVE, by=by)
            case.save(update_fields=["status"])
    return meeting


def update_meeting(
    meeting: Meeting,
    *,
    by,
    starts_at: datetime.datetime,
    mode: str,
    duration_minutes: int,
    topics: list[str],
    notes: str = "",
    tasks: str = "",
) -> Meeting:
    """Correct a logged meeting; its number stays."""
    with transaction.atomic():
        case = _lock(meeting.case)
        _check_meeting_date(case, starts_at)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        meeting.starts_at = starts_at
        meeting.mode = mode
        meeting.duration_minutes = duration_minutes
        meeting.topics = _clean_topics(topics)
        meeting.notes = notes
        meeting.tasks = tasks
        meeting.full_clean(exclude=["case"], validate_constraints=False)
        meeting.save()
    return meeting


def save_assessment(
    case: SupportCase,
    *,
    by,
    life_situation: str,
    services_in_use: str,
    family_question: str,
    what_would_help: str,
) -> Assessment:
    """Write (or correct) the first meeting's assessment; the first meeting must be logged."""
    with transaction.atomic():
        case = _lock(case)
        if not case.meetings.exists():
            raise FirstMeetingMissing()
        assessment = Assessment.objects.filter(case=case).first() or Assessment(case=case)
        assessment.life_situation = life_situation
        assessment.services_in_use = services_in_use
        assessment.family_question = family_question
        assessment.what_would_help = what_would_help
        assessment.written_by = by
        assessment.full_clean(exclude=["case"], validate_unique=False)
        assessment.save()
    return assessment


def save_plan(
    case: SupportCase,
    *,
    by,
    next_steps: str,
    who_does_what: str,
    referrals: list[dict] | None = None,
) -> Plan:
    """Write (or correct) the closing plan with its service referrals in one go.

    `referrals`: dicts with kind, name, status and optionally `id` (an existing referral of this
    plan to change) and `delete`. Nothing is saved unless everything is valid.
    """
    with transaction.atomic():
        case = _lock(case)
        plan = Plan.objects.filter(case=case).first() or Plan(case=case)
        plan.next_steps = next_steps
        plan.who_does_what = who_does_what
        plan.written_by = by
        plan.full_clean(exclude=["case"], validate_unique=False)
        plan.save()
        existing = {r.pk: r for r in plan.referrals.all()}
        for data in referrals or ():
            data = dict(data)
            referral_id = data.pop("id", None)
            delete = data.pop("delete", False)
            referral = existing.get(referral_id) if referral_id else None
            if referral_id and referral is None:
                continue  # not this plan's: ignore a tampered id
            if delete:
                if referral is not None:
                    referral.delete()
                continue
            referral = referral or ServiceReferral(plan=plan)
            for field in ("kind", "name", "status"):
                setattr(referral, field, data[field])
            referral.full_clean(exclude=["plan"])
            referral.save()
    return plan


def future_meetings(case: SupportCase, *, now=None) -> QuerySet[Meeting]:
    """The case's planned meetings that have not started and are not cancelled."""
    return case.meetings.not_cancelled().filter(starts_at__gt=now or timezone.now())


def close_case(
    case: SupportCase,
    *,
    by,
    closed_on: datetime.date | None = None,
    note: str = "",
    cancel_future_meetings: bool = False,
) -> FollowUp:
    """Close a case and schedule its follow-up about six months later.

    A case with planned meetings ahead closes only when the caller confirms that they are
    cancelled (`cancel_future_meetings`); otherwise `FutureMeetingsPlanned` says how many. The
    cancelled meetings are kept with who cancelled them and when."""
    with transaction.atomic():
        case = _lock(case)
        if CaseStatus.CLOSED not in CASE_TRANSITIONS[case.status]:
            raise TransitionNotAllowed()
        closed_on = closed_on or timezone.localdate()
        if closed_on < case.opened_on:
            raise TransitionNotAllowed(_("The case cannot close before the day it was opened."))
        # Retention and the follow-up count from this day: it cannot be put off to the future.
        if error := implausible_date_error(closed_on, HAPPENED):
            raise TransitionNotAllowed(error)
        now = timezone.now()
        ahead = future_meetings(case, now=now)
        if not cancel_future_meetings and (count := ahead.count()):
            raise FutureMeetingsPlanned(count)
        ahead.update(cancelled_at=now, cancelled_by=by)
        _record_status(case, CaseStatus.CLOSED, by=by, note=note)
        case.closed_on = closed_on
        case.save(update_fields=["status", "closed_on"])
        follow_up, _created = FollowUp.objects.update_or_create(
            case=case,
            defaults={
                "due_on": closed_on + datetime.timedelta(days=FOLLOW_UP_AFTER_DAYS),
                "reminder_sent_at": None,
            },
        )
    return follow_up


def record_case_opened(case: SupportCase, *, by) -> CaseStatusChange:
    """Record the opening of a case saved in the admin (after a phone call); its worker is told."""
    change = CaseStatusChange.objects.create(
        case=case, from_status="", to_status=CaseStatus.NEW, changed_by=by
    )
    tell_worker(case)
    return change
