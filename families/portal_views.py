"""The support workers' pages for relationships (/tyo/suhteet/...).

Every page reads through `relationships_for(user)`: a support worker reaches only their own
relationships (another worker's is a 404), a coordinator reaches all.
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from families.models import RelationshipStatus
from families.portal import (
    attention_of,
    list_rows,
    open_relationships_for,
    relationships_for,
)
from families.portal_forms import (
    CheckInForm,
    StayForm,
    SupervisionContactForm,
    UnavailablePeriodForm,
)
from families.services import availability, reviews
from families.services import check_ins as check_in_services
from families.services import stays as stay_services
from kalliola.audit import record_view
from kalliola.roles import is_coordinator, is_support_worker
from kalliola.rows import pk_link, short_date


def portal_staff_required(view):
    """Signed in, and a support worker or a coordinator; others get a 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (is_support_worker(request.user) or is_coordinator(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _relationship(request, pk):
    """The user's own relationship, and an access entry for its child: every portal page of a
    relationship (its page, the stay and contact forms) shows the child's data."""
    queryset = relationships_for(request.user).select_related("child", "family", "support_worker")
    relationship = get_object_or_404(queryset, pk=pk)
    record_view(request, relationship.child)
    return relationship


RELATIONSHIPS_PER_PAGE = 20


@portal_staff_required
def relationship_list(request):
    """The open relationships a page at a time, the nearest review first."""
    paginator = Paginator(open_relationships_for(request.user), RELATIONSHIPS_PER_PAGE)
    page = paginator.get_page(request.GET.get("sivu"))
    today = timezone.localdate()
    rows = list_rows(page.object_list)
    page.object_list = _cards(rows, attention_of([r["pk"] for r in rows], today), today)
    return render(
        request,
        "families/portal/relationship_list.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "relationships": page.object_list,
            "show_worker": is_coordinator(request.user),
        },
    )


def _cards(rows: list[dict], attention: dict[int, dict], today: datetime.date) -> list[dict]:
    """Add to each row what its card shows, as text: the template only places it.

    Twenty cards with links, dates and plural texts resolved in the template cost more than the
    rest of the page; here each link is reversed once and dates are formatted from a cache.
    """
    detail, log_stay, log_contact, check_in = (
        pk_link(f"families_portal:{name}")
        for name in ("relationship", "log_stay", "log_contact", "check_in")
    )
    overdue = _("overdue")
    paused = str(RelationshipStatus.PAUSED.label)
    for row in rows:
        pk, review_date, waiting = row["pk"], row["review_date"], row["stays_waiting"]
        row["url"] = detail(pk)
        row["log_stay_url"] = log_stay(pk)
        row["log_contact_url"] = log_contact(pk)
        row["check_in_url"] = check_in(pk)
        seen = attention[pk]
        row["reasons"] = seen["reasons"]
        row["check_in_due"] = short_date(seen["check_in_due"])
        row["check_in_overdue"] = overdue if seen["check_in_overdue"] else ""
        row["review"] = short_date(review_date)
        state = reviews.review_state(review_date, today)
        row["due"] = reviews.state_label(state)
        row["review_overdue"] = state == reviews.OVERDUE
        row["paused"] = paused if row["status"] == RelationshipStatus.PAUSED else ""
        row["last_stay_on"] = short_date(row["last_stay"]) or "–"
        row["waiting"] = ngettext(
            "%(n)s stay awaiting approval", "%(n)s stays awaiting approval", waiting
        ) % {"n": waiting}
        row["worker"] = (
            f"{row['worker_first_name']} {row['worker_last_name']}".strip()
            or row["worker_username"]
        )
    return rows


# The latest stays on a relationship's page; every stay, a page at a time, on its stays page.
STAYS_SHOWN = 30


@portal_staff_required
def relationship_detail(request, pk):
    relationship = _relationship(request, pk)
    stays = stay_services.stay_rows(
        relationship, relationship.stays.select_related("payment_month")[:STAYS_SHOWN]
    )
    contacts = relationship.supervision_contacts.select_related("created_by")[:20]
    check_ins = list(relationship.check_ins.all()[:10])
    today = timezone.localdate()
    seen = attention_of([relationship.pk], today)[relationship.pk]
    return render(
        request,
        "families/portal/relationship_detail.html",
        {
            "relationship": relationship,
            "stays": stays,
            "stays_coverage": _stays_coverage(stays),
            "contacts": contacts,
            "unavailable_periods": relationship.family.unavailable_periods.filter(
                end_date__gte=today
            )[:10],
            "check_ins": check_ins,
            "fallen": check_in_services.fallen_scales(*check_ins[:2]) if len(check_ins) > 1 else [],
            "attention": seen,
            "review_state": reviews.review_state(relationship.review_date, today),
        },
    )


def _stays_coverage(stays: stay_services.StayRows) -> str:
    """What the table of the latest stays leaves out, and all stays' nights ("" when the table
    holds every stay)."""
    if stays.is_all:
        return ""
    values = {"shown": len(stays.rows), "all": stays.all_stays, "nights": stays.all_nights}
    latest = ngettext(
        "The latest %(shown)s of %(all)s stay.",
        "The latest %(shown)s of %(all)s stays.",
        stays.all_stays,
    )
    nights = ngettext(
        "All stays: %(nights)s night.", "All stays: %(nights)s nights.", stays.all_nights
    )
    return f"{latest % values} {nights % values}"


@portal_staff_required
def relationship_stays(request, pk):
    """Every stay of the relationship, the latest first, `STAYS_SHOWN` a page."""
    relationship = _relationship(request, pk)
    paginator = Paginator(relationship.stays.select_related("payment_month"), STAYS_SHOWN)
    page = paginator.get_page(request.GET.get("sivu"))
    stays = stay_services.stay_rows(relationship, page.object_list)
    return render(
        request,
        "families/portal/relationship_stays.html",
        {
            "relationship": relationship,
            "stays": stays,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number),
        },
    )


