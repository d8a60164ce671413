"""The readiness checklist: which items a household has, until when each holds, and what it blocks.

A check of an item with a validity of `m` months holds on a day `D` when it was made on or
before `D` and on or after `months_before(D, m)`: seen on 15 June with 6 months, it holds
through 15 December and not on 16 December (`valid_until`). An item without a validity holds
for good once checked. The latest check of an item counts.

- Matching suggests only households whose every *required* item holds today
  (`ready_annotations`, read by `families.matching`); the others are listed with the items
  that block them (`blocked_households`).
- Approval needs every required item to hold (`readiness_gaps`, asked by `_check_approval`);
  the extract then has its own, stricter rule (at most `CRIMINAL_RECORD_VALID_MONTHS` old).
- A check that stops holding within `EXPIRY_WARNING_DAYS` is on the dashboard
  (`expiring_checks`) and e-mailed to the coordinators once (`families.reminders`).

The items the trainings app knows (info session, pre-training hours, home visit) are shown on
the checklist through `register_checklist_items`; they are the steps to *trained*, which every
household that can take a child has passed, so matching does not ask them again.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import (
    CAN_TAKE_A_CHILD,
    CRIMINAL_RECORD,
    FamilyStatus,
    ReadinessCheck,
    ReadinessItem,
    SupportFamily,
)
from families.models.readiness import shift_months, valid_until
from kalliola.services.anonymised import RecordAnonymised, refuse_anonymised
from kalliola.validators import HAPPENED, implausible_date_error

# A check that stops holding within this many days is shown and e-mailed ahead.
EXPIRY_WARNING_DAYS = 60
# The households whose checks are watched for expiry: those that can take a child or rest.
WATCHED_STATUSES = (*CAN_TAKE_A_CHILD, FamilyStatus.ON_HOLD)
# How many blocked households the suggestions page names (the count is always complete).
BLOCKED_SHOWN = 50


class ReadinessError(Exception):
    """A check that cannot be recorded; the message is shown to the user."""


class ReadinessAnonymised(ReadinessError, RecordAnonymised):
    """The household was erased: nothing is recorded for it."""


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (31 August → 28/29 February)."""
    return shift_months(day, -months)


def holds_on(checked_on: datetime.date | None, months: int | None, day: datetime.date) -> bool:
    if checked_on is None or checked_on > day:
        return False
    return months is None or checked_on >= months_before(day, months)


def extract_item() -> ReadinessItem:
    """The built-in criminal-record extract item (the migration creates it)."""
    item, _created = ReadinessItem.objects.get_or_create(
        code=CRIMINAL_RECORD,
        defaults={"name": "Rikostaustaote", "required": True, "validity_months": 60},
    )
    return item


def _holding(item: ReadinessItem, today: datetime.date, family_ref="pk"):
    checks = ReadinessCheck.objects.filter(
        family=OuterRef(family_ref), item=item, checked_on__lte=today
    )
    if item.validity_months is not None:
        checks = checks.filter(checked_on__gte=months_before(today, item.validity_months))
    return Exists(checks)


def required_items() -> list[ReadinessItem]:
    """The required items (one query; the extract among them, created if it went missing)."""
    items = list(ReadinessItem.objects.filter(required=True))
    if not any(item.code == CRIMINAL_RECORD for item in items):
        items.append(extract_item())
    return items


def ready_annotations(items: list[ReadinessItem], today: datetime.date) -> dict:
    """One boolean per required item (`ready_<pk>`): its latest check holds today."""
    return {f"ready_{item.pk}": _holding(item, today) for item in items}


def all_ready(items: list[ReadinessItem]) -> Q:
    q = Q()
    for item in items:
        q &= Q(**{f"ready_{item.pk}": True})
    return q


@dataclass
class BlockedHousehold:
    family_id: int
    contact_name: str
    blocking: list[str]


def blocked_households(candidates, items, today, *, shown: int = BLOCKED_SHOWN):
    """(count, the first `shown`) of `candidates` that some required item blocks, each with the
    blocking items' names ("expired" or "missing"). One query for the rows and the count."""
    if not items:
        return 0, []
    annotated = candidates.annotate(**ready_annotations(items, today))
    blocked = annotated.exclude(all_ready(items)).order_by("contact_name", "pk")
    latest = ReadinessCheck.objects.filter(family=OuterRef("pk"), item__in=items)
    ever = {f"ever_{item.pk}": Exists(latest.filter(item=item)) for item in items}
    rows = list(
        blocked.annotate(**ever).values(
            "pk", "contact_name", *[f"ready_{i.pk}" for i in items], *ever
        )[: shown + 1]
    )
    count = len(rows) if len(rows) <= shown else blocked.count()
    found = []
    for row in rows[:shown]:
        names = [
            (_("%(item)s expired") if row[f"ever_{i.pk}"] else _("%(item)s missing")) % {"item": i}
            for i in items
            if not row[f"ready_{i.pk}"]
        ]
        found.append(BlockedHousehold(row["pk"], row["contact_name"], names))
    return count, found


# -- the checklist of one household -----------------------------------------------------------


@dataclass
class ItemState:
    """One line of a household's checklist."""

    name: str
    required: bool
    state: str  # "valid", "expiring", "expired", "missing", "done"
    checked_on: datetime.date | None = None
    checked_by: str = ""
    valid_until: datetime.date | None = None
    detail: str = ""

    @property
    def state_text(self) -> str:
        if self.state == "missing":
            return _("missing")
        if self.state == "expired":
            return _("expired on %(date)s") % {"date": f"{self.valid_until:%d.%m.%Y}"}
        if self.state == "done":
            return _("done")
        if self.valid_until is None:
            return _("valid")
        return _("valid until %(date)s") % {"date": f"{self.valid_until:%d.%m.%Y}"}

    @property
    def blocks(self) -> bool:
        return self.required and self.state in ("missing", "expired")


