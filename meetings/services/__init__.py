"""Business operations of support meetings. Views, the admin and commands call these."""

from meetings.services.cases import (
    assign_worker,
    change_status,
    close_case,
    log_meeting,
    next_meeting_refusal,
    open_case,
    record_case_opened,
    save_assessment,
    save_plan,
    update_meeting,
    visible_cases,
)
from meetings.services.errors import (
    AgreementMissing,
    CaseNotOpen,
    ContactMissing,
    FirstMeetingMissing,
    FollowUpNotAllowed,
    MeetingBeforeCaseOpened,
    MeetingLimitReached,
    MeetingsError,
    RequestAlreadyHandled,
    TransitionNotAllowed,
)
from meetings.services.followups import record_follow_up
from meetings.services.requests import (
    decline_request,
    find_earlier_case,
    open_case_from_request,
    submit_request,
)

__all__ = [
    "AgreementMissing",
    "CaseNotOpen",
    "ContactMissing",
    "FirstMeetingMissing",
    "FollowUpNotAllowed",
    "MeetingBeforeCaseOpened",
    "MeetingLimitReached",
    "MeetingsError",
    "RequestAlreadyHandled",
    "TransitionNotAllowed",
    "assign_worker",
    "change_status",
    "close_case",
    "decline_request",
    "find_earlier_case",
    "log_meeting",
    "next_meeting_refusal",
    "open_case",
    "open_case_from_request",
    "record_case_opened",
    "record_follow_up",
    "save_assessment",
    "save_plan",
    "submit_request",
    "update_meeting",
    "visible_cases",
]
