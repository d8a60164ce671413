from django.core.management.base import BaseCommand
from django.utils import timezone

from kalliola import reminders
from programme.reminders import KINDS


class Command(BaseCommand):
    help = (
        "Send the reminder e-mails that are due: session reminders, relationship reviews, "
        "follow-ups, readiness items expiring (to the coordinators), one mail per person listing "
        "all of theirs. Safe to run every 15 minutes: a reminder is never sent twice, "
        "also when two runs overlap."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        sent = reminders.send_due(KINDS, now=now)
        for kind in KINDS:
            self.stdout.write(f"{kind.label}: {sent[kind.name]} reminder(s) sent")
