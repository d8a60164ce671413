"""Back office for households (children: families/admin/children.py).

Status changes never happen by editing a field: the status is read-only here and every change
goes through `families.services.change_status` / `approve_family`, from the list (an action with
an intermediate page) or from a household's own page.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from families import retention as family_retention
from families.admin.common import LanguageFilter, LanguagesField
from families.admin.statements import HouseholdStatementMixin
from families.models import (
    CAN_TAKE_A_CHILD,
    OPEN_RELATIONSHIP_STATUSES,
    DuplicateStatus,
    DuplicateSubmission,
    FamilyStatus,
    FamilyStatusChange,
    ReadinessItem,
    SupportFamily,
    SupportRelationship,
    UnavailablePeriod,
)
from families.services import (
    CRIMINAL_RECORD_VALID_MONTHS,
    PRETRAINING_HOURS,
    TransitionNotAllowed,
    approve_family,
    availability,
    change_status,
    next_statuses,
    register_family,
)
from families.services.readiness import (
    EXPIRY_WARNING_DAYS,
    ReadinessError,
    checklist,
    households_with_expiring_checks,
    record_check,
)
from kalliola.admin_inlines import ReadOnlyTableInline
from kalliola.admin_lists import (
    LeanChangelistMixin,
    MunicipalityFilter,
    list_figure,
    municipality_column,
)
from kalliola.audit import AuditedViewAdminMixin, record_view, record_views
from kalliola.dsr import DataSubjectAdminMixin
from kalliola.reports.export import csv_response
from kalliola.search import SearchAdminMixin
from kalliola.subqueries import count_of


def _open_relationship_count():
    """Open relationships per household."""
    return count_of(
        SupportRelationship.objects.filter(
            family=OuterRef("pk"), status__in=OPEN_RELATIONSHIP_STATUSES
        )
    )


def with_free_places(queryset):
    return queryset.annotate(open_relationships=_open_relationship_count()).annotate(
        free_places=F("max_children") - F("open_relationships")
    )


# -- filters --------------------------------------------------------------------------------


def _households_per_status() -> dict:
    return dict(SupportFamily.objects.values_list("status").annotate(n=Count("pk")).order_by())


class FamilyStatusFilter(admin.SimpleListFilter):
    """Status with how many households are in each: the pipeline at a glance."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        # A GROUP BY over every household: cached until a household changes.
        counts = list_figure("households-per-status", _households_per_status)
        return [
            (value, f"{label} ({counts.get(value, 0)})") for value, label in FamilyStatus.choices
        ]

    def queryset(self, request, queryset):
        if self.value() in FamilyStatus.values:
            return queryset.filter(status=self.value())
        return queryset


class FreePlacesFilter(admin.SimpleListFilter):
    title = _("room for a child")
    parameter_name = "room"

    def lookups(self, request, model_admin):
        return [("yes", _("Approved or active, with a free place")), ("no", _("No free place"))]

    def queryset(self, request, queryset):
        has_room = Q(status__in=CAN_TAKE_A_CHILD, free_places__gt=0)
        if self.value() == "yes":
            return queryset.filter(has_room)
        if self.value() == "no":
            return queryset.exclude(has_room)
        return queryset


