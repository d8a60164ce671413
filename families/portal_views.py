"""The support workers' pages for relationships (/tyo/suhteet/...).

Every page reads through `relationships_for(user)`: a support worker reaches only their own
relationships (another worker's is a 404), a coordinator reaches all.
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import OPEN_RELATIONSHIP_STATUSES, Rate
from families.portal import REVIEW_HORIZON_DAYS, relationships_for
from families.portal_forms import StayForm, SupervisionContactForm
from families.services import stays as stay_services
from kalliola.audit import record_view
from kalliola.roles import is_coordinator, is_support_worker


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
    queryset = relationships_for(request.user).select_related("child", "family", "support_worker")
    return get_object_or_404(queryset, pk=pk)


@portal_staff_required
def relationship_list(request):
    today = timezone.localdate()
    relationships = (
        relationships_for(request.user)
        .filter(status__in=OPEN_RELATIONSHIP_STATUSES)
        .select_related("child", "family", "support_worker")
        .annotate(
            stays_waiting=Count("stays", filter=Q(stays__payment_month__isnull=True)),
            last_stay=Max("stays__starts_at"),
        )
        .order_by("review_date", "pk")
    )
    horizon = today + datetime.timedelta(days=REVIEW_HORIZON_DAYS)
    return render(
        request,
        "families/portal/relationship_list.html",
        {
            "relationships": relationships,
            "horizon": horizon,
            "today": today,
            "show_worker": is_coordinator(request.user),
        },
    )


@portal_staff_required
def relationship_detail(request, pk):
    relationship = _relationship(request, pk)
    # The page shows the child's data: the trail records who opened it.
    record_view(request, relationship.child)
    rates = list(Rate.objects.all())
    stays = list(relationship.stays.select_related("payment_month")[:30])
    rows = [(stay, stay_services.amounts_of(stay, rates)) for stay in stays]
    totals = {
        "nights": sum(stay.nights for stay, _amounts in rows),
        "fee": sum((a.fee for _stay, a in rows), stay_services.ZERO),
        "reimbursement": sum((a.reimbursement for _stay, a in rows), stay_services.ZERO),
    }
    contacts = relationship.supervision_contacts.select_related("created_by")[:20]
    return render(
        request,
        "families/portal/relationship_detail.html",
        {
            "relationship": relationship,
            "rows": rows,
            "totals": totals,
            "contacts": contacts,
            "review_soon": relationship.review_date
            <= timezone.localdate() + datetime.timedelta(days=REVIEW_HORIZON_DAYS),
        },
    )


def _portal_form(request, relationship, form, save, *, success, heading, extra=None):
    """Show a portal form; on a valid POST run `save(cleaned_data)`, which calls a service.

    A rule the service refuses (StayError) is shown on the form and nothing is saved.
    """
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except stay_services.StayError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success)
            return redirect("families_portal:relationship", pk=relationship.pk)
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
        ),
        success=_("The stay is saved. A coordinator approves it."),
        heading=_("Correct a stay"),
        extra={"stay": stay},
    )
