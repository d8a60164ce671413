"""Possible duplicates: a public form sent with an address a household already has.

The coordinator compares what was sent with the household side by side, field by field, ticks
the fields to take and merges (`families.services.merge_duplicate`), or dismisses it. The
household's own page is never changed by the form itself.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from families.models import DuplicateStatus, DuplicateSubmission, SupportFamily
from families.services import DuplicateError, dismiss_duplicate, merge_duplicate
from families.services.duplicates import MERGEABLE_FIELDS, differences
from kalliola.audit import AuditedViewAdminMixin, record_view
from kalliola.roles import is_coordinator
from kalliola.services.anonymised import ANONYMISED_MESSAGE, closed_for_good


def _shown(family_field, value) -> str:
    """A value as the household's page shows it (a choice by its label, a list joined)."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if family_field.choices:
        return str(dict(family_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return "" if value is None else str(value)


@admin.register(DuplicateSubmission)
class DuplicateSubmissionAdmin(AuditedViewAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "family", "status", "differing")
    list_filter = ("status", "source")
    list_select_related = ("family",)
    search_fields = ("family__contact_name", "family__email")
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family", "handled_by")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("fields that differ"))
    def differing(self, submission):
        return len(differences(submission))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        submission = self.get_object(request, unquote(object_id))
        if submission is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not (is_coordinator(request.user) and self.has_view_permission(request, submission)):
            raise PermissionDenied
        closed = closed_for_good(submission)
        if request.method == "POST" and closed:
            messages.error(request, ANONYMISED_MESSAGE)
            return redirect("admin:families_duplicatesubmission_change", submission.pk)
        if closed:
            messages.warning(request, ANONYMISED_MESSAGE)
        if request.method == "POST" and submission.status == DuplicateStatus.PENDING:
            return self._handle(request, submission)
        record_view(request, submission)
        family = submission.family
        changed = set(differences(submission))
        rows = []
        for name in MERGEABLE_FIELDS[submission.source]:
            if name not in submission.data:
                continue
            field = SupportFamily._meta.get_field(name)
            rows.append(
                {
                    "name": name,
                    "label": field.verbose_name,
                    "stored": _shown(field, getattr(family, name)),
                    "sent": _shown(field, submission.data[name]),
                    "differs": name in changed,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Compare with the household"),
            "opts": self.model._meta,
            "submission": submission,
            "family": family,
            "rows": rows,
            "pending": submission.status == DuplicateStatus.PENDING and not closed,
        }
        return TemplateResponse(request, "families/admin/duplicate_compare.html", context)

    def _handle(self, request, submission):
        try:
            if "dismiss" in request.POST:
                dismiss_duplicate(submission, by=request.user)
                messages.success(
                    request, gettext("Dismissed: nothing was taken into the household.")
                )
            else:
                merge_duplicate(submission, fields=request.POST.getlist("take"), by=request.user)
                messages.success(request, gettext("Merged into the household."))
        except DuplicateError as error:
            messages.error(request, str(error))
            return redirect("admin:families_duplicatesubmission_change", submission.pk)
        return redirect("admin:families_duplicatesubmission_changelist")