class PossibleDuplicateFilter(admin.SimpleListFilter):
    """Households a public form was sent for with their address, waiting for a coordinator."""

    title = _("possible duplicate")
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("pending", _("A form sent with the address, to compare"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            pending = DuplicateSubmission.objects.filter(
                family=OuterRef("pk"), status=DuplicateStatus.PENDING
            )
            return queryset.filter(Exists(pending))
        return queryset


# -- households -----------------------------------------------------------------------------


class ReadinessFilter(admin.SimpleListFilter):
    title = _("readiness")
    parameter_name = "readiness"

    def lookups(self, request, model_admin):
        return [
            (
                "expiring",
                gettext("An item expires within %(days)s days") % {"days": EXPIRY_WARNING_DAYS},
            )
        ]

    def queryset(self, request, queryset):
        if self.value() == "expiring":
            expiring = households_with_expiring_checks(timezone.localdate())
            return queryset.filter(pk__in=expiring.values("pk"))
        return queryset


class SupportFamilyAdminForm(forms.ModelForm):
    languages = LanguagesField(label=_("Languages spoken at home"))

    class Meta:
        model = SupportFamily
        fields = ["languages"]  # the admin adds the rest from its fieldsets


class StepField(forms.ChoiceField):
    """Offers the steps the pipeline allows; accepts any status, so that a step sent by hand
    that the pipeline does not allow is refused by `change_status` with its own reason."""

    def valid_value(self, value):
        return value in FamilyStatus.values


class StatusChangeForm(forms.Form):
    """Target status and the reason; for an approval, when the criminal-record extract was seen.

    The choices are the steps `next_statuses` allows from the households' current statuses.
    """

    to_status = StepField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        required=False,  # see clean(): approval's own rule asks for it
        help_text=_("Why the status changes. For an approval, the coordinator's decision."),
    )
    criminal_record_checked_on = forms.DateField(
        label=_("Criminal-record extract seen on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Only for an approval. The date you saw the extract; do not keep a copy of it. "
            "Leave empty if it has already been recorded."
        ),
    )

    def __init__(self, *args, families, **kwargs):
        super().__init__(*args, **kwargs)
        steps = next_statuses({family.status for family in families})
        self.fields["to_status"].choices = [
            ("", "---------"),
            *((status, FamilyStatus(status).label) for status in steps),
        ]
        self.has_steps = bool(steps)

    def clean(self):
        cleaned = super().clean()
        # Every change says why. An approval's note is one of the approval's conditions
        # (`_check_approval`), so it is left to that rule, which lists it with the others.
        if not cleaned.get("note") and cleaned.get("to_status") not in (
            None,
            FamilyStatus.APPROVED,
        ):
            self.add_error("note", self.fields["note"].error_messages["required"])
        return cleaned


class ReadinessCheckForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Item"), queryset=ReadinessItem.objects.all(), empty_label=None
    )
    checked_on = forms.DateField(
        label=_("Checked on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day you saw the document or confirmed the item."),
    )


class FamilyStatusChangeInline(ReadOnlyTableInline):
    model = FamilyStatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by", "note_shown")
    ordering = ("-changed_at", "-pk")
    verbose_name_plural = _("status history")
    select_related = ("changed_by",)

    @admin.display(description=_("note"))
    def note_shown(self, change):
        return change.note_shown


class UnavailablePeriodForm(forms.ModelForm):
    class Meta:
        model = UnavailablePeriod
        fields = ("start_date", "end_date", "reason", "note")
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end, reason = (cleaned.get(name) for name in ("start_date", "end_date", "reason"))
        if start and end and reason and not self.cleaned_data.get("DELETE"):
            refusal = availability.period_refusal(start, end, reason)
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned


class UnavailablePeriodInline(admin.TabularInline):
    """The household's periods without hosting; saved through the availability services
    (`SupportFamilyAdmin.save_formset`)."""

    model = UnavailablePeriod
    form = UnavailablePeriodForm
    fields = ("start_date", "end_date", "reason", "note", "created_by")
    readonly_fields = ("created_by",)
    extra = 0
    verbose_name_plural = _("periods without hosting")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


