"""Every kind of reminder of the apps, sent by `manage.py send_reminders` as one digest per
person per run (`kalliola.reminders.send_due`)."""

from families import reminders as families_reminders
from meetings import reminders as meetings_reminders
from trainings import reminders as trainings_reminders

KINDS = (
    trainings_reminders.INFO_SESSIONS,
    trainings_reminders.TRAINING_SESSIONS,
    families_reminders.REVIEWS,
    families_reminders.READINESS,
    meetings_reminders.FOLLOW_UPS,
)
