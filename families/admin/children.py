"""Back office for children waiting for a support family, their guardians and referrals."""

import datetime

from django import forms
from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from families import retention as family_retention
from families.admin.common import LanguageFilter, LanguagesField
from families.models import (
    Child,
    ChildStatus,
    Guardian,
    Referral,
    ReferralSource,
)
from families.models.child import waiting_first
from kalliola.admin_lists import (
    LeanChangelistMixin,
    MunicipalityFilter,
    municipality_column,
)
from kalliola.audit import AuditedViewAdminMixin, record_views
from kalliola.dsr import DataSubjectAdminMixin
from kalliola.reports.export import csv_response
from kalliola.search import SearchAdminMixin


class ChildAdminForm(forms.ModelForm):
    languages = LanguagesField(label=_("Languages"))

    class Meta:
        model = Child
        fields = ["languages", "birth_date", "waiting_since"]  # the rest from the fieldsets
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "waiting_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class GuardianInline(admin.TabularInline):
    model = Guardian
    extra = 0
    fields = ("name", "relation", "phone", "email")


class ReferralInline(admin.StackedInline):
    model = Referral
    extra = 0
    fields = (
        ("source", "referred_on"),
        ("referring_worker", "organisation"),
        "guardians_consent",
        "notes",
    )


class ReferralSourceFilter(admin.SimpleListFilter):
    title = _("referred by")
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return ReferralSource.choices

    def queryset(self, request, queryset):
        if self.value() in ReferralSource.values:
            return queryset.filter(latest_referral_source=self.value())
        return queryset


class WaitingTimeFilter(admin.SimpleListFilter):
    title = _("waiting time")
    parameter_name = "waited"

    def lookups(self, request, model_admin):
        return [
            ("lt90", _("Less than 3 months")),
            ("90", _("3 months or more")),
            ("180", _("6 months or more")),
            ("365", _("A year or more")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        waiting = queryset.filter(status=ChildStatus.WAITING)
        if self.value() == "lt90":
            return waiting.filter(waiting_since__gt=today - datetime.timedelta(days=90))
        if self.value() in ("90", "180", "365"):
            days = int(self.value())
            return waiting.filter(waiting_since__lte=today - datetime.timedelta(days=days))
        return queryset


@admin.register(Child)
class ChildAdmin(
    LeanChangelistMixin,
    AuditedViewAdminMixin,
    SearchAdminMixin,
    DataSubjectAdminMixin,
    admin.ModelAdmin,
):
    dsr_kind = "child-and-guardians"
    dsr_export = family_retention.export_child
    dsr_erase = family_retention.erase_child
    dsr_records = family_retention.child_records
    form = ChildAdminForm
    list_display = (
        "__str__",
        "age_years",
        "municipality_name",
        "language_list",
        "status",
        "waiting_days",
        "referred_by",
    )
    list_display_links = ("__str__",)
    list_filter = (
        "status",
        WaitingTimeFilter,
        ("municipality", MunicipalityFilter),
        LanguageFilter,
        ReferralSourceFilter,
        "has_animal_allergy",
    )
    search_fields = ("first_name", "last_name", "guardians__name", "guardians__phone")
    folded_search_fields = ("search_names", "guardians__search_names")
    phone_search_fields = ("guardians__search_phones",)
    list_per_page = 50
    actions = (
        "export_csv",
        "export_personal_data",
        "erase_personal_data",
        "show_access_log",
        "export_access_log",
    )
    inlines = (GuardianInline, ReferralInline)
    change_form_template = "families/admin/child_change_form.html"
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (
            None,
            {"fields": (("first_name", "last_name"), "birth_date", "municipality", "languages")},
        ),
        (_("Status"), {"fields": ("status", "waiting_since")}),
        (
            _("The child"),
            {"fields": ("enjoys", "needs", ("has_animal_allergy", "allergies"), "practical_needs")},
        ),
        (_("Wishes for a support family"), {"fields": ("child_wishes", "guardian_wishes")}),
        (None, {"fields": (("created_at", "updated_at"),)}),
    )

    municipality_name = municipality_column()

    def get_list_display(self, request):
        # Found by a guardian's phone number: the numbers take the languages' place.
        if self.is_phone_search(request):
            return [
                "guardian_phones" if name == "language_list" else name for name in self.list_display
            ]
        return self.list_display

    @admin.display(description=_("guardians' phones"))
    def guardian_phones(self, child):
        numbers = [(g.phone,) for g in child.guardians.all() if g.phone]
        return format_html_join(mark_safe("<br>"), "{}", numbers)

    def get_queryset(self, request):
        latest = Referral.objects.filter(child=OuterRef("pk")).order_by("-referred_on", "-pk")
        # Annotated before ModelAdmin orders it: the default ordering uses `waiting_first`.
        queryset = Child._default_manager.annotate(
            latest_referral_source=Subquery(latest.values("source")[:1]),
            waiting_first=waiting_first(),
        )
        if self.is_phone_search(request):
            queryset = queryset.prefetch_related("guardians")
        return queryset.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # Waiting children first, the longest-waiting at the top.
        return ("waiting_first", "waiting_since", "pk")

    @admin.display(description=_("age"), ordering="-birth_date")
    def age_years(self, child):
        return child.age

    @admin.display(description=_("languages"))
    def language_list(self, child):
        return child.language_names

    @admin.display(description=_("days waiting"), ordering="waiting_since")
    def waiting_days(self, child):
        days = child.days_waiting
        return "–" if days is None else days

    @admin.display(description=_("referred by"), ordering="latest_referral_source")
    def referred_by(self, child):
        source = child.latest_referral_source
        return ReferralSource(source).label if source in ReferralSource.values else "–"

    @admin.action(description=_("Export selected children as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        # First name and an initial only: the list identifies the child, the file need not
        # carry the full name or the birth date.
        header = [
            gettext("First name"),
            gettext("Last name initial"),
            gettext("Age"),
            gettext("Municipality"),
            gettext("Languages"),
            gettext("Allergic to animals"),
            gettext("Status"),
            gettext("Waiting since"),
            gettext("Days waiting"),
            gettext("Referred by"),
        ]
        rows = (
            [
                c.first_name,
                c.last_name[:1],
                c.age,
                c.get_municipality_display(),
                c.language_names,
                gettext("yes") if c.has_animal_allergy else gettext("no"),
                c.get_status_display(),
                c.waiting_since.isoformat(),
                "" if c.days_waiting is None else c.days_waiting,
                str(self.referred_by(c)).replace("–", ""),
            ]
            for c in queryset.order_by("status", "waiting_since", "pk")
        )
        record_views(request, queryset)
        return csv_response(f"children-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


@admin.register(Guardian)
class GuardianAdmin(
    AuditedViewAdminMixin, SearchAdminMixin, DataSubjectAdminMixin, admin.ModelAdmin
):
    """A guardian can ask to be exported or erased on their own, apart from the child."""

    dsr_kind = "guardian"
    dsr_export = family_retention.export_guardian
    dsr_erase = family_retention.erase_guardian
    list_display = ("name", "relation", "phone", "child")
    list_select_related = ("child",)
    search_fields = ("name", "phone", "email")
    folded_search_fields = ("search_names",)
    phone_search_fields = ("search_phones",)
    fields = ("child", "name", "relation", "phone", "email")
    readonly_fields = ("child",)
    actions = ("export_personal_data", "erase_personal_data")
    list_per_page = 50

    def has_add_permission(self, request):
        return False  # a guardian is added on the child's page
