import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kalliola import mail

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Command(BaseCommand):
    help = (
        "Send the queued e-mails that are due (confirmations, notices), retrying failed ones "
        "with growing pauses. Without --loop: one pass, for cron every minute. With --loop: keeps "
        "sending until stopped (SIGTERM/SIGINT finish the mail in hand first), for a service "
        "beside the web server when EMAIL_DELIVERY=worker. Safe to run several at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running.")
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help="Seconds to wait when nothing is due (with --loop; default 2).",
        )

    def handle(self, *args, loop=False, interval=2.0, **options):
        if not loop:
            self._report(mail.send_due())
            self._report({"deleted": mail.delete_finished(days=settings.EMAIL_OUTBOX_DAYS)})
            return
        self.stopping = False
        previous = {signum: signal.signal(signum, self._stop) for signum in STOP_SIGNALS}
        try:
            self._loop(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _loop(self, interval: float) -> None:
        last_cleanup = 0.0
        while not self.stopping:
            close_old_connections()
            outcomes = mail.send_due()
            if outcomes:
                self._report(outcomes)
            if time.monotonic() - last_cleanup > 3600:
                mail.delete_finished(days=settings.EMAIL_OUTBOX_DAYS)
                last_cleanup = time.monotonic()
            if not outcomes:
                self._sleep(interval)

    def _stop(self, signum, frame):
        self.stopping = True

    def _sleep(self, seconds: float) -> None:
        # In short steps, so a stop request is answered at once.
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))

    def _report(self, counts) -> None:
        text = (
            ", ".join(f"{status} {n}" for status, n in sorted(dict(counts).items())) or "none due"
        )
        self.stdout.write(f"queued e-mails: {text}", ending="\n")
        self.stdout.flush()
