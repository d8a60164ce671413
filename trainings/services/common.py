"""Domain exceptions, constants and the pipeline step shared by the services.

The programme's own constants (`PRETRAINING_HOURS`) belong to the pipeline in
`families.services.households`.
"""

from families.models import SupportFamily
from families.services import ALLOWED_TRANSITIONS, TransitionNotAllowed, change_status

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


def _advance(
    family: SupportFamily, to: str, *, by=None, note: str = "", note_code: str = ""
) -> bool:
    """Move the household forward if the pipeline allows it from where it is; never backwards."""
    family.refresh_from_db(fields=["status"])
    if to not in ALLOWED_TRANSITIONS[family.status]:
        return False
    change_status(family, to, by=by, note=note, note_code=note_code)
    return True
