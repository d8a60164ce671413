"""The household pipeline: one status at a time, every change recorded."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import FamilyStatus, FamilyStatusChange, SupportFamily
from kalliola.validators import normalise_email

S = FamilyStatus
_OPEN = (
    S.APPLIED,
    S.INFO_SESSION_ATTENDED,
    S.IN_TRAINING,
    S.TRAINED,
    S.APPROVED,
    S.ACTIVE,
    S.ON_HOLD,
)

# Forward steps of the pipeline; withdrawn and declined are reachable from every open status.
_FORWARD = {
    S.APPLIED: {S.INFO_SESSION_ATTENDED, S.IN_TRAINING},
    S.INFO_SESSION_ATTENDED: {S.IN_TRAINING},
    S.IN_TRAINING: {S.TRAINED},
    S.TRAINED: {S.APPROVED},
    S.APPROVED: {S.ACTIVE, S.ON_HOLD},
    S.ACTIVE: {S.ON_HOLD, S.APPROVED, S.ENDED},
    S.ON_HOLD: {S.ACTIVE, S.APPROVED, S.ENDED},
}
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(
        _FORWARD.get(status, set()) | ({S.WITHDRAWN, S.DECLINED} if status in _OPEN else set())
    )
    for status in S.values
}


class TransitionNotAllowed(Exception):
    """A status change the pipeline does not allow; the message is shown to the user."""


def change_status(family: SupportFamily, to: str, *, by=None, note: str = "") -> SupportFamily:
    """Move a household to another status if the pipeline allows it, and record the change.

    The row is locked so two coordinators acting at once cannot both move it from the same
    status.
    """
    with transaction.atomic():
        locked = SupportFamily.objects.select_for_update().get(pk=family.pk)
        if to not in ALLOWED_TRANSITIONS[locked.status]:
            raise TransitionNotAllowed(
                _("A household cannot move from “%(from)s” to “%(to)s”.")
                % {"from": locked.get_status_display(), "to": S(to).label}
            )
        _record(locked, to, by=by, note=note)
    family.refresh_from_db()
    return family


def _record(family: SupportFamily, to: str, *, by, note: str) -> None:
    FamilyStatusChange.objects.create(
        family=family, from_status=family.status, to_status=to, changed_by=by, note=note
    )
    family.status = to
    family.status_changed_at = timezone.now()
    family.save(update_fields=["status", "status_changed_at", "updated_at"])


def find_or_create_applicant(
    *, name: str, email: str, phone: str, municipality: str = "", language: str = "fi"
) -> tuple[SupportFamily, bool]:
    """The household behind an e-mail address, created in *applied* if it is new.

    One household is one record across info sessions, training, home visit and application, so
    every public sign-up comes through here. Returns (household, created).
    """
    email = normalise_email(email)
    family = SupportFamily.objects.filter(email__iexact=email).first()
    if family is not None:
        return family, False
    try:
        return _create_applicant(name, email, phone, municipality, language), True
    except IntegrityError:
        # Someone with the same address signed up at the same moment: theirs is the household.
        return SupportFamily.objects.get(email__iexact=email), False


def _create_applicant(name, email, phone, municipality, language) -> SupportFamily:
    with transaction.atomic():
        family = SupportFamily.objects.create(
            contact_name=name.strip(),
            email=email,
            phone=phone.strip(),
            municipality=municipality.strip(),
            contact_language=language if language in ("fi", "sv", "en") else "fi",
            consent_given_at=timezone.now(),
        )
        FamilyStatusChange.objects.create(
            family=family, from_status="", to_status=S.APPLIED, note=_("Signed up on the website.")
        )
        return family
