"""`python -m bench.seed_large --scale 1`: add the large fictional data set (bench/large_data.py).

Development only, so it lives with the benchmarks and not in an app's management commands. It
reads the same environment as `manage.py` (DATABASE_URL and the rest).
"""

import os
import sys

import django

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalliola.settings")
    django.setup()

from django.core.management.base import BaseCommand, CommandError  # noqa: E402

from bench.large_data import Counts, Progress, generate  # noqa: E402
from families.models import Child, SupportFamily  # noqa: E402
from meetings.models import SupportCase  # noqa: E402


class Command(BaseCommand):
    help = (
        "Add a large FICTIONAL data set for performance work: at --scale 1 about 10,000 "
        "households, 5,000 children, 4,000 relationships, 200,000 stays, 5,000 support cases, "
        "15,000 meetings, 500 info sessions and 100 training groups, with staff users "
        "(unusable passwords). Rows are added with bulk inserts (no audit-trail entries). It is "
        "meant for an empty database (after migrate): it refuses to run when households, "
        "children or cases already exist, unless --force is given. Never run it in production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Size of the data set (1 = the sizes above)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the data even though the database already has households, children or cases.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, scale=1.0, seed=2026, force=False, no_progress=False, **options):
        if scale <= 0:
            raise CommandError("--scale must be more than 0.")
        existing = (
            SupportFamily.objects.exists() or Child.objects.exists() or SupportCase.objects.exists()
        )
        if existing and not force:
            raise CommandError(
                "The database already has households, children or cases. seed_large adds "
                "fictional data to an empty database; use --force to add it anyway."
            )
        counts = Counts.for_scale(scale)
        self.stdout.write(
            f"Adding {counts.households} households, {counts.children} children, "
            f"{counts.relationships} relationships, {counts.stays} stays, {counts.cases} cases, "
            f"{counts.meetings} meetings, {counts.info_sessions} info sessions, "
            f"{counts.groups} training groups."
        )
        progress = None if no_progress else Progress(1, stream=sys.stderr)
        result = generate(scale, seed=seed, progress=progress)
        for name, count in sorted(result.counts.items()):
            self.stdout.write(f"  {name:28} {count:>9,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {result.seconds:.1f} s. Coordinator: {result.coordinator}; "
                f"busiest support worker: {result.busy_worker} (passwords unusable: set them "
                "with `manage.py changepassword`)."
            )
        )


if __name__ == "__main__":
    Command().run_from_argv(["bench/seed_large.py", "seed_large", *sys.argv[1:]])
