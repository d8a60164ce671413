"""Back office for training groups and their sessions."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kalliola.audit import record_views
from kalliola.reports.export import csv_response
from kalliola.validators import PLANNED, implausible_date_error
from trainings import services
from trainings.admin.common import (
    URL_OVERRIDES,
    AttendanceAdminForm,
    AttendanceAdminMixin,
    CalendarRevisionMixin,
    GroupWhenFilter,
    WhenFilter,
    _attended_hours_subquery,
    _home_visit_hours_subquery,
    _places,
)
from trainings.models import (
    Enrollment,
    SessionStatus,
    TrainingGroup,
    TrainingSession,
)


class TrainingSessionInline(admin.TabularInline):
    model = TrainingSession
    formfield_overrides = URL_OVERRIDES
    extra = 0
    fields = ("starts_at", "ends_at", "online_link", "status")
    readonly_fields = ("status",)
    show_change_link = True


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    fields = ("family", "status", "joined_at", "attended_hours", "home_visit_hours")
    readonly_fields = ("family", "status", "joined_at", "attended_hours", "home_visit_hours")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # New households join through the enrollment form, which respects capacity.
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("family")
            .annotate(attended=_attended_hours_subquery(), visit_hours=_home_visit_hours_subquery())
        )

    @admin.display(description=_("hours attended"))
    def attended_hours(self, obj):
        return getattr(obj, "attended", "–")

    @admin.display(description=_("home visit hours"))
    def home_visit_hours(self, obj):
        return getattr(obj, "visit_hours", "–")


class DuplicateGroupForm(forms.Form):
    first_day = forms.DateField(
        label=_("Date of the first session of the new group"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    name = forms.CharField(label=_("Name of the new group"), max_length=200)

    def clean_first_day(self):
        day = self.cleaned_data["first_day"]
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."))
        if error := implausible_date_error(day, PLANNED):
            raise forms.ValidationError(error)
        return day


class TrainingGroupForm(forms.ModelForm):
    first_evening = forms.DateField(
        label=_("First evening"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Fill in to create the usual schedule: three evenings 17–20, a week apart. "
            "Leave empty if you enter the sessions below yourself."
        ),
    )

    class Meta:
        model = TrainingGroup
        fields = (
            "name",
            "name_sv",
            "name_en",
            "capacity",
            "language",
            "status",
            "attendance",
            "location",
            "notes",
        )

    def clean_first_evening(self):
        day = self.cleaned_data["first_evening"]
        if error := implausible_date_error(day, PLANNED):
            raise forms.ValidationError(error)
        return day


@admin.register(TrainingGroup)
class TrainingGroupAdmin(admin.ModelAdmin):
    form = TrainingGroupForm
    list_display = (
        "name",
        "first_session",
        "language",
        "status",
        "capacity",
        "enrolled",
        "on_waitlist",
        "places_left",
    )
    list_filter = (GroupWhenFilter, "language", "status")
    search_fields = ("name",)
    inlines = [TrainingSessionInline, EnrollmentInline]
    actions = ["duplicate_schedule", "cancel_groups", "promote_waitlist", "export_participants"]

    def get_queryset(self, request):
        return services.groups_with_places()

    @admin.display(description=_("first session"), ordering="first_start")
    def first_session(self, obj):
        return timezone.localtime(obj.first_start).strftime("%d.%m.%Y") if obj.first_start else "–"

    @admin.display(description=_("enrolled"), ordering="taken")
    def enrolled(self, obj):
        return obj.taken

    @admin.display(description=_("waiting list"), ordering="waitlisted")
    def on_waitlist(self, obj):
        return obj.waitlisted

    @admin.display(description=_("places left"))
    def places_left(self, obj):
        return _places(obj.capacity, obj.taken)

    def save_formset(self, request, form, formset, change):
        changed = []
        if formset.model is TrainingSession:
            for inline_form in formset.forms:
                if inline_form.instance.pk and {"starts_at", "ends_at", "online_link"} & set(
                    inline_form.changed_data
                ):
                    inline_form.instance.sequence += 1
                    changed.append(inline_form.instance)
        super().save_formset(request, form, formset, change)
        for session in changed:
            services.notify_session_changed(session)

    def get_fields(self, request, obj=None):
        fields = [
            "name",
            "name_sv",
            "name_en",
            "capacity",
            "language",
            "status",
            "attendance",
            "location",
            "notes",
        ]
        return fields if obj else [*fields, "first_evening"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        first_evening = form.cleaned_data.get("first_evening")
        if first_evening and not form.instance.sessions.exists():
            services.add_default_sessions(form.instance, first_day=first_evening)
        if change and "capacity" in form.changed_data:
            promoted = services.promote_from_waitlist(form.instance, by=request.user)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)s household moved from the waiting list to the group.",
                        "%(n)s households moved from the waiting list to the group.",
                        len(promoted),
                    )
                    % {"n": len(promoted)},
                )

    @admin.action(description=_("Duplicate the schedule to new dates"))
    def duplicate_schedule(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one group to copy."), messages.WARNING)
            return None
        group = queryset.first()
        if "apply" in request.POST:
            form = DuplicateGroupForm(request.POST)
            if form.is_valid():
                try:
                    copy = services.duplicate_group(
                        group,
                        first_day=form.cleaned_data["first_day"],
                        name=form.cleaned_data["name"],
                    )
                except ValueError as error:
                    self.message_user(request, str(error), messages.ERROR)
                    return None
                self.message_user(
                    request,
                    _("Created the draft group “%(name)s”. Check it and publish it.")
                    % {"name": copy.name},
                    messages.SUCCESS,
                )
                return None
        else:
            form = DuplicateGroupForm(
                initial={
                    "first_day": timezone.localdate() + datetime.timedelta(days=28),
                    "name": group.name,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Duplicate the schedule to new dates"),
            "group": group,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "trainings/admin/duplicate_group.html", context)

    @admin.action(description=_("Cancel the selected groups and notify households"))
    def cancel_groups(self, request, queryset):
        told = sum(services.cancel_group(g, by=request.user) for g in queryset)
        self.message_user(
            request,
            ngettext(
                "Cancelled. %(n)s household will get a notice.",
                "Cancelled. %(n)s households will get a notice.",
                told,
            )
            % {"n": told},
            messages.SUCCESS,
        )

    @admin.action(description=_("Fill free places from the waiting list"))
    def promote_waitlist(self, request, queryset):
        count = sum(len(services.promote_from_waitlist(g, by=request.user)) for g in queryset)
        self.message_user(
            request,
            ngettext(
                "%(n)s household moved from the waiting list to the group.",
                "%(n)s households moved from the waiting list to the group.",
                count,
            )
            % {"n": count},
        )

    @admin.action(description=_("Export participants as CSV"))
    def export_participants(self, request, queryset):
        enrollments = (
            Enrollment.objects.filter(group__in=queryset)
            .select_related("group", "family")
            .annotate(attended=_attended_hours_subquery())
            .order_by("group__name", "status", "joined_at")
        )
        enrollments = list(enrollments)
        record_views(request, [e.family for e in enrollments])
        rows = (
            (
                e.group.name,
                e.family.contact_name,
                e.family.email,
                e.family.phone,
                e.family.municipality,
                e.get_status_display(),
                e.attended,
            )
            for e in enrollments
        )
        header = [
            _("group"),
            _("name"),
            _("e-mail"),
            _("phone"),
            _("municipality"),
            _("status"),
            _("hours attended"),
        ]
        return csv_response("valmennusryhmat.csv", header, rows)


class TrainingSessionAdminForm(AttendanceAdminForm):
    class Meta:
        model = TrainingSession
        fields = ("group", "starts_at", "ends_at", "online_link")

    def attended_queryset(self):
        return services.enrollments_to_tick(self.instance)

    def attended_initial(self, queryset):
        recorded = set(self.instance.attendances.values_list("enrollment_id", flat=True))
        return [enrollment.pk for enrollment in queryset if enrollment.pk in recorded]


@admin.register(TrainingSession)
class TrainingSessionAdmin(AttendanceAdminMixin, CalendarRevisionMixin, admin.ModelAdmin):
    form = TrainingSessionAdminForm
    record_attendance_with = staticmethod(services.record_session_attendance)
    fields = ("group", "starts_at", "ends_at", "online_link", "status", "attended")

    def get_readonly_fields(self, request, obj=None):
        # A session stays in its group: its attendance belongs to that group's enrolments.
        return ("status", "group") if obj else ("status",)

    list_display = ("__str__", "group", "status", "attendance_count")
    list_filter = (WhenFilter, "status", "group__language")
    search_fields = ("group__name",)
    list_select_related = ("group",)
    readonly_fields = ("status",)
    actions = ["mark_attendance", "cancel_sessions"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attendance_total=Count("attendances"))

    @admin.display(description=_("attendance recorded"), ordering="attendance_total")
    def attendance_count(self, obj):
        return obj.attendance_total

    @admin.action(description=_("Mark attendance: every enrolled household attended in full"))
    def mark_attendance(self, request, queryset):
        count = 0
        for session in queryset.filter(status=SessionStatus.SCHEDULED).select_related("group"):
            try:
                count += services.mark_session_attended(session, by=request.user)
            except services.AttendanceError as error:
                self.message_user(request, f"{session}: {error}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(n)s attendance recorded.", "%(n)s attendances recorded.", count)
            % {"n": count},
        )

    @admin.action(description=_("Cancel the selected sessions and notify households"))
    def cancel_sessions(self, request, queryset):
        told = sum(services.cancel_training_session(s, by=request.user) for s in queryset)
        self.message_user(
            request,
            ngettext(
                "Cancelled. %(n)s household will get a notice.",
                "Cancelled. %(n)s households will get a notice.",
                told,
            )
            % {"n": told},
            messages.SUCCESS,
        )
