"""Admin of the yearly statements: a household's statement page and CSV (on the household), and
sending every statement of a year by e-mail in one action (on the payment reports)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from families.services import statements as statement_services
from families.services.statement_links import FIRST_YEAR, LAST_YEAR
from kalliola.audit import record_view
from kalliola.reports.export import CSV_TYPE, download


def last_month_year() -> int:
    """The year of last month: in January the statements of the year just ended."""
    today = timezone.localdate()
    return today.year - 1 if today.month == 1 else today.year


def _year(value) -> int:
    """A year from the address; a 404 for anything but 1900–2100, never a 500."""
    if value in (None, ""):
        return last_month_year()
    if not str(value).isdigit() or len(str(value)) > 4:
        raise Http404
    try:
        return statement_services.check_year(value)
    except statement_services.StatementError:
        raise Http404 from None


class HouseholdStatementMixin:
    """The household's yearly statement: a printable page and its CSV (SupportFamilyAdmin)."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/vuosikooste/",
                wrap(self.statement_view),
                name="families_supportfamily_statement",
            ),
            path(
                "<int:object_id>/vuosikooste.csv",
                wrap(self.statement_csv_view),
                name="families_supportfamily_statement_csv",
            ),
            *super().get_urls(),
        ]

    def _statement(self, request, object_id):
        family = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, family):
            raise PermissionDenied
        statement = statement_services.yearly_statement(family, _year(request.GET.get("year")))
        record_view(request, family)
        return statement

    def statement_view(self, request, object_id):
        statement = self._statement(request, object_id)
        year = statement.year
        query = f"?year={year}"
        url = reverse("admin:families_supportfamily_statement", args=[statement.family.pk])
        context = {
            "statement": statement,
            "back_url": reverse("admin:families_supportfamily_change", args=[statement.family.pk]),
            "csv_url": reverse(
                "admin:families_supportfamily_statement_csv", args=[statement.family.pk]
            )
            + query,
            "previous_url": f"{url}?year={year - 1}" if year > FIRST_YEAR else "",
            "next_url": f"{url}?year={year + 1}" if year < LAST_YEAR else "",
            "printed_at": timezone.now(),
        }
        response = TemplateResponse(request, "families/statement.html", context)
        response["Cache-Control"] = "private, no-store"
        return response

    def statement_csv_view(self, request, object_id):
        statement = self._statement(request, object_id)
        filename = f"statement-{statement.family.pk}-{statement.year}.csv"
        return download(statement_services.statement_csv(statement), CSV_TYPE, filename)


class SendStatementsForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)


class StatementSendingMixin:
    """Send every household's statement of a year (PaymentMonthAdmin)."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "vuosikoosteet/",
                wrap(self.send_statements_view),
                name="families_paymentmonth_statements",
            ),
            *super().get_urls(),
        ]

    def send_statements_view(self, request):
        """A year to choose, how many households it reaches, and a button that queues them."""
        if not self._can_approve(request):
            raise PermissionDenied
        if request.method == "POST":
            form = SendStatementsForm(request.POST)
            if form.is_valid():
                year = form.cleaned_data["year"]
                count = statement_services.send_statements(year, by=request.user)
                messages.success(
                    request,
                    ngettext(
                        "The statement of %(year)s is on its way to %(count)s household.",
                        "The statements of %(year)s are on their way to %(count)s households.",
                        count,
                    )
                    % {"year": year, "count": count},
                )
                url = reverse("admin:families_paymentmonth_statements")
                return redirect(f"{url}?year={year}")
        else:
            form = SendStatementsForm(
                request.GET if "year" in request.GET else None,
                initial={"year": last_month_year()},
            )
        year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else None
        year = year or last_month_year()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Send the yearly statements"),
            "form": form,
            "year": year,
            "households": statement_services.statement_families(year).count(),
            "link_days": settings.STATEMENT_LINK_DAYS,
        }
        return TemplateResponse(request, "families/admin/statements_send.html", context)
