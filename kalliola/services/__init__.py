"""The core's own operations: what the site itself (not a programme app) lets people do."""

from kalliola.services.anonymised import RecordAnonymised, is_anonymised, refuse_anonymised
from kalliola.services.feedback import (
    mark_feedback_answered,
    submit_accessibility_feedback,
)

__all__ = [
    "RecordAnonymised",
    "is_anonymised",
    "refuse_anonymised",
    "mark_feedback_answered",
    "submit_accessibility_feedback",
]