# Functions(family) -> list[ItemState] that other apps register (the trainings app's items).
_CHECKLIST_ITEMS: list[Callable] = []


def register_checklist_items(items: Callable) -> None:
    """`items(family) -> list[ItemState]` adds the lines another app knows to every checklist."""
    if items not in _CHECKLIST_ITEMS:
        _CHECKLIST_ITEMS.append(items)


def _state_of(item: ReadinessItem, check, today) -> ItemState:
    if check is None:
        return ItemState(str(item), item.required, "missing")
    until = valid_until(check.checked_on, item.validity_months)
    if not holds_on(check.checked_on, item.validity_months, today):
        state = "expired"
    elif until is not None and until <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
        state = "expiring"
    else:
        state = "valid"
    by = check.checked_by
    return ItemState(
        str(item),
        item.required,
        state,
        checked_on=check.checked_on,
        checked_by=(by.get_full_name() or by.get_username()) if by else "",
        valid_until=until,
    )


def checklist(family: SupportFamily, *, today: datetime.date | None = None) -> list[ItemState]:
    """Every item of the household's checklist with its state: the other apps' lines first,
    then the programme's items (the extract first). A constant number of queries."""
    today = today or timezone.localdate()
    extract_item()
    items = list(ReadinessItem.objects.all())
    latest = {}
    for check in (
        ReadinessCheck.objects.filter(family=family)
        .select_related("checked_by")
        .order_by("item_id", "-checked_on", "-pk")
    ):
        latest.setdefault(check.item_id, check)
    lines = [line for items_of in _CHECKLIST_ITEMS for line in items_of(family)]
    return lines + [_state_of(item, latest.get(item.pk), today) for item in items]


def readiness_gaps(
    family: SupportFamily, *, today: datetime.date, skip_extract: bool = False
) -> list[str]:
    """Why the household's required items do not all hold today (empty: they do)."""
    reasons = []
    for item in required_items():
        if skip_extract and item.code == CRIMINAL_RECORD:
            continue
        check = (
            ReadinessCheck.objects.filter(family=family, item=item, checked_on__lte=today)
            .order_by("-checked_on", "-pk")
            .first()
        )
        if check is None:
            reasons.append(_("%(item)s is missing from the checklist.") % {"item": item})
        elif not holds_on(check.checked_on, item.validity_months, today):
            reasons.append(
                _("%(item)s expired on %(date)s.")
                % {
                    "item": item,
                    "date": f"{valid_until(check.checked_on, item.validity_months):%d.%m.%Y}",
                }
            )
    return reasons


# -- recording --------------------------------------------------------------------------------


def add_check(family: SupportFamily, item: ReadinessItem, *, checked_on, by) -> ReadinessCheck:
    """Write the check row (the caller holds the household's lock and has checked the date);
    the extract's latest check is also kept on the household, where approval reads it."""
    check = ReadinessCheck.objects.create(
        family=family, item=item, checked_on=checked_on, checked_by=by
    )
    if item.code == CRIMINAL_RECORD:
        latest = family.criminal_record_checked_on
        if latest is None or checked_on >= latest:
            family.criminal_record_checked_on = checked_on
            family.criminal_record_checked_by = by
            family.save(
                update_fields=[
                    "criminal_record_checked_on",
                    "criminal_record_checked_by",
                    "updated_at",
                ]
            )
    return check


def record_check(
    family: SupportFamily, item: ReadinessItem, *, checked_on: datetime.date, by
) -> ReadinessCheck:
    """Record that `by` saw the document or confirmed `item` for the household on `checked_on`.

    A new row every time (the earlier ones stay as history); the day may not be in the future;
    an anonymised household takes nothing."""
    if checked_on is None or by is None:
        raise ReadinessError(_("Give the day and who checked the item."))
    error = implausible_date_error(checked_on, HAPPENED)
    if error:
        raise ReadinessError(error)
    with transaction.atomic():
        locked = SupportFamily.objects.select_for_update().get(pk=family.pk)
        refuse_anonymised(locked, error=ReadinessAnonymised)
        return add_check(locked, item, checked_on=checked_on, by=by)


# -- expiry -----------------------------------------------------------------------------------


def expiring_checks(today: datetime.date):
    """The latest checks, of watched households, that hold today and stop holding within
    `EXPIRY_WARNING_DAYS` days (valid until today + 60 at the latest), soonest first."""
    horizon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS + 1)
    window = Q(pk__in=[])
    for item in ReadinessItem.objects.filter(validity_months__isnull=False):
        months = item.validity_months
        window |= Q(
            item=item,
            checked_on__gte=months_before(today, months),
            checked_on__lt=months_before(horizon, months),
        )
    newer = ReadinessCheck.objects.filter(
        family=OuterRef("family"), item=OuterRef("item"), checked_on__gt=OuterRef("checked_on")
    )
    return (
        ReadinessCheck.objects.filter(window, family__status__in=WATCHED_STATUSES)
        .filter(family__anonymised_at__isnull=True, checked_on__lte=today)
        .exclude(Exists(newer))
        .select_related("family", "item")
        .order_by("checked_on", "pk")
    )


def households_with_expiring_checks(today: datetime.date, checks=None):
    """The households with a check of `expiring_checks` (or of `checks`, that queryset already
    built): the dashboard's figure and the household list's "expiring" filter (a household with
    two such checks counts once)."""
    checks = expiring_checks(today) if checks is None else checks
    return SupportFamily.objects.filter(pk__in=checks.values("family_id"))


def expiry_day(check: ReadinessCheck) -> datetime.date | None:
    return valid_until(check.checked_on, check.item.validity_months)
