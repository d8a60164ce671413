"""Reminders as digests: what is due for one person in one run goes as one mail listing it all.

Every kind of reminder (the day-before reminders of info sessions and training evenings, the
reviews of relationships, the readiness items expiring (to the coordinators), the follow-ups of
support-meeting cases) is a `ReminderKind` of its app: `due(now)` lists its `Reminder`s not sent
yet, each with the recipient's address, language and first name, what the mail says of it (in
that language) and `claim`, which marks it sent in the caller's transaction (False if another
run has). `send_due(kinds, now=...)` groups the due reminders of all the kinds by address and,
per person, claims them and sends one mail in one transaction: a second run that overlaps skips
what the first claimed, and a failed send rolls the claims back so the next run tries again.
`manage.py send_reminders` passes every app's kinds (`programme.reminders.KINDS`); one worker
with 19 follow-ups due gets one mail, not 19.

The mails name no child and no client, and people by their first names only (the recipient's; a
readiness notice the household contact's): relationships and cases by their number, sessions
by their time.
"""

import datetime
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)


@dataclass
class Reminder:
    """One reminder due to one person, rendered in their language."""

    kind: str  # the `ReminderKind.name` it belongs to
    to: str  # the address
    language: str
    first_name: str
    title: str  # the mail's subject when it is the only reminder
    claim: Callable[[], bool]
    lines: Sequence[str] = ()
    links: Sequence[tuple[str, str]] = ()  # (label, address)
    attachment: tuple[str, bytes, str] | None = None  # (file name, content, type)


@dataclass(frozen=True)
class ReminderKind:
    name: str  # for counts and the command's output
    due: Callable[[datetime.datetime], Iterable[Reminder]]
    label: str = field(default="")


def send_due(kinds: Iterable[ReminderKind], *, now: datetime.datetime) -> Counter:
    """Send what is due of `kinds` at `now`, one mail per person; counts of reminders sent per
    kind's name."""
    by_address: dict[str, list[Reminder]] = defaultdict(list)
    for kind in kinds:
        for reminder in kind.due(now):
            if reminder.to:
                by_address[reminder.to.strip().lower()].append(reminder)
    sent = Counter()
    for reminders in by_address.values():
        try:
            with transaction.atomic():
                claimed = [reminder for reminder in reminders if reminder.claim()]
                if claimed:
                    _send_digest(claimed)
        except Exception:
            # Logged without personal data; the claims roll back, so the next run retries.
            logger.exception(
                "A reminder digest (%s) could not be sent",
                ", ".join(sorted({reminder.kind for reminder in reminders})),
            )
            continue
        sent.update(reminder.kind for reminder in claimed)
    return sent


def _send_digest(reminders: list[Reminder]) -> None:
    first = reminders[0]
    with translation.override(first.language or settings.LANGUAGE_CODE):
        if len(reminders) == 1:
            subject = first.title
        else:
            subject = ngettext(
                "%(n)s reminder from the support family programme",
                "%(n)s reminders from the support family programme",
                len(reminders),
            ) % {"n": len(reminders)}
        context = {"first_name": first.first_name, "reminders": reminders}
        text = render_to_string("emails/reminders/digest.txt", context)
        html = render_to_string("emails/reminders/digest.html", context)
    message = EmailMultiAlternatives(str(subject), text, settings.DEFAULT_FROM_EMAIL, [first.to])
    message.attach_alternative(html, "text/html")
    for reminder in reminders:
        if reminder.attachment:
            message.attach(*reminder.attachment)
    message.send()
