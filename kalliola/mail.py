"""The e-mail outbox: a mail is queued in the transaction of the change it is about, sent after.

`send_after_commit(send, *ids)` writes a `QueuedMail` row naming a registered mail function and
the ids it takes, in the caller's transaction: a change that rolls back owes no mail, and a change
that commits cannot lose its mail to a failing provider. How it is sent is `EMAIL_DELIVERY`:

- ``request`` (the default): right after the commit, in the request, as before; a failure is
  logged and the row stays queued for `manage.py send_queued_mail` to retry.
- ``worker``: the request only queues; `manage.py send_queued_mail --loop` (a service beside the
  web server) sends within seconds. Rendering a mail and talking to the provider then take no
  time from the visitor's request, and a slow provider cannot tie up the web workers.

Either way one process sends a mail: its row is locked while it is sent, and others skip it.
A failing mail is retried after growing pauses, then given up (`failed`, shown in the admin);
a mail whose record is gone (deleted, anonymised away) is dropped. Logs name the mail function,
the ids and the error's class: never an address or the error text, which may quote one.
"""

import datetime
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from kalliola.models import MailStatus, QueuedMail

logger = logging.getLogger(__name__)

# Pauses after the 1st, 2nd, ... failed attempt; after the last one the mail is given up.
RETRY_PAUSES = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=15),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=4),
)
MAX_ATTEMPTS = len(RETRY_PAUSES) + 1
# Only functions of the programme's apps can be named by a queued row.
MAIL_APPS = ("families", "trainings", "meetings")

_FUNCTIONS: dict[str, Callable[..., None]] = {}
_LABELS: dict[str, str] = {}


def mail_function(label):
    """Register a function that sends one e-mail, so it can be queued; `label` names it (admin).

    The function takes ids (ints, booleans: what JSON keeps) and loads its rows itself, since it
    runs after the commit, maybe in another process, maybe hours later.
    """

    def register(send):
        name = _name(send)
        _FUNCTIONS[name] = send
        _LABELS[name] = label
        return send

    return register


def _name(send: Callable) -> str:
    return f"{send.__module__}.{send.__qualname__}"


def function_for(name: str) -> Callable[..., None]:
    """The registered mail function `name`; LookupError for anything else."""
    module = name.rpartition(".")[0]
    if name not in _FUNCTIONS and module.split(".")[0] in MAIL_APPS:
        import_module(module)  # registers its functions (a sender process has not loaded them)
    try:
        return _FUNCTIONS[name]
    except KeyError:
        raise LookupError(f"{name} is not a registered mail function") from None


def label_for(name: str) -> str:
    try:
        function_for(name)
    except (LookupError, ImportError):
        return name
    return str(_LABELS[name])


def send_after_commit(send: Callable[..., None], *args) -> QueuedMail:
    """Queue `send(*args)` in the current transaction; send it once the transaction commits."""
    name = _name(send)
    if _FUNCTIONS.get(name) is not send:
        raise LookupError(f"{name} is not a registered mail function")
    queued = QueuedMail.objects.create(mail=name, args=list(args))
    if settings.EMAIL_DELIVERY == "request":
        # Robust: should even the outbox's own bookkeeping fail (the database gone), the change is
        # saved already; the error is logged and the cron sender tries the mail again.
        transaction.on_commit(lambda: deliver(queued.pk), robust=True)
    return queued


def queue_many(send: Callable[..., None], args_list: Iterable[Iterable]) -> int:
    """Queue `send(*args)` once for each args in `args_list`, in one insert, in the current
    transaction; return how many. These are never sent in the request, whatever
    `EMAIL_DELIVERY` says: thousands of invitations must not keep a coordinator waiting, so
    `manage.py send_queued_mail` (the cron job or the `--loop` service) sends them."""
    name = _name(send)
    if _FUNCTIONS.get(name) is not send:
        raise LookupError(f"{name} is not a registered mail function")
    rows = [QueuedMail(mail=name, args=list(args)) for args in args_list]
    QueuedMail.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def deliver(pk: int, *, now=None) -> str | None:
    """Send queued mail `pk` if it is due and no other process is sending it; its new status."""
    now = now or timezone.now()
    with transaction.atomic():
        queued = (
            QueuedMail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=MailStatus.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if queued is None:
            return None
        _attempt(queued, now)
    return queued.status


def _attempt(queued: QueuedMail, now) -> None:
    queued.attempts += 1
    try:
        # A savepoint: a database error inside the mail function must not break the outcome's save.
        with transaction.atomic():
            function_for(queued.mail)(*queued.args)
    except ObjectDoesNotExist:
        queued.status = MailStatus.DROPPED
        logger.info("E-mail %s%s dropped: its record is gone", queued.mail, queued.args)
    except Exception as error:  # noqa: BLE001 - any failure of the mail service
        queued.last_error = type(error).__name__[:120]
        if queued.attempts >= MAX_ATTEMPTS:
            queued.status = MailStatus.FAILED
            logger.error(
                "E-mail %s%s was not sent, given up after %d attempts: %s",
                queued.mail,
                queued.args,
                queued.attempts,
                queued.last_error,
            )
        else:
            queued.next_attempt_at = now + RETRY_PAUSES[queued.attempts - 1]
            logger.warning(
                "E-mail %s%s was not sent (attempt %d, retried later): %s",
                queued.mail,
                queued.args,
                queued.attempts,
                queued.last_error,
            )
    else:
        queued.status = MailStatus.SENT
        queued.sent_at = timezone.now()
    queued.save(update_fields=["status", "attempts", "next_attempt_at", "sent_at", "last_error"])


def send_due(*, now=None, limit: int = 200) -> Counter:
    """Send up to `limit` mails that are due, oldest first; counts of the outcomes.

    Safe beside other senders and the requests' own deliveries: each mail is sent by whoever
    locks it first.
    """
    now = now or timezone.now()
    due = QueuedMail.objects.filter(status=MailStatus.QUEUED, next_attempt_at__lte=now)
    outcomes = Counter()
    for pk in due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]:
        status = deliver(pk, now=now)
        if status is not None:
            outcomes[status] += 1
    return outcomes


def send_again(queryset) -> int:
    """Queue failed mails again for a full round of attempts (after the provider is fixed)."""
    return queryset.filter(status=MailStatus.FAILED).update(
        status=MailStatus.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )


def delete_finished(*, days: int, now=None) -> int:
    """Delete sent, dropped and given-up mails queued over `days` ago: no history for ever."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    finished = QueuedMail.objects.exclude(status=MailStatus.QUEUED).filter(created_at__lt=cutoff)
    deleted, _per_model = finished.delete()
    return deleted
