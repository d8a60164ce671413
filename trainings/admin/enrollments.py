"""Back office for enrollments with their hours at a glance, attendance and home visits."""

from django import forms
from django.contrib import admin, messages
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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


class ReviewFilter(admin.SimpleListFilter):
    """Places held by households not yet in training: the coordinator's review is due."""

    title = _("application review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", _("Places waiting for the review"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(pk__in=services.places_to_confirm().values("pk"))
        return queryset


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
    """One session's hours on an enrolment's page; the rule (`services.attendance_refusal`)
    refuses a session of another group, one that has not started or was cancelled, and hours
    longer than the session."""

    class Meta:
        model = Attendance
        fields = ("session", "hours")

    def clean(self):
        cleaned = super().clean()
        session, hours = cleaned.get("session"), cleaned.get("hours")
        if session is not None and hours is not None and self.has_changed():
            refusal = services.attendance_refusal(
                session, enrollment=self.instance.enrollment, hours=hours
            )
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned


class AttendanceInline(admin.TabularInline):
    model = Attendance
    form = AttendanceForm
    extra = 0
    fields = ("session", "hours")

    def get_formset(self, request, obj=None, **kwargs):
        self._enrollment = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":
            # Only the sessions of the enrolment's own group.
            group_id = getattr(getattr(self, "_enrollment", None), "group_id", None)
            kwargs["queryset"] = TrainingSession.objects.select_related("group").filter(
                group_id=group_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Enrollment)
class EnrollmentAdmin(AuditedViewAdminMixin, admin.ModelAdmin):
    list_display = (
        "family",
        "family_status",
        "group",
        "status",
        "attended_hours",
        "home_visit_hours",
        "total_hours",
        "joined_at",
    )
    list_filter = (
        ReviewFilter,
        "status",
        ("group", admin.RelatedOnlyFieldListFilter),
        "group__language",
    )
    search_fields = ("family__contact_name", "family__email", "group__name")
    list_select_related = ("family", "group")
    autocomplete_fields = ("family", "group")
    readonly_fields = ("status", "joined_at", "status_changed_at", "status_changed_by")
    form = EnrollmentForm
    inlines = [AttendanceInline]
    actions = ["confirm_places", "cancel_enrollments", "complete_pretraining"]

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

    @admin.display(description=_("household status"), ordering="family__status")
    def family_status(self, obj):
        return obj.family.get_status_display()

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
        if formset.model is not Attendance:
            return super().save_formset(request, form, formset, change)
        # Hours go through the service, as from every other path; the forms checked the rule.
        rows = formset.save(commit=False)  # also what the admin's change message lists
        for attendance in formset.deleted_objects:
            attendance.delete()
        for attendance in rows:
            services.record_attendance(
                form.instance, attendance.session, attendance.hours, by=request.user
            )
        services.complete_pretraining_if_due(form.instance.family, by=request.user)
        return None

    @admin.action(
        description=_("Confirm the places: application reviewed, the household starts training")
    )
    def confirm_places(self, request, queryset):
        confirmed = 0
        for enrollment in queryset.select_related("family", "group"):
            try:
                services.confirm_enrollment(enrollment, by=request.user)
            except (services.NotReviewed, TransitionNotAllowed) as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                confirmed += 1
        if confirmed:
            self.message_user(
                request,
                ngettext(
                    "%(n)s household is now in pre-training.",
                    "%(n)s households are now in pre-training.",
                    confirmed,
                )
                % {"n": confirmed},
                messages.SUCCESS,
            )

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
