from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from families import demo as families_demo
from meetings import demo as meetings_demo
from programme.demo import DEMO_USERS, ensure_demo_users
from trainings import demo as trainings_demo


class Command(BaseCommand):
    help = "Load fictional demo data and demo staff logins. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Allow running with DEBUG off (never in production).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates demo logins; refusing with DEBUG off.")
        today = timezone.localdate()
        with transaction.atomic():
            users = ensure_demo_users()
            trainings_demo.seed(today=today, users=users)
            families_demo.seed(today=today, users=users)
            meetings_demo.seed(today=today, users=users)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo logins:"))
        for username, password, _first, _last, group, _staff in DEMO_USERS:
            self.stdout.write(f"  {group:16} username: {username:16} password: {password}")
        self.stdout.write("  Coordinators: http://127.0.0.1:8000/admin/")
        self.stdout.write("  Support workers: http://127.0.0.1:8000/tyo/")
