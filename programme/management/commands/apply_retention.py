from django.core.management.base import BaseCommand

from programme.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise ended relationships, closed support cases and unused applications after the "
        "retention periods (RETENTION_*_DAYS). Safe to run daily; --dry-run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be anonymised; change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        counts = apply_retention(dry_run=dry_run)
        verb = "Would anonymise" if dry_run else "Anonymised"
        if not counts:
            self.stdout.write(f"{verb}: nothing.")
            return
        self.stdout.write(f"{verb}:")
        for kind, count in counts.items():
            self.stdout.write(f"  {kind}: {count}")
