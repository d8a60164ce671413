"""The trainings app's models, one module per topic."""

from trainings.models.events import (
    Event,
    EventInvitation,
    EventKind,
    InvitationAudience,
    InvitationReply,
)
from trainings.models.reminders import (
    SentReminder,
)
from trainings.models.sessions import (
    MAX_SESSION_HOURS,
    GroupFormat,
    GroupStatus,
    InfoSession,
    SessionStatus,
    TimedItem,
    TrainingGroup,
    TrainingSession,
)
from trainings.models.signups import (
    TAKES_A_PLACE,
    Attendance,
    Enrollment,
    EnrollmentStatus,
    HomeVisit,
    Registration,
    RegistrationStatus,
)

__all__ = [
    "MAX_SESSION_HOURS",
    "SessionStatus",
    "GroupStatus",
    "GroupFormat",
    "TimedItem",
    "InfoSession",
    "TrainingGroup",
    "TrainingSession",
    "RegistrationStatus",
    "Registration",
    "EnrollmentStatus",
    "TAKES_A_PLACE",
    "Enrollment",
    "Attendance",
    "HomeVisit",
    "EventKind",
    "Event",
    "InvitationAudience",
    "InvitationReply",
    "EventInvitation",
    "SentReminder",
]