def _portal_form(
    request, relationship, form, save, *, success, heading, extra=None, redirect_to=None
):
    """Show a portal form; on a valid POST run `save(cleaned_data)`, which calls a service.

    A rule the service refuses (StayError) is shown on the form and nothing is saved.
    """
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except stay_services.StayInUnavailablePeriod as error:
            form.add_error(None, str(error))
            form.ask_to_confirm()
        except (stay_services.StayError, availability.AvailabilityError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success)
            name, target = redirect_to or ("families_portal:relationship", relationship.pk)
            return redirect(name, pk=target)
    context = {"relationship": relationship, "form": form, "heading": heading, **(extra or {})}
    return render(request, "families/portal/form.html", context, status=400 if form.errors else 200)


@portal_staff_required
def log_stay(request, pk):
    relationship = _relationship(request, pk)
    return _portal_form(
        request,
        relationship,
        StayForm(request.POST or None),
        lambda data: stay_services.log_stay(
            relationship,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            notes=data["notes"],
            by=request.user,
            confirm_unavailable=data["log_anyway"],
        ),
        success=_("The stay is saved. A coordinator approves it."),
        heading=_("Log a stay"),
    )


@portal_staff_required
def log_contact(request, pk):
    relationship = _relationship(request, pk)
    return _portal_form(
        request,
        relationship,
        SupervisionContactForm(request.POST or None),
        lambda data: stay_services.log_supervision_contact(
            relationship, date=data["date"], mode=data["mode"], notes=data["notes"], by=request.user
        ),
        success=_("The contact is saved."),
        heading=_("Log a contact"),
    )


