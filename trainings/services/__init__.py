"""Business operations of the trainings app; views, admin, commands and other apps call these.

Every limit is checked after locking the row that guards it (the info session, the training
group), inside one transaction, so simultaneous sign-ups can never overfill a group. E-mail goes
out after the transaction commits.
"""

from families.services import PRETRAINING_HOURS
from trainings.services.common import (
    AlreadySignedUp,
    AttendanceError,
    NotEnoughHours,
    SessionFull,
    SignupClosed,
    SignupError,
    TrainingRecordAnonymised,
    _advance,
)
from trainings.services.completion import (
    complete_pretraining,
    complete_pretraining_if_due,
    completed_pretraining_hours,
    counted_attendances,
    mark_session_attended,
    record_attendance,
    record_home_visit,
)
from trainings.services.events import (
    InvitationError,
    audience_families,
    audience_sizes,
    invite_families,
    record_replies,
    reply_to_invitation,
)
from trainings.services.groups import (
    add_default_sessions,
    cancel_enrollment,
    cancel_group,
    cancel_training_session,
    duplicate_group,
    enroll,
    enroll_family,
    promote_from_waitlist,
)
from trainings.services.info_sessions import (
    cancel_info_session,
    cancel_registration,
    mark_info_session_attended,
    register_for_info_session,
)
from trainings.services.listings import (
    LISTINGS,
    cached_home_listing,
    cached_listing,
    cached_upcoming_groups,
    cached_upcoming_info_sessions,
    groups_with_places,
    home_listing,
    info_sessions_with_places,
    listing_version,
    listings_changed,
    places_left,
    public_groups,
    upcoming_groups,
    upcoming_info_sessions,
)
from trainings.services.notices import notify_session_changed

__all__ = [
    "cached_home_listing",
    "cached_listing",
    "cached_upcoming_groups",
    "cached_upcoming_info_sessions",
    "LISTINGS",
    "listing_version",
    "listings_changed",
    "PRETRAINING_HOURS",
    "AlreadySignedUp",
    "AttendanceError",
    "NotEnoughHours",
    "SessionFull",
    "SignupClosed",
    "SignupError",
    "TrainingRecordAnonymised",
    "_advance",
    "add_default_sessions",
    "cancel_enrollment",
    "cancel_group",
    "cancel_info_session",
    "cancel_registration",
    "cancel_training_session",
    "complete_pretraining",
    "complete_pretraining_if_due",
    "completed_pretraining_hours",
    "counted_attendances",
    "duplicate_group",
    "enroll",
    "enroll_family",
    "groups_with_places",
    "home_listing",
    "info_sessions_with_places",
    "InvitationError",
    "audience_families",
    "audience_sizes",
    "invite_families",
    "mark_info_session_attended",
    "mark_session_attended",
    "notify_session_changed",
    "places_left",
    "promote_from_waitlist",
    "public_groups",
    "record_attendance",
    "record_home_visit",
    "register_for_info_session",
    "record_replies",
    "reply_to_invitation",
    "upcoming_groups",
    "upcoming_info_sessions",
]
