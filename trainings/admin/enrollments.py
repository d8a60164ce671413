"""Back office for enrollments with their hours at a glance, attendance and home visits."""

from django import forms
from django.contrib import admin, messages
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from families.services import PRETRAINING_HOURS, TransitionNotAllowed
from kalliola.audit import AuditedViewAdminMixin
from kalliola.roles import StaffChoiceField, staff_members, staff_name
from trainings import services
from trainings.admin.common import _attended_hours_subquery, _home_visit_hours_subquery
from trainings.models import (
    TAKES_A_PLACE,
    Attendance,
    Enrollment,
    EnrollmentStatus,
    HomeVisit,
    TrainingSession,
)


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
class EnrollmentAdmin(AuditedViewAdminMixin, admin.ModelAdmin):
    list_display = (
        "family",
        "group",
        "status",
        "attended_hours",
        "home_visit_hours",
        "total_hours",
        "joined_at",
    )
    list_filter = ("status", ("group", admin.RelatedOnlyFieldListFilter), "group__language")
    search_fields = ("family__contact_name", "family__email", "group__name")
    list_select_related = ("family", "group")
    autocomplete_fields = ("family", "group")
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

    @admin.display(description=format_lazy(_("total of {hours} hours"), hours=PRETRAINING_HOURS))
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
class HomeVisitAdmin(AuditedViewAdminMixin, admin.ModelAdmin):
    list_display = ("family", "visited_on", "worker_name", "hours")
    list_filter = ("visited_on",)
    search_fields = ("family__contact_name", "family__email")
    list_select_related = ("family", "worker")
    autocomplete_fields = ("family",)

    @admin.display(description=_("worker"), ordering="worker__first_name")
    def worker_name(self, obj):
        return staff_name(obj.worker)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The few staff members in a dropdown by full name (`staff_name`), not typed ids.
        if db_field.name == "worker":
            kwargs["queryset"] = staff_members()
            kwargs["form_class"] = StaffChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.complete_pretraining_if_due(obj.family, by=request.user)