@admin.register(SupportFamily)
class SupportFamilyAdmin(
    HouseholdStatementMixin,
    AuditedViewAdminMixin,
    LeanChangelistMixin,
    SearchAdminMixin,
    DataSubjectAdminMixin,
    admin.ModelAdmin,
):
    dsr_kind = "household"
    dsr_export = family_retention.export_family
    dsr_erase = family_retention.erase_family
    dsr_records = family_retention.family_records
    form = SupportFamilyAdminForm
    list_display = (
        "contact_name",
        "status",
        "days_in_status",
        "municipality_name",
        "language_list",
        "age_range",
        "places",
    )
    list_filter = (
        FamilyStatusFilter,
        ("municipality", MunicipalityFilter),
        LanguageFilter,
        FreePlacesFilter,
        "frequency",
        PossibleDuplicateFilter,
        ReadinessFilter,
    )
    search_fields = (
        "contact_name",
        "email",
        "phone",
        "second_adult_name",
        "second_adult_email",
        "second_adult_phone",
    )
    folded_search_fields = ("search_names",)
    phone_search_fields = ("search_phones",)
    list_per_page = 50
    actions = (
        "move_to_status",
        "export_csv",
        "export_personal_data",
        "erase_personal_data",
        "show_access_log",
        "export_access_log",
    )
    inlines = (UnavailablePeriodInline, FamilyStatusChangeInline)
    readonly_fields = (
        "status",
        "status_changed_at",
        "consent_given_at",
        "application_submitted_at",
        "criminal_record_checked_on",
        "criminal_record_checked_by",
        "readiness",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (_("Status"), {"fields": ("status", "status_changed_at")}),
        (_("Readiness checklist"), {"fields": ("readiness",)}),
        (
            _("Contact adults"),
            {
                "fields": (
                    ("contact_name", "email", "phone"),
                    ("second_adult_name", "second_adult_email", "second_adult_phone"),
                    "contact_language",
                )
            },
        ),
        (
            # The household's home (address, members, pets), not the site's home page.
            pgettext_lazy("the household's home", "Home"),
            {
                "fields": (
                    "street_address",
                    ("postal_code", "municipality"),
                    "household_members",
                    "languages",
                    ("has_pets", "pets"),
                    "home_accessibility",
                )
            },
        ),
        (
            _("What the household can offer"),
            {"fields": (("child_age_min", "child_age_max"), "max_children", "frequency", "wishes")},
        ),
        (
            _("Commitment, consent and checks"),
            {
                "fields": (
                    "commitment_acknowledged",
                    "consent_given_at",
                    "application_submitted_at",
                    ("criminal_record_checked_on", "criminal_record_checked_by"),
                    ("created_at", "updated_at"),
                )
            },
        ),
    )
    change_form_template = "families/admin/family_change_form.html"

    municipality_name = municipality_column()

    def get_list_display(self, request):
        # Found by a phone number: the numbers take the languages' place, so that the match
        # shows and the list still fits the screen.
        if self.is_phone_search(request):
            return [
                "phone_numbers" if name == "language_list" else name for name in self.list_display
            ]
        return self.list_display

    @admin.display(description=_("phone"))
    def phone_numbers(self, family):
        numbers = [(p,) for p in (family.phone, family.second_adult_phone) if p]
        return format_html_join(mark_safe("<br>"), "{}", numbers)

    def get_queryset(self, request):
        return with_free_places(super().get_queryset(request))

    @admin.display(description=_("readiness checklist"))
    def readiness(self, family):
        if not family.pk:
            return "–"
        return render_to_string(
            "families/admin/readiness_checklist.html", {"lines": checklist(family)}
        )

    @admin.display(description=_("days in status"), ordering="status_changed_at")
    def days_in_status(self, family):
        return (timezone.now() - family.status_changed_at).days

    @admin.display(description=_("languages"))
    def language_list(self, family):
        return family.language_names

    @admin.display(description=_("child age"))
    def age_range(self, family):
        return f"{family.child_age_min}–{family.child_age_max}"

    @admin.display(description=_("free places"), ordering="free_places")
    def places(self, family):
        return f"{family.free_places} / {family.max_children}"

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
        else:
            register_family(obj, by=request.user)

    def get_inline_instances(self, request, obj=None):
        # Periods belong to a stored household: the add page (register_family) has none.
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            inlines = [i for i in inlines if not isinstance(i, UnavailablePeriodInline)]
        return inlines

    def save_formset(self, request, form, formset, change):
        if formset.model is not UnavailablePeriod:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these, as after formset.save().
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        family = form.instance
        for row in formset.forms:
            period, data = row.instance, row.cleaned_data
            try:
                if formset._should_delete_form(row):
                    if period.pk:
                        availability.delete_unavailable_period(period, by=request.user)
                        formset.deleted_objects.append(period)
                    continue
                if not row.has_changed():
                    continue
                values = {name: data[name] for name in ("start_date", "end_date", "reason")}
                values["note"] = data.get("note", "")
                if period.pk:
                    availability.update_unavailable_period(period, by=request.user, **values)
                    formset.changed_objects.append((period, row.changed_data))
                else:
                    created = availability.record_unavailable_period(
                        family, by=request.user, **values
                    )
                    formset.new_objects.append(created)
            except availability.AvailabilityError as error:
                self.message_user(request, str(error), messages.ERROR)
        return None

    # -- status changes ------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/status/",
                wrap(self.change_status_view),
                name="families_supportfamily_status",
            ),
            path(
                "<int:object_id>/readiness/",
                wrap(self.record_readiness_view),
                name="families_supportfamily_readiness",
            ),
            *super().get_urls(),
        ]

    def _apply_status_change(self, request, families, form) -> int:
        """Call the service for each household; report each refusal with its reason."""
        to = form.cleaned_data["to_status"]
        note = form.cleaned_data["note"]
        checked_on = form.cleaned_data.get("criminal_record_checked_on")
        moved = 0
        for family in families:
            try:
                if to == FamilyStatus.APPROVED:
                    approve_family(
                        family, by=request.user, criminal_record_checked_on=checked_on, note=note
                    )
                else:
                    change_status(family, to, by=request.user, note=note)
            except TransitionNotAllowed as exc:
                self.message_user(request, f"{family}: {exc}", messages.ERROR)
            else:
                moved += 1
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d household moved to “%(status)s”.",
                    "%(count)d households moved to “%(status)s”.",
                    moved,
                )
                % {"count": moved, "status": FamilyStatus(to).label},
                messages.SUCCESS,
            )
        return moved

    def _status_page(self, request, form, families, *, single):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Change the status"),
            "form": form,
            "pretraining_hours": PRETRAINING_HOURS,
            "valid_months": CRIMINAL_RECORD_VALID_MONTHS,
            "families": families,
            "single": single,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "families/admin/family_change_status.html", context)

    @admin.action(
        description=_("Move selected households to another status…"), permissions=["change"]
    )
    def move_to_status(self, request, queryset):
        families = list(queryset.order_by("contact_name", "pk"))
        if "apply" in request.POST:
            form = StatusChangeForm(request.POST, families=families)
            if form.is_valid():
                self._apply_status_change(request, families, form)
                return None
        else:
            form = StatusChangeForm(families=families)
        return self._status_page(request, form, families, single=False)

    def change_status_view(self, request, object_id):
        family = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, family):
            raise PermissionDenied
        if request.method == "POST":
            form = StatusChangeForm(request.POST, families=[family])
            if form.is_valid() and self._apply_status_change(request, [family], form):
                return redirect(reverse("admin:families_supportfamily_change", args=[family.pk]))
        else:
            form = StatusChangeForm(families=[family])
        return self._status_page(request, form, [family], single=True)

    def record_readiness_view(self, request, object_id):
        """Record one item of the readiness checklist, checked by the signed-in user."""
        family = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, family):
            raise PermissionDenied
        form = ReadinessCheckForm(request.POST or None)
        record_view(request, family)
        if request.method == "POST" and form.is_valid():
            try:
                record_check(
                    family,
                    form.cleaned_data["item"],
                    checked_on=form.cleaned_data["checked_on"],
                    by=request.user,
                )
            except ReadinessError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    gettext("%(item)s recorded.") % {"item": form.cleaned_data["item"]},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:families_supportfamily_change", args=[family.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Record a readiness item"),
            "family": family,
            "form": form,
            "lines": checklist(family),
        }
        return TemplateResponse(
            request,
            "families/admin/record_readiness.html",
            context,
            status=400 if request.method == "POST" else 200,
        )

    # -- export -------------------------------------------------------------------------------

    @admin.action(description=_("Export selected households as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        header = [
            gettext("Name"),
            gettext("Status"),
            gettext("In status since"),
            gettext("Municipality"),
            gettext("Languages"),
            gettext("Youngest child age"),
            gettext("Oldest child age"),
            gettext("Children at a time"),
            gettext("Free places"),
            gettext("How often"),
            gettext("Pets"),
        ]
        rows = (
            [
                f.contact_name,
                f.get_status_display(),
                timezone.localtime(f.status_changed_at).date().isoformat(),
                f.get_municipality_display(),
                f.language_names,
                f.child_age_min,
                f.child_age_max,
                f.max_children,
                f.free_places,
                f.get_frequency_display(),
                gettext("yes") if f.has_pets else gettext("no"),
            ]
            for f in queryset.order_by("status", "contact_name", "pk")
        )
        record_views(request, queryset)
        return csv_response(f"support-families-{timezone.localdate():%Y-%m-%d}.csv", header, rows)
