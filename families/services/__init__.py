"""Business operations of the families app; other apps call these, never the views."""

from families.services.households import (
    ALLOWED_TRANSITIONS,
    ApprovalRefused,
    DuplicateApplication,
    TransitionNotAllowed,
    approve_family,
    change_status,
    find_or_create_applicant,
    record_step,
    register_family,
    register_step,
    submit_application,
)
from families.services.payments import (
    PaymentError,
    approve_month,
    export_csv,
    export_xlsx,
    household_report,
    monthly_reports,
)
from families.services.relationships import (
    RelationshipError,
    create_relationship,
    end_relationship,
    pause_relationship,
    resume_relationship,
)
from families.services.stays import (
    StayError,
    delete_stay,
    log_stay,
    log_supervision_contact,
    price,
    update_stay,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "ApprovalRefused",
    "DuplicateApplication",
    "TransitionNotAllowed",
    "approve_family",
    "change_status",
    "find_or_create_applicant",
    "record_step",
    "register_family",
    "register_step",
    "submit_application",
    "PaymentError",
    "approve_month",
    "export_csv",
    "export_xlsx",
    "household_report",
    "monthly_reports",
    "RelationshipError",
    "create_relationship",
    "end_relationship",
    "pause_relationship",
    "resume_relationship",
    "StayError",
    "delete_stay",
    "log_stay",
    "log_supervision_contact",
    "price",
    "update_stay",
]
