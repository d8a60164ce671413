"""Admin for relationships, stays, rates and the monthly payment reports.

Relationships are created from a waiting child's suggestion list (a custom admin view), so the
rules of `create_relationship` always apply; stays are logged in the portal (coordinators see
every relationship there) and shown here inline with their amounts.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from families import matching
from families.models import (
    REVIEW_DUE_DAYS,
    Child,
    PaymentMonth,
    Rate,
    RelationshipStatus,
    RelationshipStatusChange,
    Stay,
    SupervisionContact,
    SupportFamily,
    SupportRelationship,
    review_due_by,
)
from families.models.child import ChildStatus
from families.services import payments as payment_services
from families.services import relationships as relationship_services
from families.services import stays as stay_services
from kalliola.admin_inlines import ReadOnlyTableInline
from kalliola.admin_lists import LeanChangelistMixin
from kalliola.roles import SUPPORT_WORKERS
from kalliola.subqueries import count_of


def support_workers():
    return (
        get_user_model()
        .objects.filter(groups__name=SUPPORT_WORKERS, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class SupportWorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class SupportWorkerFilter(admin.SimpleListFilter):
    title = _("support worker")
    parameter_name = "worker"

    def lookups(self, request, model_admin):
        return [(str(u.pk), u.get_full_name() or u.get_username()) for u in support_workers()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(support_worker_id=int(self.value()))
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("due", _("Due within %(days)s days") % {"days": REVIEW_DUE_DAYS}),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_ = queryset.exclude(status=RelationshipStatus.ENDED)
        if self.value() == "overdue":
            return open_.filter(review_date__lt=today)
        if self.value() == "due":
            return open_.filter(review_date__gte=today, review_date__lte=review_due_by(today))
        return queryset


class StayInline(ReadOnlyTableInline):
    model = Stay
    fields = ("starts_at", "ends_at", "nights", "fee_shown", "reimbursement_shown", "approved")
    readonly_fields = fields

    select_related = ("payment_month",)

    def get_queryset(self, request):
        self._rates = list(Rate.objects.all())
        return super().get_queryset(request)

    def _amounts(self, stay):
        return stay_services.amounts_of(stay, getattr(self, "_rates", None))

    @admin.display(description=_("fee"))
    def fee_shown(self, stay):
        return f"{self._amounts(stay).fee:.2f} €"

    @admin.display(description=_("expense reimbursement"))
    def reimbursement_shown(self, stay):
        return f"{self._amounts(stay).reimbursement:.2f} €"

    @admin.display(description=_("approved"), boolean=True)
    def approved(self, stay):
        return stay.is_approved


class SupervisionContactInline(ReadOnlyTableInline):
    model = SupervisionContact
    fields = ("date", "mode", "notes", "created_by")
    readonly_fields = fields
    select_related = ("created_by",)


class StatusChangeInline(ReadOnlyTableInline):
    model = RelationshipStatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by", "note")
    readonly_fields = fields
    select_related = ("changed_by",)


class EndRelationshipForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    household_on_hold = forms.BooleanField(
        label=_("Put the household on hold (otherwise it is free for a new child)"),
        required=False,
    )
    child_waits_again = forms.BooleanField(
        label=_("The child still needs a support family (back to waiting)"), required=False
    )


class CreateRelationshipForm(forms.Form):
    support_worker = SupportWorkerChoiceField(label=_("Support worker"), queryset=None)
    start_date = forms.DateField(label=_("Start date"), initial=timezone.localdate)
    rhythm = forms.CharField(
        label=_("Agreed rhythm"),
        max_length=200,
        required=False,
        initial=_("One weekend a month"),
    )
    family = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["support_worker"].queryset = support_workers()


@admin.register(SupportRelationship)
class SupportRelationshipAdmin(LeanChangelistMixin, admin.ModelAdmin):
    list_display = (
        "child",
        "family",
        "support_worker",
        "status",
        "start_date",
        "review_date",
        "stays_count",
    )
    list_filter = ("status", SupportWorkerFilter, ReviewDueFilter)
    list_select_related = ("child", "family", "support_worker")
    search_fields = ("child__first_name", "child__last_name", "family__contact_name")
    readonly_fields = (
        "child",
        "family",
        "start_date",
        "status",
        "end_date",
        "end_reason",
        "review_reminded_for",
        "created_by",
        "created_at",
        "end_link",
    )
    fields = (
        "child",
        "family",
        "support_worker",
        "start_date",
        "rhythm",
        "review_date",
        "status",
        "end_date",
        "end_reason",
        "end_link",
        "review_reminded_for",
        "created_by",
        "created_at",
    )
    inlines = (StayInline, SupervisionContactInline, StatusChangeInline)
    actions = ("pause_selected", "resume_selected")
    change_list_template = "families/admin/relationship_change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_stays=count_of(Stay.objects.filter(relationship=OuterRef("pk"))))
        )

    @admin.display(description=_("stays"), ordering="_stays")
    def stays_count(self, obj):
        return obj._stays

    @admin.display(description=_("end"))
    def end_link(self, obj):
        from django.utils.html import format_html

        if obj is None or obj.pk is None or obj.status == RelationshipStatus.ENDED:
            return "–"
        url = reverse("admin:families_supportrelationship_end", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("End…"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "support_worker":
            kwargs["queryset"] = support_workers()
            kwargs["form_class"] = SupportWorkerChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        # New relationships come from a waiting child's suggestions (see suggestions_view).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _can_create(self, request) -> bool:
        return request.user.has_perm("families.add_supportrelationship")

    @admin.action(description=_("Pause the selected relationships"))
    def pause_selected(self, request, queryset):
        self._each(request, queryset, relationship_services.pause_relationship)

    @admin.action(description=_("Resume the selected relationships"))
    def resume_selected(self, request, queryset):
        self._each(request, queryset, relationship_services.resume_relationship)

    def _each(self, request, queryset, operation):
        done = 0
        for relationship in queryset:
            try:
                operation(relationship, by=request.user)
                done += 1
            except relationship_services.RelationshipError as error:
                self.message_user(request, f"{relationship}: {error}", messages.WARNING)
        if done:
            self.message_user(
                request, gettext("%(n)s relationships changed.") % {"n": done}, messages.SUCCESS
            )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("lapset/", wrap(self.waiting_children_view), name="families_waiting_children"),
            path(
                "lapset/<int:child_id>/ehdotukset/",
                wrap(self.suggestions_view),
                name="families_child_suggestions",
            ),
            path("<int:pk>/paata/", wrap(self.end_view), name="families_supportrelationship_end"),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def waiting_children_view(self, request):
        if not self._can_create(request):
            raise PermissionDenied
        children = Child.objects.filter(status=ChildStatus.WAITING).order_by("waiting_since", "pk")
        return TemplateResponse(
            request,
            "families/admin/waiting_children.html",
            self._context(request, gettext("Waiting children"), children=children),
        )

    def suggestions_view(self, request, child_id):
        if not self._can_create(request):
            raise PermissionDenied
        child = get_object_or_404(Child, pk=child_id)
        form = CreateRelationshipForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid() and form.cleaned_data.get("family"):
                family_id = form.cleaned_data["family"]
                today = timezone.localdate()
                if not matching.candidates(child, today=today).filter(pk=family_id).exists():
                    messages.error(request, gettext("That household is not a suitable match."))
                else:
                    try:
                        relationship = relationship_services.create_relationship(
                            child=child,
                            family=SupportFamily.objects.get(pk=family_id),
                            support_worker=form.cleaned_data["support_worker"],
                            start_date=form.cleaned_data["start_date"],
                            rhythm=form.cleaned_data["rhythm"],
                            by=request.user,
                        )
                    except relationship_services.RelationshipError as error:
                        messages.error(request, str(error))
                    else:
                        messages.success(request, gettext("The support relationship is created."))
                        return redirect(
                            "admin:families_supportrelationship_change", relationship.pk
                        )
            elif form.is_valid():
                messages.error(request, gettext("Choose a household from the list."))
        suggestions = matching.suggest(child) if child.status == ChildStatus.WAITING else []
        return TemplateResponse(
            request,
            "families/admin/suggestions.html",
            self._context(
                request,
                gettext("Support families for %(child)s") % {"child": child},
                child=child,
                form=form,
                suggestions=suggestions,
                is_waiting=child.status == ChildStatus.WAITING,
            ),
            status=400 if request.method == "POST" else 200,
        )

    def end_view(self, request, pk):
        if not request.user.has_perm("families.change_supportrelationship"):
            raise PermissionDenied
        relationship = get_object_or_404(
            SupportRelationship.objects.select_related("child", "family"), pk=pk
        )
        form = EndRelationshipForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                relationship_services.end_relationship(
                    relationship,
                    end_date=form.cleaned_data["end_date"],
                    reason=form.cleaned_data["reason"],
                    household_on_hold=form.cleaned_data["household_on_hold"],
                    child_waits_again=form.cleaned_data["child_waits_again"],
                    by=request.user,
                )
            except relationship_services.RelationshipError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("The support relationship has ended."))
                return redirect("admin:families_supportrelationship_change", relationship.pk)
        return TemplateResponse(
            request,
            "families/admin/end_relationship.html",
            self._context(
                request,
                gettext("End the support relationship"),
                relationship=relationship,
                form=form,
                original=relationship,
            ),
        )


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ("kind", "unit", "amount", "valid_from", "valid_until", "note")
    list_filter = ("kind", "unit")
    ordering = ("kind", "unit", "-valid_from")


def _parse_month(value: str | None) -> datetime.date:
    """`2026-10` → 1 October 2026; anything else → the previous month."""
    if value:
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            pass
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@admin.register(PaymentMonth)
class PaymentMonthAdmin(admin.ModelAdmin):
    """The payment reports: one page per month, households with totals, approve, export."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("hyvaksy/", wrap(self.approve_view), name="families_paymentmonth_approve"),
            path("vienti.csv", wrap(self.csv_view), name="families_paymentmonth_csv"),
            path("vienti.xlsx", wrap(self.xlsx_view), name="families_paymentmonth_xlsx"),
            path(
                "tulosta/<int:family_id>/",
                wrap(self.print_view),
                name="families_paymentmonth_print",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        month = _parse_month(request.GET.get("month"))
        reports = payment_services.monthly_reports(month)
        previous = (month - datetime.timedelta(days=1)).replace(day=1)
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Payment reports"),
            "month": month,
            "month_param": f"{month:%Y-%m}",
            "previous_param": f"{previous:%Y-%m}",
            "following_param": f"{following:%Y-%m}",
            "reports": reports,
            "can_approve": request.user.has_perm("families.add_paymentmonth"),
            "totals": {
                "nights": sum(r.nights for r in reports),
                "fee": sum((r.fee for r in reports), stay_services.ZERO),
                "reimbursement": sum((r.reimbursement for r in reports), stay_services.ZERO),
                "total": sum((r.total for r in reports), stay_services.ZERO),
            },
        }
        return TemplateResponse(request, "families/admin/payment_reports.html", context)

    def approve_view(self, request):
        if request.method != "POST":
            return redirect("admin:families_paymentmonth_changelist")
        if not request.user.has_perm("families.add_paymentmonth"):
            raise PermissionDenied
        month = _parse_month(request.POST.get("month"))
        family_id = request.POST.get("family", "")
        if not family_id.isdigit():
            raise Http404
        family = get_object_or_404(SupportFamily, pk=int(family_id))
        try:
            approval = payment_services.approve_month(family, month, by=request.user)
        except payment_services.PaymentError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                gettext("Approved: %(family)s, %(total)s €.")
                % {"family": family, "total": f"{approval.total:.2f}"},
            )
        url = reverse("admin:families_paymentmonth_changelist")
        return redirect(f"{url}?month={month:%Y-%m}")

    def csv_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        month = _parse_month(request.GET.get("month"))
        response = HttpResponse(
            payment_services.export_csv(month), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="payments-{month:%Y-%m}.csv"'
        return response

    def xlsx_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        month = _parse_month(request.GET.get("month"))
        response = HttpResponse(
            payment_services.export_xlsx(month),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="payments-{month:%Y-%m}.xlsx"'
        return response

    def print_view(self, request, family_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        family = get_object_or_404(SupportFamily, pk=family_id)
        month = _parse_month(request.GET.get("month"))
        report = payment_services.household_report(family, month)
        return TemplateResponse(
            request,
            "families/admin/payment_print.html",
            {"report": report, "month": month, "printed_at": timezone.now()},
        )
