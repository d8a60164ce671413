"""Admin for rates and the monthly payment reports: one page per month, approve, reopen, export."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from families.admin.statements import StatementSendingMixin
from families.models import PaymentMonth, Rate, SupportFamily
from families.services import payments as payment_services
from families.services.stays import money
from kalliola.admin_anonymised import ClosedWhenAnonymisedAdminMixin
from kalliola.audit import record_views
from kalliola.reports.export import CSV_TYPE, XLSX_TYPE, download

# Households per page of a month: a page a coordinator scrolls, whatever the month's size.
PER_PAGE = 50


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


def _month_name(month: datetime.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _place(data, month: datetime.date) -> dict:
    """The page, search and filters of the month's page (GET or a form's hidden fields), each
    checked: a bad value is dropped, never a 500 nor something echoed back."""
    place = {"month": f"{month:%Y-%m}"}
    query = (data.get("q") or "").strip()[:100]
    if query:
        place["q"] = query
    worker = data.get("worker") or ""
    if worker.isdigit() and len(worker) < 10:
        place["worker"] = worker
    state = data.get("state") or ""
    if state in (payment_services.APPROVED, payment_services.PENDING):
        place["state"] = state
    page = data.get("p") or ""
    if page.isdigit() and len(page) < 6:
        place["p"] = page
    return place


def _filters(place: dict) -> payment_services.MonthFilter:
    return payment_services.MonthFilter(
        query=place.get("q", ""),
        worker_id=int(place["worker"]) if "worker" in place else None,
        state=place.get("state", ""),
    )


def _page_url(place: dict, anchor: str = "") -> str:
    url = reverse("admin:families_paymentmonth_changelist")
    return f"{url}?{urlencode(place)}" + (f"#{anchor}" if anchor else "")


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for reopening"),
        max_length=payment_services.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy(
            "Shown on the month's payment page and kept in the audit trail. "
            "No details of the child."
        ),
    )


@admin.register(PaymentMonth)
class PaymentMonthAdmin(StatementSendingMixin, ClosedWhenAnonymisedAdminMixin, admin.ModelAdmin):
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
            path("odottavat/", wrap(self.awaiting_view), name="families_paymentmonth_awaiting"),
            path("hyvaksy/", wrap(self.approve_view), name="families_paymentmonth_approve"),
            path(
                "hyvaksy-kaikki/",
                wrap(self.approve_all_view),
                name="families_paymentmonth_approve_all",
            ),
            path("avaa/", wrap(self.reopen_view), name="families_paymentmonth_reopen"),
            path("vienti.csv", wrap(self.csv_view), name="families_paymentmonth_csv"),
            path("vienti.xlsx", wrap(self.xlsx_view), name="families_paymentmonth_xlsx"),
            path(
                "tulosta/<int:family_id>/",
                wrap(self.print_view),
                name="families_paymentmonth_print",
            ),
            *super().get_urls(),
        ]

    def _can_approve(self, request) -> bool:
        return request.user.has_perm("families.add_paymentmonth")

    def _context(self, request, month, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "month": month,
            "month_param": f"{month:%Y-%m}",
            **extra,
        }

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        month = _parse_month(request.GET.get("month"))
        place = _place(request.GET, month)
        households = payment_services.month_households(month, _filters(place))
        page = Paginator(households, PER_PAGE).get_page(place.get("p"))
        reports = payment_services.monthly_reports(
            month, family_ids=[family.pk for family in page.object_list]
        )
        previous = (month - datetime.timedelta(days=1)).replace(day=1)
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        filters_only = {k: v for k, v in place.items() if k != "p"}
        context = self._context(
            request,
            month,
            title=gettext("Payment reports"),
            previous_param=f"{previous:%Y-%m}",
            following_param=f"{following:%Y-%m}",
            reports=reports,
            page=page,
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2),
            page_query=urlencode(filters_only),
            place=place,
            place_filters=filters_only,
            filtered=len(filters_only) > 1,
            workers=payment_services.month_workers(month),
            summary=payment_services.month_summary(month),
            reopenings=payment_services.month_reopenings(month),
            has_ended=payment_services.has_ended(month),
            can_approve=self._can_approve(request),
        )
        return TemplateResponse(request, "families/admin/payment_reports.html", context)

    def awaiting_view(self, request):
        """Every month with stays awaiting approval, oldest first, with the two totals the
        dashboard counts (each figure's id is the anchor of the dashboard item's link)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        months = payment_services.months_awaiting_approval(timezone.now())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Months awaiting approval"),
            "months": [(m, f"{m.month:%Y-%m}") for m in months],
            "stays": sum(m.stays for m in months),
            "households": payment_services.households_to_approve(months),
            "stays_figure": payment_services.STAYS_FIGURE,
            "households_figure": payment_services.HOUSEHOLDS_FIGURE,
        }
        return TemplateResponse(request, "families/admin/payment_awaiting.html", context)

    def approve_view(self, request):
        """One household's approval; back to the same page, filters and row."""
        if request.method != "POST":
            return redirect("admin:families_paymentmonth_changelist")
        if not self._can_approve(request):
            raise PermissionDenied
        month = _parse_month(request.POST.get("month"))
        family_id = request.POST.get("family", "")
        if not family_id.isdigit() or len(family_id) > 9:
            raise Http404
        family = get_object_or_404(SupportFamily, pk=int(family_id))
        try:
            approval = payment_services.approve_month(family, month, by=request.user)
        except payment_services.PaymentError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                gettext("Approved: %(family)s, %(total)s.")
                % {"family": family, "total": money(approval.total)},
            )
        return redirect(_page_url(_place(request.POST, month), f"household-{family.pk}"))

    def approve_all_view(self, request):
        """Every pending household of the month, after a confirmation page."""
        if not self._can_approve(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        month = _parse_month(data.get("month"))
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                result = payment_services.approve_all(month, by=request.user)
            except payment_services.PaymentError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Approved %(count)s household, %(total)s in all.",
                        "Approved %(count)s households, %(total)s in all.",
                        result.approved,
                    )
                    % {"count": result.approved, "total": money(result.total)},
                )
                if result.unfinished:
                    messages.warning(
                        request,
                        ngettext(
                            "%(count)s household is still pending: a stay of theirs has not "
                            "ended yet.",
                            "%(count)s households are still pending: a stay of theirs has not "
                            "ended yet.",
                            result.unfinished,
                        )
                        % {"count": result.unfinished},
                    )
            return redirect(_page_url({"month": f"{month:%Y-%m}"}))
        summary = payment_services.month_summary(month)
        context = self._context(
            request,
            month,
            title=gettext("Approve every household of %(month)s") % {"month": _month_name(month)},
            summary=summary,
            has_ended=payment_services.has_ended(month),
        )
        return TemplateResponse(request, "families/admin/payment_approve_all.html", context)

    def reopen_view(self, request):
        """Reopen one household's approved month, or the whole month, with a reason."""
        if not self._can_approve(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        month = _parse_month(data.get("month"))
        family = None
        family_id = data.get("family", "")
        if family_id:
            if not family_id.isdigit() or len(family_id) > 9:
                raise Http404
            family = get_object_or_404(SupportFamily, pk=int(family_id))
        approvals = PaymentMonth.objects.filter(month=month)
        if family is not None:
            approvals = approvals.filter(family=family)
        approved = approvals.count()
        form = ReopenForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                count = payment_services.reopen_month(
                    month, reason=form.cleaned_data["reason"], by=request.user, family=family
                )
            except payment_services.PaymentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Reopened %(month)s for %(count)s household.",
                        "Reopened %(month)s for %(count)s households.",
                        count,
                    )
                    % {"month": _month_name(month), "count": count},
                )
                anchor = f"household-{family.pk}" if family is not None else "reopenings"
                return redirect(_page_url(_place(request.POST, month), anchor))
        context = self._context(
            request,
            month,
            title=gettext("Reopen %(month)s") % {"month": _month_name(month)},
            form=form,
            family=family,
            approved=approved,
            place=_place(data, month),
        )
        return TemplateResponse(request, "families/admin/payment_reopen.html", context)

    def _export(self, request, render, content_type, extension):
        if not self.has_view_permission(request):
            raise PermissionDenied
        month = _parse_month(request.GET.get("month"))
        rows = payment_services.export_rows(month)
        content = render(month, rows)
        # The payment file names households: each gets an access entry (kalliola.audit).
        record_views(request, SupportFamily.objects.filter(pk__in=[row[0] for row in rows]))
        return download(content, content_type, f"payments-{month:%Y-%m}.{extension}")

    def csv_view(self, request):
        return self._export(request, payment_services.export_csv, CSV_TYPE, "csv")

    def xlsx_view(self, request):
        return self._export(request, payment_services.export_xlsx, XLSX_TYPE, "xlsx")

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
