"""Possible duplicates: what a public form brought for an address a household already has.

A public form never changes a stored household: knowing an e-mail address proves nothing. What
the form brought is kept apart (`keep_apart`, called by `submit_application` and
`find_or_create_applicant`) until a coordinator compares it with the household in the admin and
merges the fields that are right (`households.merge_duplicate`) or dismisses it
(`dismiss_duplicate`).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import DuplicateStatus, DuplicateSubmission, SubmissionSource, SupportFamily
from kalliola.services.anonymised import RecordAnonymised, is_anonymised, refuse_anonymised

# What each public form may set on a household, so what a coordinator may merge from it.
APPLICATION_FIELDS = (
    "contact_name",
    "phone",
    "second_adult_name",
    "second_adult_email",
    "second_adult_phone",
    "contact_language",
    "street_address",
    "postal_code",
    "municipality",
    "household_members",
    "languages",
    "has_pets",
    "pets",
    "child_age_min",
    "child_age_max",
    "max_children",
    "frequency",
    "home_accessibility",
    "wishes",
)
SIGNUP_FIELDS = ("contact_name", "phone", "municipality", "contact_language")
MERGEABLE_FIELDS = {
    SubmissionSource.APPLICATION: APPLICATION_FIELDS,
    SubmissionSource.INFO_SESSION: SIGNUP_FIELDS,
    SubmissionSource.TRAINING_GROUP: SIGNUP_FIELDS,
}


class DuplicateError(Exception):
    """A merge or dismissal that cannot be done; the message is shown to the coordinator."""


class DuplicateAnonymised(DuplicateError, RecordAnonymised):
    """The household was erased: nothing is merged into it."""


def differences(submission: DuplicateSubmission) -> list[str]:
    """The fields whose sent value differs from what the household has now, in form order."""
    family = submission.family
    return [
        field
        for field in MERGEABLE_FIELDS[submission.source]
        if field in submission.data and submission.data[field] != getattr(family, field)
    ]


def keep_apart(
    family: SupportFamily, *, source: str, values: dict, only_if_different: bool = False
) -> DuplicateSubmission | None:
    """Keep what a public form sent for `family`'s address, without changing the household.

    Call inside the form's transaction. A sign-up (`only_if_different`) that repeats what the
    household has is nothing for a coordinator to look at and is not kept. Nor is anything
    sent for an erased household's (anonymised) address: it is closed for good.
    """
    if is_anonymised(family):
        return None
    data = {field: values[field] for field in MERGEABLE_FIELDS[source] if field in values}
    submission = DuplicateSubmission(family=family, source=source, data=data)
    if only_if_different and not differences(submission):
        return None
    submission.save()
    return submission


def merge_fields(submission: DuplicateSubmission, *, fields: Iterable[str], by) -> SupportFamily:
    """The fields part of `households.merge_duplicate`: the chosen `fields` of a possible
    duplicate into the household.

    Merging says the submission was the household's own: a merged application also becomes the
    household's application (its time, the commitment and the consent), if it had none. Only a
    pending submission can be merged, only the fields its form may set, and the household must
    stay valid (e.g. its age range in order); otherwise nothing changes.
    """
    with transaction.atomic():
        locked = _lock_pending(submission)
        family = SupportFamily.objects.select_for_update().get(pk=locked.family_id)
        refuse_anonymised(family, error=DuplicateAnonymised)
        chosen = set(fields)
        if not chosen <= set(MERGEABLE_FIELDS[locked.source]) & set(locked.data):
            raise DuplicateError(_("These fields cannot be taken from this submission."))
        for field in MERGEABLE_FIELDS[locked.source]:
            if field in chosen:
                setattr(family, field, locked.data[field])
        is_application = locked.source == SubmissionSource.APPLICATION
        if is_application and family.application_submitted_at is None:
            family.application_submitted_at = locked.submitted_at
            family.consent_given_at = locked.submitted_at
            family.commitment_acknowledged = True
        try:
            family.full_clean()
        except ValidationError as error:
            raise DuplicateError(" ".join(error.messages)) from error
        family.save()
        _handle(locked, DuplicateStatus.MERGED, by=by)
    return family


def dismiss_duplicate(submission: DuplicateSubmission, *, by) -> DuplicateSubmission:
    """A coordinator decides a possible duplicate was not the household's: nothing is taken."""
    with transaction.atomic():
        locked = _lock_pending(submission)
        refuse_anonymised(locked.family, error=DuplicateAnonymised)
        _handle(locked, DuplicateStatus.DISMISSED, by=by)
    return locked


def _lock_pending(submission: DuplicateSubmission) -> DuplicateSubmission:
    locked = DuplicateSubmission.objects.select_for_update().get(pk=submission.pk)
    if locked.status != DuplicateStatus.PENDING:
        raise DuplicateError(_("This submission has already been handled."))
    return locked


def _handle(submission: DuplicateSubmission, status: str, *, by) -> None:
    submission.status = status
    submission.handled_at = timezone.now()
    submission.handled_by = by
    submission.save(update_fields=["status", "handled_at", "handled_by"])
