"""E-mail sent once a change is committed, where a failing mail service cannot undo the page.

A sign-up or a cancellation is saved first; the e-mail about it goes out after the commit. Sent
directly from `transaction.on_commit`, an error of the mail provider (down, refusing, timing out)
would surface as a server error page for a change that is already saved, and in a loop (a
cancelled group) would stop the mails to everyone after the failing one. Here each failure is
logged and the others go on. The log names the mail function, the row ids and the error's class:
never an address or the error text, which may quote one.
"""

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)


def send_after_commit(send: Callable[..., None], *args) -> None:
    """Call `send(*args)` after the current transaction commits; log it if it fails."""

    def deliver():
        try:
            send(*args)
        except Exception as error:  # noqa: BLE001 - any failure of the mail service
            ids = [arg if isinstance(arg, int) else getattr(arg, "pk", "?") for arg in args]
            logger.error("E-mail %s%s was not sent: %s", send.__name__, ids, type(error).__name__)

    transaction.on_commit(deliver)
