"""Time the yearly statistics page and the coordinators' dashboard on the large data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kalliola_bench \
        .venv/bin/python bench/report_pages.py

The database must already hold `manage.py seed_large --scale 1` data (bench/load.py leaves it
so). Each page is rendered in-process with Django's test client as the seeded coordinator: the
first run warms the caches and is not counted, then `--runs` timed runs; it prints the median,
the slowest run and the number of SQL queries, as a Markdown table for docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalliola.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--year", type=int, default=None, help="Default: the current year.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from families.models import Stay
    from kalliola.roles import COORDINATORS

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    coordinator = get_user_model().objects.filter(groups__name=COORDINATORS).order_by("pk").first()
    if coordinator is None or Stay.objects.count() < 10_000:
        sys.exit("Load the large data set first: manage.py seed_large --scale 1")
    year = args.year or timezone.localdate().year
    client = Client()
    client.force_login(coordinator)
    pages = {
        f"statistics, year {year}": f"/admin/tilastot/?year={year}",
        "statistics, printable": f"/admin/tilastot/tulosta/?year={year}",
        "admin index with the dashboard": "/admin/",
    }
    print(f"{Stay.objects.count():,} stays; {args.runs} runs per page after one warm-up\n")
    print("| page | median | slowest | SQL queries |")
    print("| --- | ---: | ---: | ---: |")
    for label, url in pages.items():
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        print(
            f"| {label} | {statistics.median(times):.0f} ms | {max(times):.0f} ms "
            f"| {len(queries)} |"
        )


if __name__ == "__main__":
    main()
