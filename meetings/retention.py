"""Retention and data-subject requests for support-meeting requests and cases.

Anonymising keeps every row and every number statistics use (source of contact, municipality,
dates, meetings, modes, durations, topics, outcomes, kinds and statuses of referrals) and replaces
what identifies or describes the family: contact adults, the request's contact data, the question,
notes, the assessment and the plan. Run again, it blanks only what was written since.
"""

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from kalliola.audit import ANONYMISED, blank, forget_mentions
from kalliola.dsr import ErasureRefused, audit_trail, record
from meetings.models import (
    Assessment,
    CaseStatus,
    ContactAdult,
    FollowUp,
    Meeting,
    MeetingRequest,
    Plan,
    RequestStatus,
    ServiceReferral,
    SupportCase,
)
from meetings.models.cases import CaseStatusChange

CLOSED_CASE_STATUSES = (CaseStatus.CLOSED, CaseStatus.FOLLOWED_UP)


def anonymise_request(request_id: int, now: datetime.datetime) -> Counter:
    """A request's contact data and question. On a request anonymised already, blanks only what
    was written to it since (nothing, unless something went past the services' guard)."""
    counts = Counter()
    found = MeetingRequest.objects.select_for_update().filter(pk=request_id)
    quoted = found.values_list("name", "phone", "email", "anonymised_at").first()
    if quoted is None:
        return counts
    *quoted, anonymised_at = quoted
    # A request must keep a phone or an e-mail (a database rule): an address that reaches nobody.
    changed = blank(
        found,
        {
            "name": ANONYMISED,
            "phone": "",
            "email": f"anonymised-{request_id}@anonymised.invalid",
            "best_time": "",
            "organisation": "",
            "question": ANONYMISED,
        },
    )
    if anonymised_at is None:
        found.update(anonymised_at=now)
    forget_mentions(quoted)
    if changed or anonymised_at is None:
        counts["requests"] += 1
    return counts


def anonymise_case(case_id: int, now: datetime.datetime) -> Counter:
    """A closed case's question, contacts, notes, assessment, plan and follow-up notes.

    On a case anonymised already it blanks whatever personal text it finds there again (written
    past the services' guard, for example straight through the database) instead of skipping
    the case; the counts say exactly what changed, nothing when nothing did.
    """
    counts = Counter()
    case = (
        SupportCase.objects.select_for_update()
        .filter(Q(anonymised_at__isnull=False) | Q(status__in=CLOSED_CASE_STATUSES), pk=case_id)
        .first()
    )
    if case is None:
        return counts
    first_time = case.anonymised_at is None
    changed = blank(SupportCase.objects.filter(pk=case.pk), {"question": ANONYMISED})
    if first_time:
        SupportCase.objects.filter(pk=case.pk).update(anonymised_at=now)
    contacts = ContactAdult.objects.filter(case=case)
    quoted = [
        value for values in contacts.values_list("name", "phone", "email") for value in values
    ]
    found = blank(
        contacts, {"name": ANONYMISED, "relation": "", "phone": "", "email": "", "best_time": ""}
    )
    # The case's page names its contact adults in the admin's history of the case.
    forget_mentions(quoted)
    if found:
        counts["contact_adults"] += found
    parts = (
        ("meetings", Meeting, {"notes": "", "tasks": ""}),
        (
            "assessments",
            Assessment,
            {
                "life_situation": ANONYMISED,
                "services_in_use": "",
                "family_question": ANONYMISED,
                "what_would_help": "",
            },
        ),
        ("plans", Plan, {"next_steps": ANONYMISED, "who_does_what": ""}),
        ("follow_ups", FollowUp, {"notes": ""}),
        ("status_changes", CaseStatusChange, {"note": ""}),
    )
    for kind, model, texts in parts:
        found = blank(model.objects.filter(case=case), texts)
        if found:
            counts[kind] += found
    referrals = ServiceReferral.objects.filter(plan__case=case)
    quoted = list(referrals.values_list("name", flat=True))
    found = blank(referrals, {"name": ANONYMISED})
    forget_mentions(quoted)
    if found:
        counts["service_referrals"] += found
    if first_time or changed or counts:
        counts["cases"] += 1
    if case.request_id is not None:
        counts += anonymise_request(case.request_id, now)
    return counts


