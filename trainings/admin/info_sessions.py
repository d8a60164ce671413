"""Back office for info sessions and their registrations."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kalliola.audit import AuditedViewAdminMixin, record_views
from kalliola.reports.export import csv_response
from trainings import services
from trainings.admin.common import (
    AttendanceAdminForm,
    AttendanceAdminMixin,
    CalendarRevisionMixin,
    InfoSessionWhenFilter,
    _places,
)
from trainings.models import (
    InfoSession,
    Registration,
    RegistrationStatus,
)


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ("family", "status", "attended", "created_at")
    readonly_fields = ("family", "status", "attended", "created_at")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family")


class InfoSessionAdminForm(AttendanceAdminForm):
    class Meta:
        model = InfoSession
        fields = ("starts_at", "ends_at", "online_link", "capacity", "language", "notes")

    def attended_queryset(self):
        return services.registrations_to_tick(self.instance)

    def attended_initial(self, queryset):
        return [registration.pk for registration in queryset if registration.attended]


@admin.register(InfoSession)
class InfoSessionAdmin(AttendanceAdminMixin, CalendarRevisionMixin, admin.ModelAdmin):
    form = InfoSessionAdminForm
    record_attendance_with = staticmethod(services.record_info_session_attendance)
    list_display = ("__str__", "language", "status", "capacity", "registered", "places_left")
    list_filter = (InfoSessionWhenFilter, "language", "status")
    search_fields = ("notes",)
    date_hierarchy = "starts_at"
    inlines = [RegistrationInline]
    fields = (
        "starts_at",
        "ends_at",
        "online_link",
        "capacity",
        "language",
        "notes",
        "status",
        "attended",
    )
    readonly_fields = ("status",)
    actions = ["cancel_sessions", "export_participants"]

    def get_queryset(self, request):
        return services.info_sessions_with_places()

    @admin.display(description=_("registered"), ordering="taken")
    def registered(self, obj):
        return obj.taken

    @admin.display(description=_("places left"))
    def places_left(self, obj):
        return _places(obj.capacity, obj.taken)

    @admin.action(description=_("Cancel the selected info sessions and notify participants"))
    def cancel_sessions(self, request, queryset):
        told = sum(services.cancel_info_session(s, by=request.user) for s in queryset)
        self.message_user(
            request,
            ngettext(
                "Cancelled. %(n)s participant will get a notice.",
                "Cancelled. %(n)s participants will get a notice.",
                told,
            )
            % {"n": told},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export participants as CSV"))
    def export_participants(self, request, queryset):
        registrations = (
            Registration.objects.filter(session__in=queryset)
            .select_related("session", "family")
            .order_by("session__starts_at", "family__contact_name")
        )
        registrations = list(registrations)
        record_views(request, [r.family for r in registrations])
        rows = (
            (
                timezone.localtime(r.session.starts_at).strftime("%d.%m.%Y %H:%M"),
                r.family.contact_name,
                r.family.email,
                r.family.phone,
                r.family.municipality,
                r.get_status_display(),
                _("yes") if r.attended else _("no"),
            )
            for r in registrations
        )
        header = [
            _("session"),
            _("name"),
            _("e-mail"),
            _("phone"),
            _("municipality"),
            _("status"),
            _("attended"),
        ]
        return csv_response("infotilaisuudet.csv", header, rows)


@admin.register(Registration)
class RegistrationAdmin(AuditedViewAdminMixin, admin.ModelAdmin):
    list_display = ("family", "session", "status", "attended", "created_at")
    list_filter = (
        "status",
        "attended",
        ("session", admin.RelatedOnlyFieldListFilter),
        "session__language",
    )
    search_fields = ("family__contact_name", "family__email")
    list_select_related = ("family", "session")
    autocomplete_fields = ("family", "session")
    actions = ["mark_attended", "cancel_registrations"]

    @admin.action(description=_("Mark attendance: attended the info session"))
    def mark_attended(self, request, queryset):
        count = 0
        for registration in queryset.select_related("family", "session"):
            try:
                services.mark_info_session_attended(registration, by=request.user)
            except services.AttendanceError as error:
                self.message_user(request, f"{registration}: {error}", messages.ERROR)
            else:
                count += 1
        self.message_user(
            request,
            ngettext("%(n)s attendance marked.", "%(n)s attendances marked.", count) % {"n": count},
        )

    @admin.action(description=_("Cancel the selected registrations"))
    def cancel_registrations(self, request, queryset):
        count = 0
        for registration in queryset.filter(status=RegistrationStatus.REGISTERED):
            services.cancel_registration(registration)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)s registration cancelled.", "%(n)s registrations cancelled.", count)
            % {"n": count},
        )
