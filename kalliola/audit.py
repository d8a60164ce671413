"""Audit trail: who created, changed, deleted or opened which record, and when (django-auditlog).

Every create, change and delete of the models named in AUDITED_MODELS is recorded by auditlog's
signals; its middleware adds the signed-in user as the actor. Opening a child's or a case's page
is recorded with `record_view(request, obj)`; in the admin, `AuditedViewAdminMixin` does it for
every change page. Coordinators read the trail in the admin (Audit log › Log entries); nobody can
add, change or delete entries there (kalliola/admin.py).

To audit another model, add its label to AUDITED_MODELS. Labels of models that do not exist (yet)
are skipped, so the list can already name models other apps are still building.
"""

import json
from collections.abc import Iterable

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.db import models
from django.utils import timezone

from kalliola.admin_anonymised import ClosedWhenAnonymisedAdminMixin

AUDITED_MODELS = [
    "families.SupportFamily",
    "families.DuplicateSubmission",
    "families.Child",
    "families.Guardian",
    "families.Referral",
    "families.SupportRelationship",
    "families.Stay",
    "families.SupervisionContact",
    "families.PaymentMonth",
    "families.PaymentMonthReopening",
    "families.UnavailablePeriod",
    "families.CheckIn",
    "families.ReadinessCheck",
    "meetings.SupportCase",
    "meetings.Meeting",
    "meetings.Assessment",
    "meetings.Plan",
    "meetings.ServiceReferral",
    "meetings.FollowUp",
    "meetings.MeetingRequest",
    "meetings.ContactAdult",
    "trainings.Registration",
    "trainings.Enrollment",
    "trainings.HomeVisit",
    "trainings.Event",
    "trainings.EventInvitation",
    "kalliola.AccessibilityFeedback",
]

# What an anonymised text field holds instead of the personal value (retention and erasure).
ANONYMISED = "anonymised"

# Fields that change on every save and say nothing about who changed what.
# Columns the database derives (kalliola/search.py) repeat what their fields already log.
NOISE_FIELDS = ("updated_at", "search_names", "search_phones")


def register_models(labels: Iterable[str]) -> list[type[models.Model]]:
    """Register each model named by "app_label.ModelName" with auditlog; return those registered.

    Labels whose app or model does not exist are skipped; registering twice is harmless.
    """
    registered = []
    for label in labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if not auditlog.contains(model):
            field_names = {field.name for field in model._meta.get_fields()}
            auditlog.register(
                model,
                exclude_fields=[name for name in NOISE_FIELDS if name in field_names],
            )
        registered.append(model)
    return registered


