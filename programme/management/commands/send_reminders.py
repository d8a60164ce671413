from django.core.management.base import BaseCommand
from django.utils import timezone

from families import reminders as families_reminders
from meetings import reminders as meetings_reminders
from trainings import reminders as trainings_reminders


class Command(BaseCommand):
    help = (
        "Send the reminder e-mails that are due: session reminders, relationship reviews, "
        "follow-ups, readiness items expiring. Safe to run every 15 minutes: a reminder is never "
        "sent twice, also when two runs overlap."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        for label, module in (
            ("training and info sessions", trainings_reminders),
            ("relationship reviews", families_reminders),
            ("support-meeting follow-ups", meetings_reminders),
        ):
            sent = module.send_due(now=now)
            self.stdout.write(f"{label}: {sent} reminder(s) sent")
        told = families_reminders.send_readiness_notices(now=now)
        self.stdout.write(f"readiness items expiring: {told} told to the coordinators")
