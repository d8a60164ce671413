"""The admin's side of the guard in kalliola.services.anonymised: an anonymised record (or one
belonging to an anonymised record) opens read-only, a save sent anyway is refused with a message,
an add page offers no anonymised record to attach the new one to, and an action whose service
refuses one of the selected records (`RecordAnonymised`) changes none of them and says why."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect

from kalliola.services.anonymised import (
    ANONYMISED_MESSAGE,
    RecordAnonymised,
    anonymisable,
    closed_for_good,
)


class ClosedWhenAnonymisedAdminMixin:
    def has_change_permission(self, request, obj=None):
        if obj is not None and closed_for_good(obj):
            return False
        return super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and closed_for_good(obj):
            if request.method == "POST":
                messages.error(request, ANONYMISED_MESSAGE)
                return HttpResponseRedirect(request.path)
            messages.warning(request, ANONYMISED_MESSAGE)
        return super().change_view(request, object_id, form_url, extra_context)

    def response_action(self, request, queryset):
        try:
            with transaction.atomic():
                return super().response_action(request, queryset)
        except RecordAnonymised as refusal:
            messages.error(request, str(refusal))
            return HttpResponseRedirect(request.get_full_path())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if anonymisable(db_field.related_model) and not db_field.name.startswith("earlier"):
            kwargs.setdefault(
                "queryset",
                db_field.related_model._default_manager.filter(anonymised_at__isnull=True),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