def record_view(request, obj: models.Model) -> LogEntry:
    """Record that the signed-in user opened `obj`'s page (an "access" entry in the trail)."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    return LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.ACCESS, changes=None, actor=actor
    )


def record_views(request, objects: Iterable[models.Model]) -> int:
    """Record that the signed-in user saw all these records at once (an export, a list file).

    One insert for all of them; each gets its own access entry, as `record_view` writes.
    """
    from django.contrib.contenttypes.models import ContentType

    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    now = timezone.now()
    entries = [
        LogEntry(
            content_type=ContentType.objects.get_for_model(obj),
            object_pk=str(obj.pk),
            object_id=obj.pk if isinstance(obj.pk, int) else None,
            object_repr=str(obj)[:200],
            action=LogEntry.Action.ACCESS,
            actor=actor,
            timestamp=now,
        )
        for obj in objects
    ]
    LogEntry.objects.bulk_create(entries)
    return len(entries)


def record_bulk(
    objects: Iterable[models.Model],
    *,
    action: int,
    actor=None,
    changes: dict | None = None,
) -> int:
    """Trail entries for rows written in bulk, which send no signal (`bulk_create`, a delete
    or an update of many rows): one entry per row, as a save would write, in one insert.

    `action` is a `LogEntry.Action`; `actor` the user who did it. Without `changes`, a
    "created" or "deleted" entry lists each field's value as auditlog's own entries do ("None"
    on the other side: pass the rows as saved, or as they were); with `changes` (the same for
    every row, ``{"reply": ["pending", "yes"]}``) that is the entry. The rows' `__str__` should
    need no query. Returns how many entries were written.
    """
    from django.contrib.contenttypes.models import ContentType

    deleted = action == LogEntry.Action.DELETE
    actor = actor if actor is not None and actor.is_authenticated else None
    now = timezone.now()
    entries = []
    fields = content_type = None
    for obj in objects:
        if fields is None:
            fields = [f for f in obj._meta.concrete_fields if f.name not in NOISE_FIELDS]
            content_type = ContentType.objects.get_for_model(obj)
        if changes is None:
            values = {f.name: f.value_from_object(obj) for f in fields}
            row_changes = {
                name: [str(value), "None"] if deleted else ["None", str(value)]
                for name, value in values.items()
                if value is not None
            }
        else:
            row_changes = changes
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(obj.pk),
                object_id=obj.pk if isinstance(obj.pk, int) else None,
                object_repr=str(obj)[:200],
                action=action,
                changes=row_changes,
                changes_text="",
                actor=actor,
                timestamp=now,
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def person_log(records: Iterable[models.Model]) -> list[LogEntry]:
    """Every trail entry of one person's records (created, changed, deleted, opened), newest first.

    `records` are the person's own record and those that hold their data (a child's guardians,
    referrals, relationships, stays, contacts; a case's meetings, assessment, plan, follow-up),
    as each app's `*_records(person)` function lists them. This answers a person's question
    "who has processed my data, and when" (the social-welfare client records act).
    """
    from django.contrib.contenttypes.models import ContentType

    by_type: dict[int, list[str]] = {}
    for record in records:
        content_type = ContentType.objects.get_for_model(record)
        by_type.setdefault(content_type.pk, []).append(str(record.pk))
    if not by_type:
        return []
    condition = models.Q()
    for content_type_id, pks in by_type.items():
        condition |= models.Q(content_type_id=content_type_id, object_pk__in=pks)
    return list(
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def views_of(obj: models.Model):
    """The access entries of one record, newest first (for tests and for a record's history)."""
    return LogEntry.objects.get_for_object(obj).filter(action=LogEntry.Action.ACCESS)


def forget(model: type[models.Model], pks: Iterable) -> int:
    """Blank the trail's personal values of these records, keeping who did what and when.

    An entry's `changes` (old and new values), its text and the record's name as it was
    (`object_repr`) hold personal data; after anonymisation they must go too. The entries stay,
    so the trail still says who created, changed or opened the record and when. Returns how many
    entries were blanked (only those not blanked before: running twice blanks nothing more).
    """
    from django.contrib.admin.models import LogEntry as AdminLogEntry
    from django.contrib.contenttypes.models import ContentType

    pks = [str(pk) for pk in pks]
    if not pks:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    # The admin's own history names the record too, and its message names the rows changed on
    # the same page (a guardian added on the child's page).
    AdminLogEntry.objects.filter(content_type=content_type, object_id__in=pks).exclude(
        object_repr=ANONYMISED
    ).update(object_repr=ANONYMISED, change_message="")
    entries = LogEntry.objects.filter(content_type=content_type, object_pk__in=pks).exclude(
        object_repr=ANONYMISED
    )
    return entries.update(
        object_repr=ANONYMISED,
        changes=None,
        changes_text="",
        serialized_data=None,
        additional_data=None,
    )


# Shorter values are not searched for: "Anna" would blank every Anna's trail.
MENTION_MIN_LENGTH = 5


def blank(queryset: models.QuerySet, values: dict) -> int:
    """Give these rows the anonymised `values` where they still differ and blank their trail.

    Retention and erasure use it for the parts of a record (a case's meetings, a relationship's
    stays): run again on an anonymised record, it blanks what was written to it since (past the
    services' guard) and changes nothing else. Returns how many rows changed.
    """
    model = queryset.model
    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return 0
    changed = model._default_manager.filter(pk__in=pks).exclude(**values).update(**values)
    forget(model, pks)
    return changed


def forget_mentions(values: Iterable[str]) -> int:
    """Blank every trail entry, of any record, that still quotes one of a person's values.

    `forget` blanks the person's own records' entries; other records name the person too: a
    relationship is "child – household", a payment month or a sign-up names the household, the
    admin's message on a child's page names the guardian added there. Erasure passes the name,
    e-mail and phone as they were, and every entry quoting one (as typed, or as JSON escapes
    non-ASCII letters) is blanked like `forget` blanks: who did what and when stays. Values
    shorter than `MENTION_MIN_LENGTH` are not searched for. Returns how many entries were
    blanked.
    """
    from django.contrib.admin.models import LogEntry as AdminLogEntry
    from django.db.models import Q, TextField
    from django.db.models.functions import Cast

    forms = set()
    for value in values:
        value = (value or "").strip()
        if len(value) >= MENTION_MIN_LENGTH and value != ANONYMISED:
            forms.update({value, json.dumps(value)[1:-1]})
    if not forms:
        return 0
    audit = Q()
    admin_entries = Q()
    for form in forms:
        audit |= (
            Q(object_repr__icontains=form)
            | Q(changes_text__icontains=form)
            | Q(changes_as_text__icontains=form)
            | Q(serialized_as_text__icontains=form)
            | Q(additional_as_text__icontains=form)
        )
        admin_entries |= Q(object_repr__icontains=form) | Q(change_message__icontains=form)
    AdminLogEntry.objects.filter(admin_entries).update(object_repr=ANONYMISED, change_message="")
    quoting = LogEntry.objects.annotate(
        changes_as_text=Cast("changes", TextField()),
        serialized_as_text=Cast("serialized_data", TextField()),
        additional_as_text=Cast("additional_data", TextField()),
    ).filter(audit)
    return LogEntry.objects.filter(pk__in=quoting.values("pk")).update(
        object_repr=ANONYMISED,
        changes=None,
        changes_text="",
        serialized_data=None,
        additional_data=None,
    )


class AuditedViewAdminMixin(ClosedWhenAnonymisedAdminMixin):
    """Records a view in the audit trail whenever a change page of an existing object is shown.

    Every admin of personal data uses it, so it also keeps anonymised records closed
    (kalliola.admin_anonymised).

    Put it first in the bases: `class ChildAdmin(AuditedViewAdminMixin, admin.ModelAdmin)`.
    A form shown again with errors counts too: the person saw the data.
    """

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if not add and obj is not None and obj.pk is not None:
            record_view(request, obj)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )


class RecordViewMixin:
    """For class-based detail views (portal pages of a child or a case): records each GET.

    `class ChildDetail(LoginRequiredMixin, RecordViewMixin, DetailView)`; the object comes from
    the view's own, user-scoped `get_queryset()`, so a 404 records nothing.
    """

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if self.request.method == "GET":
            record_view(self.request, obj)
        return obj
