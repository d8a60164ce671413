"""Themes, how the person heard of us, the learning-support need and what the family got.

The codes are stored as rows (`RequestTheme`, `CaseTheme`, `FollowUpBenefit`); these functions
are the only writers, so a code outside its list or a need without consent never gets in.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from kalliola.services.anonymised import refuse_anonymised
from meetings.models import (
    Benefit,
    CaseTheme,
    FollowUp,
    FollowUpBenefit,
    HeardFrom,
    MeetingRequest,
    RequestTheme,
    SupportCase,
    Theme,
)
from meetings.services.errors import CaseAnonymised, ConsentDateInvalid, ConsentMissing


def clean_codes(codes, choices) -> list[str]:
    """The known codes among `codes`, once each, in the list's own order."""
    given = {str(code) for code in (codes or ())}
    return [value for value in choices.values if value in given]


def clean_heard_from(value) -> str:
    return value if value in HeardFrom.values else ""


def _replace_rows(model, owner_field: str, owner, code_field: str, codes: list[str]) -> None:
    existing = set(model.objects.filter(**{owner_field: owner}).values_list(code_field, flat=True))
    wanted = set(codes)
    model.objects.filter(**{owner_field: owner, f"{code_field}__in": existing - wanted}).delete()
    model.objects.bulk_create(
        [model(**{owner_field: owner, code_field: code}) for code in codes if code not in existing]
    )


def set_request_themes(meeting_request: MeetingRequest, themes) -> None:
    """The themes a person ticked on the public form (called inside `submit_request`)."""
    _replace_rows(RequestTheme, "request", meeting_request, "theme", clean_codes(themes, Theme))


def set_case_themes(case: SupportCase, themes) -> None:
    _replace_rows(CaseTheme, "case", case, "theme", clean_codes(themes, Theme))


def set_benefits(follow_up: FollowUp, benefits) -> None:
    _replace_rows(
        FollowUpBenefit, "follow_up", follow_up, "benefit", clean_codes(benefits, Benefit)
    )


def case_themes(case: SupportCase) -> list[str]:
    return list(case.theme_rows.values_list("theme", flat=True))


def record_case_details(
    case: SupportCase,
    *,
    by,
    themes,
    heard_from: str,
    learning_support_need: bool,
    consent_given: bool,
    consent_on: datetime.date | None = None,
) -> SupportCase:
    """Record what the case is about, how the person heard of us, and the parent's need of
    support in learning and understanding.

    The need is recorded only with the client's consent, and the consent with its day and who
    recorded it (kept from the first time it was given). Without consent, a need recorded
    earlier is removed together with its consent: withdrawing consent erases the need.
    """
    with transaction.atomic():
        case = SupportCase.objects.select_for_update().get(pk=case.pk)
        refuse_anonymised(case, error=CaseAnonymised)
        if learning_support_need and not consent_given:
            raise ConsentMissing()
        today = timezone.localdate()
        if consent_given:
            if consent_on is not None and consent_on > today:
                raise ConsentDateInvalid()
            if case.learning_support_consent_on is None:
                case.learning_support_consent_on = consent_on or today
                case.learning_support_consent_by = by
            case.learning_support_need = bool(learning_support_need)
        else:
            case.learning_support_need = False
            case.learning_support_consent_on = None
            case.learning_support_consent_by = None
        case.heard_from = clean_heard_from(heard_from)
        case.save(
            update_fields=[
                "heard_from",
                "learning_support_need",
                "learning_support_consent_on",
                "learning_support_consent_by",
            ]
        )
        set_case_themes(case, themes)
    return case


def record_benefits(follow_up: FollowUp, *, by, benefits) -> FollowUp:
    """What the family got, ticked at (or corrected after) the follow-up."""
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        refuse_anonymised(follow_up.case, error=CaseAnonymised)
        set_benefits(follow_up, benefits)
    return follow_up
