"""Coordinators keep the readiness checklist's items here (households' checks: their own page)."""

from django.contrib import admin

from families.models import ReadinessItem


@admin.register(ReadinessItem)
class ReadinessItemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "required", "validity_months")
    fields = ("name", "required", "validity_months")

    def get_readonly_fields(self, request, obj=None):
        # The extract is always required: approval and matching need it.
        return ("name", "required") if obj is not None and obj.is_builtin else ()

    def has_delete_permission(self, request, obj=None):
        # Items with checks are kept (PROTECT); the built-in one never goes.
        if obj is not None and (obj.is_builtin or obj.checks.exists()):
            return False
        return super().has_delete_permission(request, obj)
