"""Admin for rates and the monthly payment reports: one page per month, approve, export."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext

from families.models import (
    PaymentMonth,
    Rate,
    SupportFamily,
)
from families.services import payments as payment_services
from families.services import stays as stay_services
from kalliola.admin_anonymised import ClosedWhenAnonymisedAdminMixin
from kalliola.audit import record_views
from kalliola.reports.export import CSV_TYPE, XLSX_TYPE, download


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ("kind", "unit", "amount", "valid_from", "valid_until", "note")
    list_filter = ("kind", "unit")
    ordering = ("kind", "unit", "-valid_from")


def _record_export(request, month) -> None:
    """The payment file names households: each gets an access entry (kalliola.audit)."""
    families = SupportFamily.objects.filter(
        pk__in=[row[0] for row in payment_services.export_rows(month)]
    )
    record_views(request, families)


def _parse_month(value: str | None) -> datetime.date:
    """`2026-10` → 1 October 2026; anything else → the previous month."""
    if value:
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            pass
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@admin.register(PaymentMonth)
class PaymentMonthAdmin(ClosedWhenAnonymisedAdminMixin, admin.ModelAdmin):
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
        content = payment_services.export_csv(month)
        _record_export(request, month)
        return download(content, CSV_TYPE, f"payments-{month:%Y-%m}.csv")

    def xlsx_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        month = _parse_month(request.GET.get("month"))
        content = payment_services.export_xlsx(month)
        _record_export(request, month)
        return download(content, XLSX_TYPE, f"payments-{month:%Y-%m}.xlsx")

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
