"""Coordinators adjust the matching weights here: one row, never deleted."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from families.matching import DEFAULT_MATCHING_WEIGHTS
from families.models import MatchingWeights


@admin.register(MatchingWeights)
class MatchingWeightsAdmin(admin.ModelAdmin):
    fields = MatchingWeights.WEIGHT_FIELDS
    readonly_fields = ()

    def has_add_permission(self, request):
        # The one row is created when the list is first opened (below).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # There is only one row: open it (creating it empty on first use).
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        weights, _created = MatchingWeights.objects.get_or_create(pk=1)
        return HttpResponseRedirect(
            reverse("admin:families_matchingweights_change", args=[weights.pk])
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name in MatchingWeights.WEIGHT_FIELDS:
            field = form.base_fields[name]
            field.widget.attrs["placeholder"] = str(DEFAULT_MATCHING_WEIGHTS[name])
        return form

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
