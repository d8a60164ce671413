from django.core.management.base import BaseCommand
from django.utils import timezone

from families import reminders as families_reminders
from kalliola import reminders
from programme.reminders import KINDS


class Command(BaseCommand):
    help = (
        "Send the reminder e-mails that are due: session reminders, relationship reviews, "
        "follow-ups, one mail per person listing all of theirs; readiness items expiring, told "
        "to the coordinators. Safe to run every 15 minutes: a reminder is never sent twice, "
        "also when two runs overlap."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        sent = reminders.send_due(KINDS, now=now)
        for kind in KINDS:
            self.stdout.write(f"{kind.label}: {sent[kind.name]} reminder(s) sent")
        told = families_reminders.send_readiness_notices(now=now)
        self.stdout.write(f"readiness items expiring: {told} told to the coordinators")