def cases_due(closed_on_or_before: datetime.date):
    return SupportCase.objects.filter(
        status__in=CLOSED_CASE_STATUSES,
        closed_on__lte=closed_on_or_before,
        anonymised_at__isnull=True,
    )


def declined_requests_due(handled_before: datetime.datetime):
    """Requests not taken forward (no case), handled before the cut-off."""
    return MeetingRequest.objects.filter(
        status=RequestStatus.DECLINED,
        handled_at__lte=handled_before,
        anonymised_at__isnull=True,
    )


def apply_case_retention(*, today: datetime.date, days: int, now) -> Counter:
    counts = Counter()
    for pk in cases_due(today - datetime.timedelta(days=days)).values_list("pk", flat=True):
        counts += anonymise_case(pk, now)
    cutoff = now - datetime.timedelta(days=days)
    for pk in declined_requests_due(cutoff).values_list("pk", flat=True):
        counts += anonymise_request(pk, now)
    # What was written to an anonymised case or request since (past the guard) goes too.
    for pk in SupportCase.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True):
        counts += anonymise_case(pk, now)
    alone = MeetingRequest.objects.filter(anonymised_at__isnull=False, case__isnull=True)
    for pk in alone.values_list("pk", flat=True):
        counts += anonymise_request(pk, now)
    return counts


# Data-subject requests.


def _case_document(case: SupportCase) -> dict:
    assessment = Assessment.objects.filter(case=case).first()
    plan = Plan.objects.filter(case=case).first()
    follow_up = FollowUp.objects.filter(case=case).first()
    return {
        **record(case),
        "themes": list(case.theme_rows.values_list("theme", flat=True)),
        "contact_adults": [record(contact) for contact in case.contacts.all()],
        "meetings": [record(meeting) for meeting in case.meetings.all()],
        "assessment": record(assessment) if assessment else None,
        "plan": (
            {**record(plan), "referrals": [record(r) for r in plan.referrals.all()]}
            if plan
            else None
        ),
        "follow_up": (
            {
                **record(follow_up),
                "benefits": list(follow_up.benefit_rows.values_list("benefit", flat=True)),
            }
            if follow_up
            else None
        ),
        "status_changes": [record(change) for change in case.status_changes.all()],
        "audit_trail": audit_trail(case),
    }


def case_records(case: SupportCase) -> list:
    """The records holding a client's data in a case, for the access log."""
    records = [case, *case.contacts.all(), *case.meetings.all()]
    for model in (Assessment, Plan, FollowUp):
        records += list(model.objects.filter(case=case))
    for plan in Plan.objects.filter(case=case):
        records += list(plan.referrals.all())
    if case.request_id:
        records.append(case.request)
    return records


def request_records(request: MeetingRequest) -> list:
    case = SupportCase.objects.filter(request=request).first()
    return case_records(case) if case else [request]


def _request_document(request: MeetingRequest) -> dict:
    return {
        **record(request),
        "themes": list(request.theme_rows.values_list("theme", flat=True)),
        "audit_trail": audit_trail(request),
    }


def export_case(case: SupportCase) -> dict:
    """Everything stored about the family of a case: its request, contacts, meetings and texts."""
    request = case.request
    return {
        "request": _request_document(request) if request else None,
        "case": _case_document(case),
    }


def export_request(request: MeetingRequest) -> dict:
    case = SupportCase.objects.filter(request=request).first()
    return {
        "request": _request_document(request),
        "case": _case_document(case) if case else None,
    }


def _refuse_open(case: SupportCase | None) -> None:
    if case is not None and case.status not in CLOSED_CASE_STATUSES:
        raise ErasureRefused(
            gettext("The case is still open. Close it first; until then the data is needed.")
        )


def erase_case(case: SupportCase, now: datetime.datetime) -> Counter:
    with transaction.atomic():
        locked = SupportCase.objects.select_for_update().get(pk=case.pk)
        _refuse_open(locked)
        return anonymise_case(locked.pk, now)


def erase_request(request: MeetingRequest, now: datetime.datetime) -> Counter:
    with transaction.atomic():
        locked = MeetingRequest.objects.select_for_update().get(pk=request.pk)
        case = SupportCase.objects.select_for_update().filter(request=locked).first()
        _refuse_open(case)
        if case is not None:
            return anonymise_case(case.pk, now)
        return anonymise_request(locked.pk, now)