@portal_staff_required
def check_in(request, pk):
    """The regular check-in: how it goes for the child, the support family and the parent."""
    relationship = _relationship(request, pk)
    if not relationship.is_open:
        raise Http404
    return _portal_form(
        request,
        relationship,
        CheckInForm(request.POST or None),
        lambda data: check_in_services.record_check_in(
            relationship,
            date=data["date"],
            for_child=data["for_child"],
            for_family=data["for_family"],
            for_parent=data["for_parent"],
            note=data["note"],
            by=request.user,
        ),
        success=_("The check-in is saved."),
        heading=_("Record a check-in"),
    )


@portal_staff_required
def edit_stay(request, pk, stay_pk):
    """Correct or remove a stay that is still awaiting approval."""
    relationship = _relationship(request, pk)
    stay = get_object_or_404(relationship.stays.filter(payment_month__isnull=True), pk=stay_pk)
    if request.method == "POST" and "delete" in request.POST:
        try:
            stay_services.delete_stay(stay, by=request.user)
        except stay_services.StayError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The stay is removed."))
        return redirect("families_portal:relationship", pk=relationship.pk)
    start = timezone.localtime(stay.starts_at)
    end = timezone.localtime(stay.ends_at)
    initial = {
        "start_date": start.date(),
        "start_time": start.time().replace(second=0, microsecond=0),
        "end_date": end.date(),
        "end_time": end.time().replace(second=0, microsecond=0),
        "notes": stay.notes,
    }
    return _portal_form(
        request,
        relationship,
        StayForm(request.POST or None, initial=initial),
        lambda data: stay_services.update_stay(
            stay,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            notes=data["notes"],
            by=request.user,
            confirm_unavailable=data["log_anyway"],
        ),
        success=_("The stay is saved. A coordinator approves it."),
        heading=_("Correct a stay"),
        extra={"stay": stay},
    )


# Periods without hosting: the support family's, reached through the worker's own relationship.


def _family_relationship(request, pk):
    """The user's own relationship; the access entry is for its household, whose periods the
    page shows."""
    queryset = relationships_for(request.user).select_related("child", "family", "support_worker")
    relationship = get_object_or_404(queryset, pk=pk)
    record_view(request, relationship.family)
    return relationship


def _period_data(data):
    return {
        "start_date": data["start_date"],
        "end_date": data["end_date"],
        "reason": data["reason"],
        "note": data["note"],
    }


@portal_staff_required
def periods(request, pk):
    """The household's periods without hosting (those not over yet), and a form for a new one."""
    relationship = _family_relationship(request, pk)
    today = timezone.localdate()
    upcoming = list(relationship.family.unavailable_periods.filter(end_date__gte=today))
    return _portal_form(
        request,
        relationship,
        UnavailablePeriodForm(request.POST or None),
        lambda data: availability.record_unavailable_period(
            relationship.family, by=request.user, **_period_data(data)
        ),
        success=_("The period is saved."),
        heading=_("Periods without hosting"),
        extra={"periods": upcoming, "period_form": True},
        redirect_to=("families_portal:periods", relationship.pk),
    )


@portal_staff_required
def edit_period(request, pk, period_pk):
    """Correct or remove one of the household's periods."""
    relationship = _family_relationship(request, pk)
    period = get_object_or_404(relationship.family.unavailable_periods, pk=period_pk)
    if request.method == "POST" and "delete" in request.POST:
        try:
            availability.delete_unavailable_period(period, by=request.user)
        except availability.AvailabilityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The period is removed."))
        return redirect("families_portal:periods", pk=relationship.pk)
    initial = {
        "start_date": period.start_date,
        "end_date": period.end_date,
        "reason": period.reason,
        "note": period.note,
    }
    return _portal_form(
        request,
        relationship,
        UnavailablePeriodForm(request.POST or None, initial=initial),
        lambda data: availability.update_unavailable_period(
            period, by=request.user, **_period_data(data)
        ),
        success=_("The period is saved."),
        heading=_("Correct a period without hosting"),
        extra={"period": period},
        redirect_to=("families_portal:periods", relationship.pk),
    )
