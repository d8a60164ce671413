"""The core's own operations: what the site itself (not a programme app) lets people do."""

from kalliola.services.feedback import (
    mark_feedback_answered,
    submit_accessibility_feedback,
)

__all__ = ["mark_feedback_answered", "submit_accessibility_feedback"]
