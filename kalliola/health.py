"""What /health/ reports: the database and the cache separately, and the outbox's backlog.

- 503 when the database does not answer: nothing but the cached public pages can be served, so
  a load balancer should send visitors elsewhere.
- 200 with `"cache": "unreachable"` (`"status": "degraded"`) when Redis does not answer: the
  site still serves everything from the database, only slower; an alert, not a failover.
- `outbox_oldest_unsent_seconds`: how long the oldest mail still queued has waited (null when
  none waits). Mail is sent within seconds; a growing age means the sender is down.
"""

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.models import Min
from django.utils import timezone

from kalliola.models import MailStatus, QueuedMail


def _cache_answers() -> bool:
    cache = caches["default"]
    is_reachable = getattr(cache, "is_reachable", None)
    if is_reachable is not None:
        return is_reachable()
    try:
        cache.get("kalliola:health")
    except Exception:
        return False
    return True


def _oldest_unsent_seconds() -> int | None:
    oldest = QueuedMail.objects.filter(status=MailStatus.QUEUED).aggregate(at=Min("created_at"))
    if oldest["at"] is None:
        return None
    return max(0, int((timezone.now() - oldest["at"]).total_seconds()))


def report() -> tuple[int, dict]:
    """The HTTP status and the body of /health/."""
    cache = "ok" if _cache_answers() else "unreachable"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        oldest = _oldest_unsent_seconds()
    except DatabaseError:
        return 503, {"status": "error", "database": "unreachable", "cache": cache}
    return 200, {
        "status": "ok" if cache == "ok" else "degraded",
        "database": "ok",
        "cache": cache,
        "outbox_oldest_unsent_seconds": oldest,
    }
