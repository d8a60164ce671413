"""Data-subject requests: export everything stored about one person, or erase the person.

The apps hold the per-person logic next to their retention functions (`families/retention.py`,
`meetings/retention.py`); this module has what they share and the admin mixin that offers the two
actions. The export is a JSON file (UTF-8, indented, keys are the fields' names in English): a
person can read it in any text editor and a program can read it too. Erasure anonymises exactly
as retention does (rows stay for statistics, personal values become "anonymised"), and is refused
while an open relationship or an open case still needs the data.
"""

import datetime
import json
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kalliola.audit import person_log, record_view, record_views
from kalliola.reports.export import csv_response
from kalliola.roles import is_coordinator


class ErasureRefused(Exception):
    """The person's data is still needed (an open relationship or case); the message says why."""


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def record(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict:
    """One record's own fields as plain values; a choice also gets its label, a link its name."""
    data = {"id": obj.pk}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in exclude:
            continue
        if field.is_relation:
            related = getattr(obj, field.name)
            data[field.name] = None if related is None else str(related)
            continue
        value = getattr(obj, field.attname)
        data[field.name] = _plain(value)
        if field.choices and value not in (None, ""):
            data[f"{field.name}_label"] = str(getattr(obj, f"get_{field.name}_display")())
    return data


def audit_trail(obj: models.Model) -> list[dict]:
    """Who created, changed or opened the record and when (the trail's own entries)."""
    entries = LogEntry.objects.get_for_object(obj).select_related("actor").order_by("timestamp")
    return [
        {
            "when": _plain(entry.timestamp),
            "action": str(entry.get_action_display()),
            "by": str(entry.actor) if entry.actor else None,
            "changes": entry.changes,
        }
        for entry in entries
    ]


def export_document(kind: str, subjects: list[dict]) -> bytes:
    document = {
        "exported_at": _plain(timezone.now()),
        "kind": kind,
        "people": subjects,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


class DataSubjectAdminMixin:
    """Adds "Export all data about this person" and "Erase this person" admin actions.

    The admin class names two functions of its app: `dsr_export(obj) -> dict` and
    `dsr_erase(obj, now)` (raising ErasureRefused with the reason), and `dsr_kind` for the file
    name; then lists "export_personal_data" and "erase_personal_data" in its `actions`. Only
    coordinators may use them. Erasure asks for confirmation on a page of its own.
    """

    dsr_kind = "person"
    dsr_export = None
    dsr_erase = None
    # `dsr_records(obj) -> list` of the records holding the person's data, for the access log.
    dsr_records = None

    def _dsr_check(self, request):
        if not is_coordinator(request.user):
            raise PermissionDenied

    @admin.action(description=_("Export all data about this person"))
    def export_personal_data(self, request, queryset):
        self._dsr_check(request)
        export = type(self).dsr_export
        subjects = [export(obj) for obj in queryset]
        for obj in queryset:
            record_view(request, obj)
        response = HttpResponse(
            export_document(self.dsr_kind, subjects), content_type="application/json"
        )
        day = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="{self.dsr_kind}-{day}.json"'
        response["Cache-Control"] = "private, no-store"
        return response

    def _access_rows(self, request, queryset) -> list[list]:
        records = type(self).dsr_records
        rows = []
        people = list(queryset)
        for person in people:
            for entry in person_log(records(person)):
                rows.append(
                    [
                        str(person),
                        timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
                        str(entry.actor) if entry.actor else "",
                        str(entry.get_action_display()),
                        str(entry.content_type.model_class()._meta.verbose_name)
                        if entry.content_type.model_class()
                        else entry.content_type.model,
                        entry.object_repr,
                        ", ".join(sorted(entry.changes_dict)) if entry.changes else "",
                    ]
                )
        # Reading a person's access log is itself an access to their data.
        record_views(request, people)
        return rows

    def _access_header(self) -> list[str]:
        return [
            gettext("Person"),
            gettext("When"),
            gettext("Who"),
            gettext("What was done"),
            gettext("Record"),
            gettext("Record name"),
            gettext("Changed fields"),
        ]

    @admin.action(description=_("Access log of this person: who viewed or changed what, when"))
    def show_access_log(self, request, queryset):
        self._dsr_check(request)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Access log"),
            "opts": self.model._meta,
            "header": self._access_header(),
            "rows": self._access_rows(request, queryset),
            "selected": [str(obj.pk) for obj in queryset],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/kalliola/access_log.html", context)

    @admin.action(description=_("Access log of this person as CSV"))
    def export_access_log(self, request, queryset):
        self._dsr_check(request)
        day = timezone.localdate().isoformat()
        return csv_response(
            f"{self.dsr_kind}-access-log-{day}.csv",
            self._access_header(),
            self._access_rows(request, queryset),
        )

    @admin.action(description=_("Erase this person (anonymise)"))
    def erase_personal_data(self, request, queryset):
        self._dsr_check(request)
        if request.POST.get("confirm_erase") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Erase these people?"),
                "objects": list(queryset),
                "opts": self.model._meta,
                "action": "erase_personal_data",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/kalliola/erase_confirm.html", context)
        erase = type(self).dsr_erase
        now = timezone.now()
        erased = unchanged = 0
        for obj in queryset:
            try:
                changed = erase(obj, now)
            except ErasureRefused as refusal:
                messages.error(request, f"{obj.pk}: {refusal}")
                continue
            # The erase functions return what they changed: nothing means nothing was left.
            if changed is not None and not any(changed.values()):
                unchanged += 1
            else:
                erased += 1
        if erased:
            messages.success(
                request,
                gettext("%(count)s erased: their personal data is now anonymised.")
                % {"count": erased},
            )
        if unchanged:
            messages.info(
                request,
                gettext("%(count)s: nothing to erase, their personal data was anonymised already.")
                % {"count": unchanged},
            )
        return None
