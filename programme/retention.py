"""Retention: anonymise what the programme no longer needs, after configurable periods.

`apply_retention()` runs the apps' own retention functions (families/retention.py,
meetings/retention.py, trainings/retention.py) and returns counts per kind of record. Periods come
from settings (environment variables, defaults in kalliola/settings.py and the README):

- RETENTION_RELATIONSHIP_DAYS: after a support relationship ended (its stays' and contacts'
  notes, then the child and guardians once the child has no relationship left; also children
  whose referral ended unmatched and households that ended, counted from the last change);
- RETENTION_CASE_DAYS: after a support case closed (contacts, request, question, notes,
  assessment, plan, follow-up notes), and after a request was not taken forward;
- RETENTION_APPLICATION_DAYS: after the last activity of a household still applied, withdrawn or
  declined;
- RETENTION_FEEDBACK_DAYS: after accessibility feedback was answered (kalliola/retention.py).

Rows stay and keep what statistics count; personal values become "anonymised" or empty and the
audit trail's copies of them are blanked. A record anonymised once is looked at again on every
run: whatever personal text was written to it since (past the services' guard) is blanked, and
nothing else changes, so the command is safe to run daily. A dry run does the same work inside a
transaction and rolls it back: the counts are exact, nothing changes.
"""

from collections import Counter

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from families import retention as families_retention
from kalliola import retention as kalliola_retention
from meetings import retention as meetings_retention


def apply_retention(*, dry_run: bool = False, now=None) -> dict[str, int]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = Counter()
    with transaction.atomic():
        counts += families_retention.apply_relationship_retention(
            today=today, days=settings.RETENTION_RELATIONSHIP_DAYS, now=now
        )
        counts += meetings_retention.apply_case_retention(
            today=today, days=settings.RETENTION_CASE_DAYS, now=now
        )
        counts += families_retention.apply_application_retention(
            days=settings.RETENTION_APPLICATION_DAYS, now=now
        )
        counts += kalliola_retention.apply_feedback_retention(
            days=settings.RETENTION_FEEDBACK_DAYS, now=now
        )
        if dry_run:
            transaction.set_rollback(True)
    return dict(sorted(counts.items()))
