"""The statistics pages in the admin: coordinators only (support workers are not staff, and a
staff member outside the Coordinators group gets 403).

Registered into the admin site's URLs by `kalliola.admin`, so the admin's own login, staff check
and cache headers wrap them.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from families import statistics as family_statistics
from kalliola.reports.base import Period, Table
from kalliola.reports.charts import chart_for
from kalliola.reports.export import CSV_TYPE, XLSX_TYPE, download, table_csv, tables_xlsx
from kalliola.roles import is_coordinator
from meetings import statistics as meeting_statistics
from trainings import statistics as training_statistics

FIRST_YEAR = 2000
MAX_DAYS = 366 * 5


class PeriodForm(forms.Form):
    """A calendar year, or any span of days (both given) up to five years."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=2100)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Give both the first and the last day."))
            if end < start:
                raise forms.ValidationError(_("The last day cannot be before the first day."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("Choose at most five years at a time."))
            data["period"] = Period(start, end)
        else:
            data["period"] = Period.year(data.get("year") or timezone.localdate().year)
        return data


def build_report(period: Period) -> list[Table]:
    """Every table of the yearly report, in the order of the page (a constant number of
    queries: about one per table, whatever the amount of data)."""
    return [
        *family_statistics.tables(period),
        *training_statistics.tables(period),
        *meeting_statistics.tables(period),
    ]


def _period_or_none(request) -> tuple[PeriodForm, Period | None]:
    form = PeriodForm(request.GET or None)
    if not request.GET:
        return form, Period.year(timezone.localdate().year)
    if form.is_valid():
        return form, form.cleaned_data["period"]
    return form, None


def _require_coordinator(request) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied


def _heading(period: Period) -> str:
    if period.is_calendar_year:
        return gettext("Year %(year)s") % {"year": period.start.year}
    return f"{period.start:%d.%m.%Y}–{period.end:%d.%m.%Y}"


def statistics_view(request, admin_site, printable: bool = False):
    _require_coordinator(request)
    form, period = _period_or_none(request)
    if period is None:
        period = Period.year(timezone.localdate().year)
        valid = False
    else:
        valid = True
    tables = build_report(period)
    sections = [{"table": t, "chart": chart_for(t)} for t in tables]
    this_year = timezone.localdate().year
    context = {
        **admin_site.each_context(request),
        "title": f"{gettext('Statistics')}: {_heading(period)}",
        "form": form,
        "valid": valid,
        "period": period,
        "heading": _heading(period),
        "sections": sections,
        "years": list(range(this_year, max(FIRST_YEAR, this_year - 10) - 1, -1)),
        "query": period.query_string(),
        "printed_at": timezone.now(),
    }
    template = "programme/statistics_print.html" if printable else "programme/statistics.html"
    return TemplateResponse(request, template, context)


def export_view(request, key: str, fmt: str):
    """One table (or `kaikki`: all of them, XLSX only) as CSV or XLSX."""
    _require_coordinator(request)
    _form, period = _period_or_none(request)
    if period is None:
        return HttpResponseBadRequest(gettext("Check the period."))
    tables = build_report(period)
    if key != "kaikki":
        tables = [t for t in tables if t.key == key]
        if not tables:
            raise Http404
    elif fmt != "xlsx":
        raise Http404
    name = f"tilastot-{key}-{period.slug}"
    if fmt == "csv":
        return download(table_csv(tables[0]), CSV_TYPE, f"{name}.csv")
    return download(tables_xlsx(tables, _heading(period)), XLSX_TYPE, f"{name}.xlsx")


def urls(admin_site) -> list:
    """URL patterns to put in front of the admin site's own."""
    wrap = admin_site.admin_view

    def page(request):
        return statistics_view(request, admin_site)

    def printable(request):
        return statistics_view(request, admin_site, printable=True)

    return [
        path("tilastot/", wrap(page), name="kalliola_statistics"),
        path("tilastot/tulosta/", wrap(printable), name="kalliola_statistics_print"),
        path(
            "tilastot/<slug:key>.<str:fmt>",
            wrap(_formats(export_view)),
            name="kalliola_statistics_export",
        ),
    ]


def _formats(view):
    def checked(request, key, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        return view(request, key, fmt)

    return checked
