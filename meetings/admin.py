"""Coordinators' back office for support meetings. Actions call the services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.helpers import ActionForm
from django.db.models import OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kalliola.admin_inlines import ReadOnlyTableInline
from kalliola.admin_lists import LeanChangelistMixin, MunicipalityFilter, municipality_column
from kalliola.audit import AuditedViewAdminMixin, record_views
from kalliola.dsr import DataSubjectAdminMixin
from kalliola.roles import StaffChoiceField, staff_members, staff_name
from kalliola.subqueries import count_of
from meetings import retention as meetings_retention
from meetings import services, statistics
from meetings.forms import CaseDetailsFields
from meetings.models import (
    Assessment,
    Benefit,
    CaseStatus,
    CaseStatusChange,
    ContactAdult,
    FollowUp,
    Meeting,
    MeetingRequest,
    Plan,
    RequestStatus,
    ServiceReferral,
    SupportCase,
    Theme,
    Topic,
)
from meetings.models.themes import labels_of
from meetings.services.followups import is_follow_up_coming, is_follow_up_due

staff_choices = staff_members
# How much of a request's question its list shows.
QUESTION_SHOWN = 60


class StaffFilter(admin.SimpleListFilter):
    """The case's worker, named by `staff_name` (Django's own filter shows user names)."""

    title = _("support worker")
    parameter_name = "worker"

    def lookups(self, request, model_admin):
        return [(str(u.pk), staff_name(u)) for u in staff_choices()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(support_worker_id=int(self.value()))
        return queryset


class OpenCaseActionForm(ActionForm):
    support_worker = StaffChoiceField(
        label=_("Support worker"), queryset=staff_choices(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["support_worker"].queryset = staff_choices()


class SupportCaseAdminForm(CaseDetailsFields, forms.ModelForm):
    """The case with its themes and the learning-support need; those are saved by
    `services.record_case_details` (the need only with the client's recorded consent)."""

    class Meta:
        model = SupportCase
        # The learning-support need and its consent are not model fields here: the service
        # records them (with the day and who) from the two ticks of `CaseDetailsFields`.
        fields = [
            "opened_on",
            "source",
            "support_worker",
            "question",
            "preferred_mode",
            "municipality",
            "heard_from",
            "earlier_case",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            initial = self.initial_for(self.instance, services.case_themes(self.instance))
            for name in ("themes", "consent_given", "needs_learning_support"):
                self.fields[name].initial = initial[name]


class FollowUpAdminForm(forms.ModelForm):
    benefits = forms.MultipleChoiceField(
        label=_("What the family got"),
        choices=Benefit.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = FollowUp
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["benefits"].initial = list(
                self.instance.benefit_rows.values_list("benefit", flat=True)
            )


@admin.register(MeetingRequest)
class MeetingRequestAdmin(
    AuditedViewAdminMixin, LeanChangelistMixin, DataSubjectAdminMixin, admin.ModelAdmin
):
    dsr_kind = "meeting-request"
    dsr_export = meetings_retention.export_request
    dsr_erase = meetings_retention.erase_request
    dsr_records = meetings_retention.request_records
    list_display = [
        "__str__",
        "name",
        "question_start",
        "received_at",
        "waiting_days",
        "status",
        "contact_role",
        "preferred_mode",
        "municipality_name",
        "earlier_case",
    ]
    municipality_name = municipality_column()
    list_filter = ["status", "contact_role", "preferred_mode", ("municipality", MunicipalityFilter)]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["earlier_case"]
    date_hierarchy = "received_at"
    action_form = OpenCaseActionForm
    actions = [
        "open_cases",
        "decline",
        "export_personal_data",
        "erase_personal_data",
        "show_access_log",
        "export_access_log",
    ]
    readonly_fields = [
        "received_at",
        "status",
        "handled_at",
        "handled_by",
        "language",
        "opened_case",
        "theme_names",
    ]
    autocomplete_fields = ["earlier_case"]

    @admin.display(description=_("question"))
    def question_start(self, obj):
        # The start only: enough to tell requests apart, not the whole story in a list.
        return Truncator(obj.question).chars(QUESTION_SHOWN, truncate="…")

    def changelist_view(self, request, extra_context=None):
        """The list shows who asked and what about: each request shown is an access entry
        (one insert for the page)."""
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            record_views(request, changelist.result_list)
        return response

    @admin.display(description=_("themes"))
    def theme_names(self, obj):
        return ", ".join(labels_of(obj.theme_rows.values_list("theme", flat=True), Theme)) or "–"

    @admin.display(description=_("case opened from this request"))
    def opened_case(self, obj):
        case = SupportCase.objects.filter(request=obj).only("pk").first()
        if case is None:
            return "–"
        url = reverse("admin:meetings_supportcase_change", args=[case.pk])
        return format_html('<a href="{}">{}</a>', url, case)

    def has_add_permission(self, request):
        return False  # requests come from the public form; phone calls open a case directly

    @admin.display(description=_("waiting (days)"), ordering="received_at")
    def waiting_days(self, obj):
        if obj.status != RequestStatus.WAITING:
            return "–"
        return (timezone.now() - obj.received_at).days

    @admin.action(description=_("Open a case for the chosen support worker"))
    def open_cases(self, request, queryset):
        worker_id = request.POST.get("support_worker")
        worker = staff_choices().filter(pk=worker_id).first() if worker_id else None
        if worker is None:
            self.message_user(request, _("Choose a support worker first."), messages.ERROR)
            return
        opened = 0
        for meeting_request in queryset:
            try:
                services.open_case_from_request(
                    meeting_request, by=request.user, support_worker=worker
                )
            except services.MeetingsError as error:
                self.message_user(request, f"{meeting_request}: {error}", messages.WARNING)
            else:
                opened += 1
        if opened:
            self.message_user(
                request,
                ngettext("%(n)s case opened.", "%(n)s cases opened.", opened) % {"n": opened},
                messages.SUCCESS,
            )

    @admin.action(description=_("Mark as not taken forward"))
    def decline(self, request, queryset):
        for meeting_request in queryset:
            try:
                services.decline_request(meeting_request, by=request.user)
            except services.MeetingsError as error:
                self.message_user(request, f"{meeting_request}: {error}", messages.WARNING)


class ContactAdultInline(admin.TabularInline):
    model = ContactAdult
    extra = 0


class MeetingInline(ReadOnlyTableInline):
    """Meetings are shown here; they are logged and corrected in the portal, through the
    services that keep the 1–5 rule (`meetings.services.log_meeting` / `update_meeting`)."""

    model = Meeting
    fields = [
        "number",
        "starts_at",
        "mode",
        "duration_minutes",
        "topic_names",
        "notes",
        "tasks",
        "cancelled_at",
    ]

    @admin.display(description=_("what was done"))
    def topic_names(self, meeting):
        return ", ".join(str(Topic(t).label) for t in meeting.topics if t in Topic.values)


class StatusChangeInline(ReadOnlyTableInline):
    model = CaseStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    select_related = ("changed_by",)


@admin.register(SupportCase)
class SupportCaseAdmin(
    LeanChangelistMixin, AuditedViewAdminMixin, DataSubjectAdminMixin, admin.ModelAdmin
):
    dsr_kind = "support-case"
    dsr_export = meetings_retention.export_case
    dsr_erase = meetings_retention.erase_case
    dsr_records = meetings_retention.case_records
    list_display = [
        "__str__",
        "status",
        "worker_name",
        "source",
        "opened_on",
        "meeting_count",
        "closed_on",
    ]
    list_filter = [
        "status",
        StaffFilter,
        "source",
        "preferred_mode",
        ("municipality", MunicipalityFilter),
    ]
    list_select_related = ["support_worker"]
    search_fields = ["contacts__name", "contacts__email", "contacts__phone"]
    date_hierarchy = "opened_on"
    inlines = [ContactAdultInline, MeetingInline, StatusChangeInline]
    autocomplete_fields = ["earlier_case"]
    readonly_fields = [
        "status",
        "closed_on",
        "opened_by",
        "request",
        "learning_support_consent_on",
        "learning_support_consent_by",
    ]
    form = SupportCaseAdminForm
    actions = [
        "export_statistics",
        "close_cases",
        "export_personal_data",
        "erase_personal_data",
        "show_access_log",
        "export_access_log",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_meetings=count_of(Meeting.objects.filter(case=OuterRef("pk"))))
        )

    @admin.display(description=_("support worker"), ordering="support_worker__first_name")
    def worker_name(self, obj):
        return staff_name(obj.support_worker)

    @admin.display(description=_("meetings"), ordering="_meetings")
    def meeting_count(self, obj):
        return obj._meetings

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "support_worker":
            kwargs["queryset"] = staff_choices()
            kwargs["form_class"] = StaffChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # A case opened here (after a phone call) is recorded like one opened from a request.
        if not change:
            obj.opened_by = request.user
            obj.status = CaseStatus.NEW
        new_worker = None
        if change and "support_worker" in form.changed_data:
            # A new worker goes through the service, which tells them by e-mail.
            new_worker = obj.support_worker
            obj.support_worker_id = form.initial.get("support_worker")
        super().save_model(request, obj, form, change)
        if not change:
            services.record_case_opened(obj, by=request.user)
        elif new_worker is not None:
            services.assign_worker(obj, new_worker, by=request.user)
            obj.refresh_from_db(fields=["support_worker"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.record_case_details(
            form.instance, by=request.user, **form.details_kwargs(form.instance.heard_from)
        )

    @admin.action(description=_("Export statistics as CSV (no names)"))
    def export_statistics(self, request, queryset):
        return statistics.csv_response(queryset)

    @admin.action(description=_("Close the case and schedule the follow-up"))
    def close_cases(self, request, queryset):
        """Closes the chosen cases; when some have planned meetings ahead, a confirmation page
        first lists them, and confirming cancels those meetings (`services.close_case`)."""
        confirmed = request.POST.get("cancel_future_meetings") == "1"
        if not confirmed:
            ahead = [
                (case, count)
                for case in queryset
                if (count := services.future_meetings(case).count())
            ]
            if ahead:
                return TemplateResponse(
                    request,
                    "meetings/admin/close_cases_confirm.html",
                    {
                        **self.admin_site.each_context(request),
                        "opts": self.model._meta,
                        "title": _("Close the cases and cancel their planned meetings?"),
                        "ahead": ahead,
                        "cases": queryset,
                        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    },
                )
        for case in queryset:
            try:
                services.close_case(case, by=request.user, cancel_future_meetings=confirmed)
            except services.MeetingsError as error:
                self.message_user(request, f"{case}: {error}", messages.WARNING)
            else:
                self.message_user(request, _("%(case)s closed.") % {"case": case})


class ServiceReferralInline(admin.TabularInline):
    model = ServiceReferral
    extra = 0


@admin.register(Plan)
class PlanAdmin(AuditedViewAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "updated_at", "written_by"]
    list_select_related = ["written_by"]
    inlines = [ServiceReferralInline]
    autocomplete_fields = ["case"]
    readonly_fields = ["written_by"]


@admin.register(Assessment)
class AssessmentAdmin(AuditedViewAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "updated_at", "written_by"]
    list_select_related = ["written_by"]
    autocomplete_fields = ["case"]
    readonly_fields = ["written_by"]


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("due", _("Due now")), ("upcoming", _("Coming up")), ("done", _("Done"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "due":
            return queryset.filter(is_follow_up_due(today))
        if self.value() == "upcoming":
            return queryset.filter(is_follow_up_coming(today))
        if self.value() == "done":
            return queryset.filter(done_on__isnull=False)
        return queryset


@admin.register(FollowUp)
class FollowUpAdmin(AuditedViewAdminMixin, LeanChangelistMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "due_on",
        "worker",
        "reminder_sent_at",
        "done_on",
        "outcome",
        "referred_again",
    ]
    list_filter = [DueFilter, "outcome", "referred_again"]
    list_select_related = ["case__support_worker"]
    form = FollowUpAdminForm
    readonly_fields = [
        "case",
        "due_on",
        "reminder_sent_at",
        "done_on",
        "outcome",
        "notes",
        "referred_again",
        "recorded_by",
    ]

    def has_add_permission(self, request):
        return False  # closing a case schedules its follow-up

    @admin.display(description=_("support worker"), ordering="case__support_worker")
    def worker(self, obj):
        return staff_name(obj.case.support_worker)

    def save_model(self, request, obj, form, change):
        services.record_benefits(obj, by=request.user, benefits=form.cleaned_data["benefits"])
