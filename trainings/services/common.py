"""Domain exceptions, programme constants and the pipeline step shared by the services."""

from decimal import Decimal

from families.models import SupportFamily
from families.services import ALLOWED_TRANSITIONS, TransitionNotAllowed, change_status

PRETRAINING_HOURS = Decimal("10")
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
    """The household has not yet completed the 10 hours of pre-training."""


class AttendanceError(Exception):
    pass


def _advance(family: SupportFamily, to: str, *, by=None, note: str = "") -> bool:
    """Move the household forward if the pipeline allows it from where it is; never backwards."""
    family.refresh_from_db(fields=["status"])
    if to not in ALLOWED_TRANSITIONS[family.status]:
        return False
    change_status(family, to, by=by, note=note)
    return True
