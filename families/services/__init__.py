"""Business operations of the families app; other apps call these, never the views."""

from families.services.households import (
    ALLOWED_TRANSITIONS,
    ApprovalRefused,
    DuplicateApplication,
    TransitionNotAllowed,
    approve_family,
    change_status,
    find_or_create_applicant,
    register_family,
    submit_application,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "ApprovalRefused",
    "DuplicateApplication",
    "TransitionNotAllowed",
    "approve_family",
    "change_status",
    "find_or_create_applicant",
    "register_family",
    "submit_application",
]
