"""Requests from the public form and opening cases from them."""

import datetime
import re

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.utils import timezone

from kalliola.mail import send_after_commit
from kalliola.services.anonymised import refuse_anonymised
from meetings import emails
from meetings.models import (
    ContactAdult,
    ContactRole,
    MeetingRequest,
    RequestStatus,
    SupportCase,
)
from meetings.services.cases import open_case
from meetings.services.errors import (
    AgreementMissing,
    CaseAnonymised,
    ContactMissing,
    RequestAlreadyHandled,
)
from meetings.services.themes import clean_heard_from, set_request_themes


def _phone_variants(phone: str) -> set[str]:
    """The ways one number is written: 040 123 4567, 0401234567, +358401234567."""
    cleaned = re.sub(r"[^\d+]", "", phone or "")
    if not cleaned:
        return set()
    variants = {cleaned}
    if cleaned.startswith("+358"):
        variants.add("0" + cleaned[4:])
    elif cleaned.startswith("0"):
        variants.add("+358" + cleaned[1:])
    return variants


def _without_separators(field: str):
    expression = F(field)
    for separator in (" ", "-", "(", ")"):
        expression = Replace(expression, Value(separator), Value(""))
    return expression


def find_earlier_case(*, email: str, phone: str) -> SupportCase | None:
    """The latest case whose contact adult has this e-mail or phone: the same family again."""
    query = Q()
    if email:
        query |= Q(email__iexact=email)
    variants = _phone_variants(phone)
    if variants:
        query |= Q(phone_cleaned__in=variants)
    if not query:
        return None
    adult = (
        ContactAdult.objects.annotate(phone_cleaned=_without_separators("phone"))
        .filter(query)
        .select_related("case")
        .order_by("-case__opened_on", "-case__pk")
        .first()
    )
    return adult.case if adult else None


def submit_request(
    *,
    contact_role: str,
    name: str,
    phone: str,
    email: str,
    contact_channel: str,
    best_time: str,
    question: str,
    preferred_mode: str,
    family_agreed: bool,
    organisation: str = "",
    municipality: str = "",
    language: str = "fi",
    themes=(),
    heard_from: str = "",
) -> MeetingRequest:
    """Save a request from the public form and confirm it by e-mail (after commit).

    A professional must confirm the family agreed to the contact. A request from a family
    that has had a case before is linked to that case for the coordinator.
    """
    if contact_role == ContactRole.PROFESSIONAL and not family_agreed:
        raise AgreementMissing()
    phone, email = (phone or "").strip(), (email or "").strip().lower()
    if not phone and not email:
        raise ContactMissing()
    with transaction.atomic():
        meeting_request = MeetingRequest(
            contact_role=contact_role,
            name=name.strip(),
            phone=phone,
            email=email,
            contact_channel=contact_channel,
            best_time=best_time.strip(),
            question=question.strip(),
            preferred_mode=preferred_mode,
            family_agreed=family_agreed,
            organisation=organisation.strip(),
            municipality=municipality.strip(),
            language=language,
            heard_from=clean_heard_from(heard_from),
            earlier_case=find_earlier_case(email=email, phone=phone),
        )
        meeting_request.full_clean(exclude=["earlier_case", "handled_by"])
        meeting_request.save()
        set_request_themes(meeting_request, themes)
        if email:
            send_after_commit(emails.send_request_confirmation, meeting_request.pk)
    return meeting_request


def open_case_from_request(
    meeting_request: MeetingRequest,
    *,
    by,
    support_worker,
    opened_on: datetime.date | None = None,
) -> SupportCase:
    """A coordinator opens a case from a waiting request; the request cannot be used twice."""
    with transaction.atomic():
        meeting_request = MeetingRequest.objects.select_for_update().get(pk=meeting_request.pk)
        refuse_anonymised(meeting_request, error=CaseAnonymised)
        if meeting_request.status != RequestStatus.WAITING:
            raise RequestAlreadyHandled()
        contact = {
            "name": meeting_request.name,
            "relation": meeting_request.get_contact_role_display()[:100],
            "phone": meeting_request.phone,
            "email": meeting_request.email,
            "best_time": meeting_request.best_time,
        }
        case = open_case(
            by=by,
            support_worker=support_worker,
            source=meeting_request.contact_role,
            question=meeting_request.question,
            preferred_mode=meeting_request.preferred_mode,
            opened_on=opened_on or timezone.localdate(),
            contacts=[contact],
            municipality=meeting_request.municipality,
            earlier_case=meeting_request.earlier_case,
            request=meeting_request,
            themes=meeting_request.theme_rows.values_list("theme", flat=True),
            heard_from=meeting_request.heard_from,
        )
        meeting_request.status = RequestStatus.CASE_OPENED
        meeting_request.handled_at = timezone.now()
        meeting_request.handled_by = by
        meeting_request.save(update_fields=["status", "handled_at", "handled_by"])
    return case


def decline_request(meeting_request: MeetingRequest, *, by) -> MeetingRequest:
    """Mark a waiting request as not taken forward (for example a duplicate)."""
    with transaction.atomic():
        meeting_request = MeetingRequest.objects.select_for_update().get(pk=meeting_request.pk)
        refuse_anonymised(meeting_request, error=CaseAnonymised)
        if meeting_request.status != RequestStatus.WAITING:
            raise RequestAlreadyHandled()
        meeting_request.status = RequestStatus.DECLINED
        meeting_request.handled_at = timezone.now()
        meeting_request.handled_by = by
        meeting_request.save(update_fields=["status", "handled_at", "handled_by"])
    return meeting_request
