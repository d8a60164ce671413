"""Domain exceptions, constants and the pipeline step shared by the services.

The programme's own constants (`PRETRAINING_HOURS`) belong to the pipeline in
`families.services.households`.
"""

from families.models import SupportFamily
from families.services import ALLOWED_TRANSITIONS, TransitionNotAllowed, change_status
from families.services.households import HouseholdAnonymised

HOME_LIMIT = 3


class SignupError(Exception):
    """A sign-up that cannot be taken; the message is shown on the form."""


class SignupClosed(SignupError):
    pass


class SessionFull(SignupError):
    pass


class AlreadySignedUp(SignupError):
    pass


class NotEnoughHours(TransitionNotAllowed):
    """The household has not yet completed the pre-training (its hours or its home visit)."""


class AttendanceError(Exception):
    pass


class TrainingRecordAnonymised(SignupError, AttendanceError, HouseholdAnonymised):
    """The household was erased: no sign-up, place, attendance, home visit or reply is written
    for it any more (raised by `kalliola.services.anonymised.refuse_anonymised`). A public form
    shows it as a sign-up error, the admin as every refusal of an anonymised record."""


def _advance(family: SupportFamily, to: str, *, by=None, note: str = "") -> bool:
    """Move the household forward if the pipeline allows it from where it is; never backwards."""
    family.refresh_from_db(fields=["status"])
    if to not in ALLOWED_TRANSITIONS[family.status]:
        return False
    change_status(family, to, by=by, note=note)
    return True
