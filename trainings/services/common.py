"""Domain exceptions, constants and the pipeline step shared by the services.

The programme's own constants (`PRETRAINING_HOURS`) belong to the pipeline in
`families.services.households`.
"""

import datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

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


class NotReviewed(SignupError):
    """A place that cannot be confirmed: the household's application is not there to review."""


class NotEnoughHours(TransitionNotAllowed):
    """The household has not yet completed the pre-training (its hours or its home visit)."""


class AttendanceError(Exception):
    pass


def attendance_refusal(
    session, *, enrollment=None, hours=None, now: datetime.datetime | None = None
) -> str | None:
    """Why attendance of `session` (an info session or a training session) cannot be recorded,
    or None: the one rule every path asks (the admin's attendance forms and actions,
    `record_attendance`, `mark_session_attended`, `mark_info_session_attended`).

    A cancelled session, one that has not started by `now`, and, for a training session, one of
    another group than the enrolment's are refused, as are `hours` outside 0 to the session's
    length. A session in progress may be recorded.
    """
    if session.is_cancelled:
        return _("The session was cancelled: no attendance can be recorded for it.")
    if session.starts_at > (now or timezone.now()):
        return _(
            "The session has not started yet (%(start)s): attendance can be recorded once it has."
        ) % {
            "start": formats.date_format(
                timezone.localtime(session.starts_at), "SHORT_DATETIME_FORMAT"
            )
        }
    if enrollment is not None and session.group_id != enrollment.group_id:
        return _("The session belongs to another group.")
    if hours is not None and not 0 <= Decimal(hours) <= session.hours:
        return _("Hours must be between 0 and %(hours)s, the length of the session.") % {
            "hours": session.hours
        }
    return None


class TrainingRecordAnonymised(SignupError, AttendanceError, HouseholdAnonymised):
    """The household was erased: no sign-up, place, attendance, home visit or reply is written
    for it any more (raised by `kalliola.services.anonymised.refuse_anonymised`). A public form
    shows it as a sign-up error, the admin as every refusal of an anonymised record."""


def _advance(
    family: SupportFamily, to: str, *, by=None, note: str = "", note_code: str = ""
) -> bool:
    """Move the household forward if the pipeline allows it from where it is; never backwards."""
    family.refresh_from_db(fields=["status"])
    if to not in ALLOWED_TRANSITIONS[family.status]:
        return False
    change_status(family, to, by=by, note=note, note_code=note_code)
    return True
