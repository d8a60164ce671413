"""Business operations of the families app; other apps call these, never the views."""

from families.services.households import (
    ALLOWED_TRANSITIONS,
    TransitionNotAllowed,
    change_status,
    find_or_create_applicant,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "TransitionNotAllowed",
    "change_status",
    "find_or_create_applicant",
]
