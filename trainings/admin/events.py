"""Back office for peer meetings and recreation events with invitations and replies."""

from django.contrib import admin
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from trainings import services
from trainings.admin.common import WhenFilter
from trainings.models import (
    Event,
    EventInvitation,
)


class EventInvitationInline(admin.TabularInline):
    model = EventInvitation
    extra = 0
    raw_id_fields = ("family",)
    fields = ("family", "reply", "participants", "invited_at", "replied_at")
    readonly_fields = ("invited_at", "replied_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "status", "invited", "coming")
    list_filter = ("kind", WhenFilter, "status")
    search_fields = ("title", "location")
    inlines = [EventInvitationInline]
    actions = ["invite_active_families"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                invited_count=Count("invitations"),
                coming_count=Coalesce(
                    Sum("invitations__participants", filter=Q(invitations__reply="yes")), 0
                ),
            )
        )

    @admin.display(description=_("invited"), ordering="invited_count")
    def invited(self, obj):
        return obj.invited_count

    @admin.display(description=_("people coming"), ordering="coming_count")
    def coming(self, obj):
        return obj.coming_count

    @admin.action(description=_("Invite all active support families"))
    def invite_active_families(self, request, queryset):
        count = sum(services.invite_active_families(event) for event in queryset)
        self.message_user(
            request,
            ngettext("%(n)s family invited.", "%(n)s families invited.", count) % {"n": count},
        )
