from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kalliola.services.anonymised import ANONYMISED_MESSAGE, RecordAnonymised


class MeetingsError(Exception):
    """A business rule of support meetings said no; the message is shown to the user as is."""

    default_message = _("This could not be saved.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))

    def __str__(self):
        return str(self.message)


class AgreementMissing(MeetingsError):
    default_message = _("Please confirm that the family has agreed to this contact.")


class ContactMissing(MeetingsError):
    default_message = _("Please give a phone number or an e-mail address.")


class RequestAlreadyHandled(MeetingsError):
    default_message = _("This request has already been handled.")


class MeetingLimitReached(MeetingsError):
    default_message = _(
        "This case already has five meetings. A case can have at most five meetings. "
        "If the family needs more help, close this case and open a new one later."
    )


class MeetingBeforeCaseOpened(MeetingsError):
    default_message = _("The meeting cannot be before the day the case was opened.")


class CaseNotOpen(MeetingsError):
    default_message = _("This case is closed. Meetings can only be added to an open case.")


class TransitionNotAllowed(MeetingsError):
    default_message = _("This status change is not possible.")


class FirstMeetingMissing(MeetingsError):
    default_message = _("Log the first meeting before writing the assessment.")


class FollowUpNotAllowed(MeetingsError):
    default_message = _("The follow-up can only be recorded after the case has been closed.")


class ConsentMissing(MeetingsError):
    default_message = _(
        "The learning-support need can be recorded only with the client's consent. "
        "Ask the client first, then tick that they agreed."
    )


class ConsentDateInvalid(MeetingsError):
    default_message = _("The day of the consent cannot be in the future.")


class CaseAnonymised(MeetingsError, RecordAnonymised):
    """The case (or the request) was erased: nothing more is written to it or its parts."""

    default_message = ANONYMISED_MESSAGE


class FutureMeetingsPlanned(MeetingsError):
    """The case has planned meetings ahead: closing it cancels them, so it asks first."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(
            ngettext(
                "The case has %(n)s planned meeting ahead. Closing the case cancels it: "
                "confirm that it is cancelled.",
                "The case has %(n)s planned meetings ahead. Closing the case cancels them: "
                "confirm that they are cancelled.",
                count,
            )
            % {"n": count}
        )
