"""Back office for info sessions, training groups, attendance, home visits and events.

Changelists annotate their counts so the number of queries stays constant; every action calls a
service and reports through `messages`.
"""

import csv
import datetime

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from families.services import TransitionNotAllowed
from trainings import services
from trainings.models import (
    TAKES_A_PLACE,
    Attendance,
    Enrollment,
    EnrollmentStatus,
    Event,
    EventInvitation,
    HomeVisit,
    InfoSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
    TrainingGroup,
    TrainingSession,
)

# Online links are https; say so rather than let forms guess the scheme.
URL_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}
ZERO_HOURS = Value(0, output_field=DecimalField(max_digits=6, decimal_places=2))


class WhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"
    field = "ends_at"

    def lookups(self, request, model_admin):
        return (("upcoming", _("Upcoming")), ("past", _("Past")))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(**{f"{self.field}__gte": now})
        if self.value() == "past":
            return queryset.filter(**{f"{self.field}__lt": now})
        return queryset


class GroupWhenFilter(WhenFilter):
    field = "last_end"


def _csv_safe(value) -> str:
    # Spreadsheet programs run cells that start with these as formulas.
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _csv_response(filename: str, header: list, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel needs the BOM to read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([_csv_safe(v) for v in row])
    return response


def _places(capacity, taken):
    left = services.places_left(capacity, taken)
    return "–" if left is None else left


# --- Info sessions -----------------------------------------------------------------------------


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ("family",)
    fields = ("family", "status", "attended", "created_at")
    readonly_fields = ("family", "status", "attended", "created_at")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family")


class CalendarRevisionMixin:
    """A change of time or link bumps SEQUENCE so calendar programs update the entry."""

    calendar_fields = ("starts_at", "ends_at", "online_link")
    formfield_overrides = URL_OVERRIDES

    def save_model(self, request, obj, form, change):
        if change and set(self.calendar_fields) & set(form.changed_data):
            obj.sequence += 1
        super().save_model(request, obj, form, change)


@admin.register(InfoSession)
class InfoSessionAdmin(CalendarRevisionMixin, admin.ModelAdmin):
    list_display = ("__str__", "language", "status", "capacity", "registered", "places_left")
    list_filter = (WhenFilter, "language", "status")
    search_fields = ("notes",)
    date_hierarchy = "starts_at"
    inlines = [RegistrationInline]
    fields = ("starts_at", "ends_at", "online_link", "capacity", "language", "notes", "status")
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
        return _csv_response("infotilaisuudet.csv", header, rows)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("family", "session", "status", "attended", "created_at")
    list_filter = ("status", "attended", "session__language")
    search_fields = ("family__contact_name", "family__email")
    list_select_related = ("family", "session")
    raw_id_fields = ("family", "session")
    actions = ["mark_attended", "cancel_registrations"]

    @admin.action(description=_("Mark attendance: attended the info session"))
    def mark_attended(self, request, queryset):
        count = 0
        for registration in queryset:
            services.mark_info_session_attended(registration, by=request.user)
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


# --- Training groups ---------------------------------------------------------------------------


def _attended_hours_subquery():
    return Coalesce(
        Subquery(
            Attendance.objects.filter(enrollment=OuterRef("pk"))
            .values("enrollment")
            .annotate(total=Sum("hours"))
            .values("total")[:1]
        ),
        ZERO_HOURS,
    )


def _home_visit_hours_subquery():
    return Coalesce(
        Subquery(
            HomeVisit.objects.filter(family=OuterRef("family"))
            .values("family")
            .annotate(total=Sum("hours"))
            .values("total")[:1]
        ),
        ZERO_HOURS,
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
    raw_id_fields = ("family",)
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
        return day


@admin.register(TrainingGroup)
class TrainingGroupAdmin(admin.ModelAdmin):
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
        if formset.model is TrainingSession:
            for inline_form in formset.forms:
                if inline_form.instance.pk and {"starts_at", "ends_at", "online_link"} & set(
                    inline_form.changed_data
                ):
                    inline_form.instance.sequence += 1
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
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
        return _csv_response("valmennusryhmat.csv", header, rows)


@admin.register(TrainingSession)
class TrainingSessionAdmin(CalendarRevisionMixin, admin.ModelAdmin):
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
        for session in queryset.filter(status=SessionStatus.SCHEDULED):
            count += services.mark_session_attended(session, by=request.user)
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


# --- Enrollments, attendance, home visits --------------------------------------------------------


class EnrollmentForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ("group", "family")

    def clean_group(self):
        group = self.cleaned_data["group"]
        if group.is_cancelled and not self.instance.pk:
            raise forms.ValidationError(_("This training group has been cancelled."))
        return group


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ("session", "hours")


class AttendanceInline(admin.TabularInline):
    model = Attendance
    form = AttendanceForm
    extra = 0
    fields = ("session", "hours")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":
            kwargs["queryset"] = TrainingSession.objects.select_related("group")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = (
        "family",
        "group",
        "status",
        "attended_hours",
        "home_visit_hours",
        "total_hours",
        "joined_at",
    )
    list_filter = ("status", "group__language", "group")
    search_fields = ("family__contact_name", "family__email", "group__name")
    list_select_related = ("family", "group")
    raw_id_fields = ("family", "group")
    readonly_fields = ("status", "joined_at", "status_changed_at", "status_changed_by")
    form = EnrollmentForm
    inlines = [AttendanceInline]
    actions = ["cancel_enrollments", "complete_pretraining"]

    def get_readonly_fields(self, request, obj=None):
        fields = ("status", "joined_at", "status_changed_at", "status_changed_by")
        return (*fields, "group", "family") if obj else fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # A new enrollment goes through the service: it takes a place only if one is free.
        created = services.enroll_family(obj.group, obj.family, by=request.user)
        obj.pk = created.pk
        obj.status = created.status
        obj.joined_at = created.joined_at
        obj._state.adding = False
        return None

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(attended=_attended_hours_subquery(), visit_hours=_home_visit_hours_subquery())
        )

    @admin.display(description=_("hours attended"), ordering="attended")
    def attended_hours(self, obj):
        return obj.attended

    @admin.display(description=_("home visit hours"), ordering="visit_hours")
    def home_visit_hours(self, obj):
        return obj.visit_hours

    @admin.display(description=_("total of 10 hours"))
    def total_hours(self, obj):
        return obj.attended + obj.visit_hours

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        services.complete_pretraining_if_due(form.instance.family, by=request.user)

    @admin.action(description=_("Cancel the selected enrollments (the waiting list moves up)"))
    def cancel_enrollments(self, request, queryset):
        count = promoted = 0
        for enrollment in queryset.exclude(status=EnrollmentStatus.CANCELLED):
            if services.cancel_enrollment(enrollment, by=request.user):
                promoted += 1
            count += 1
        self.message_user(
            request,
            _("%(n)s cancelled, %(p)s moved up from the waiting list.")
            % {"n": count, "p": promoted},
        )

    @admin.action(description=_("Mark the pre-training completed (household becomes trained)"))
    def complete_pretraining(self, request, queryset):
        for enrollment in queryset.filter(status__in=TAKES_A_PLACE).select_related("family"):
            try:
                services.complete_pretraining(enrollment.family, by=request.user)
            except (services.NotEnoughHours, TransitionNotAllowed) as error:
                self.message_user(request, f"{enrollment.family}: {error}", messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("%(family)s is now trained.") % {"family": enrollment.family},
                    messages.SUCCESS,
                )


@admin.register(HomeVisit)
class HomeVisitAdmin(admin.ModelAdmin):
    list_display = ("family", "visited_on", "worker", "hours")
    list_filter = ("visited_on",)
    search_fields = ("family__contact_name", "family__email")
    list_select_related = ("family", "worker")
    raw_id_fields = ("family", "worker")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.complete_pretraining_if_due(obj.family, by=request.user)


# --- Events ------------------------------------------------------------------------------------


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
