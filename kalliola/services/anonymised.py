"""The guard every write service calls: an anonymised record is closed for good.

Erasure and retention anonymise a record by blanking its personal texts and setting its
`anonymised_at`. From then on nothing may be written to it, nor to anything that belongs to it
(a case's meetings, assessment, plan, referrals and follow-up; a relationship's stays and
contacts; a child's guardians and referrals): the services of the apps call `refuse_anonymised`
with the record and the records it belongs to, inside their transaction, after locking. The admin
uses `is_anonymised` to show such records read-only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

ANONYMISED_MESSAGE = _(
    "This record has been anonymised (its personal data was erased). Nothing more can be "
    "written to it or to what belongs to it."
)


class RecordAnonymised(Exception):
    """A write to an anonymised record (or to one belonging to it) was refused."""

    default_message = ANONYMISED_MESSAGE

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))

    def __str__(self):
        return str(self.message)


def is_anonymised(record: models.Model | None) -> bool:
    """Whether the stored row (not the instance in hand, which may be stale) is anonymised."""
    if record is None or record.pk is None:
        return False
    model = type(record)
    if not any(field.name == "anonymised_at" for field in model._meta.concrete_fields):
        return False
    return model._default_manager.filter(pk=record.pk, anonymised_at__isnull=False).exists()


def refuse_anonymised(*records: models.Model | None, error: type[Exception] = RecordAnonymised):
    """Raise `error` if any of the records (the one written and those it belongs to) is
    anonymised. Apps pass their own error class (a subclass of RecordAnonymised and of their
    error base) so their views show the message as they show every refusal."""
    for record in records:
        if is_anonymised(record):
            raise error()


def belongs_to(record: models.Model) -> list[models.Model]:
    """The record and the anonymisable records it belongs to (a meeting's case and the case's
    request, a stay's relationship with its child and household), found through its links.
    A link to an earlier case or request (`earlier_…`) is history, not belonging."""
    found, todo = [], [record]
    while todo:
        current = todo.pop()
        if current is None or any(current is seen for seen in found):
            continue
        found.append(current)
        for field in current._meta.concrete_fields:
            if not field.many_to_one and not field.one_to_one:
                continue
            if field.name.startswith("earlier") or not anonymisable(field.related_model):
                continue
            if getattr(current, field.attname) is not None:
                todo.append(getattr(current, field.name))
    return found


def anonymisable(model) -> bool:
    return any(field.name == "anonymised_at" for field in model._meta.concrete_fields)


def closed_for_good(record: models.Model | None) -> bool:
    """Whether the record, or one it belongs to, is anonymised."""
    return record is not None and any(is_anonymised(item) for item in belongs_to(record))
