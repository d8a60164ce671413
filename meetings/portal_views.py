"""Support workers' pages for their cases (/tyo/). Coordinators see every case."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kalliola.audit import record_view
from kalliola.roles import is_coordinator, is_support_worker
from kalliola.rows import pk_link
from meetings import calendar, portal, services
from meetings.forms import (
    AssessmentForm,
    CaseDetailsForm,
    CloseCaseForm,
    FollowUpForm,
    MeetingForm,
    PlanForm,
    ReferralFormSet,
)
from meetings.models import (
    Assessment,
    Benefit,
    CalendarToken,
    CaseStatus,
    FollowUp,
    FollowUpBenefit,
    Meeting,
    Plan,
    ServiceReferral,
    Theme,
)
from meetings.models.themes import labels_of

CASES_PER_PAGE = 20
# The case list shows the start of the family's question.
QUESTION_SHOWN = 120


def staff_only(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (is_coordinator(request.user) or is_support_worker(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _case_or_404(request, pk):
    """A case the user may see, and an access entry for it: every portal page of a case (its
    page, the meeting, assessment, plan, closing and follow-up forms) shows the client's data."""
    case = get_object_or_404(
        services.visible_cases(request.user).select_related(
            "support_worker", "learning_support_consent_by"
        ),
        pk=pk,
    )
    record_view(request, case)
    return case


@staff_only
def case_list(request):
    """The cases a page at a time, newest first, by status."""
    status = request.GET.get("tila", "open")
    if status != "open" and status not in CaseStatus.values:
        status = "all"
    cases = services.visible_cases(request.user).order_by("-opened_on", "-pk")
    if status == "open":
        cases = cases.filter(status__in=[CaseStatus.NEW, CaseStatus.ACTIVE])
    elif status != "all":
        cases = cases.filter(status=status)
    paginator = Paginator(cases, CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("sivu"))
    page.object_list = _cards(portal.list_rows(page.object_list))
    return render(
        request,
        "meetings/portal/case_list.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "query": f"tila={status}&",
            "status": status,
            "statuses": CaseStatus.choices,
            "show_worker": is_coordinator(request.user),
        },
    )


def _cards(rows: list[dict]) -> list[dict]:
    """Add to each row what its card shows, as text: the template only places it.

    A card is rendered for every row, so links, labels and dates are prepared here once (the
    link reversed once for the page) rather than by tags and filters in the loop.
    """
    link = pk_link("meetings_portal:case")
    labels = {value: str(label) for value, label in CaseStatus.choices}
    for row in rows:
        pk, count, next_meeting = row["pk"], row["meeting_count"], row["next_meeting"]
        row["url"] = link(pk)
        row["title"] = _("Case %(case)s") % {"case": pk}
        row["status_label"] = labels.get(row["status"], row["status"])
        row["meetings"] = _("%(n)s/5 meetings") % {"n": count}
        row["next"] = (
            date_format(timezone.localtime(next_meeting), "D j.n. H:i") if next_meeting else ""
        )
        row["worker"] = (
            f"{row['worker_first_name']} {row['worker_last_name']}".strip()
            or row["worker_username"]
        )
        if len(row["question"]) > QUESTION_SHOWN:
            row["question"] = Truncator(row["question"]).chars(QUESTION_SHOWN)
    return rows


@staff_only
def case_detail(request, pk):
    case = _case_or_404(request, pk)
    meetings = list(case.meetings.all())
    follow_up = FollowUp.objects.filter(case=case).first()
    benefits = (
        FollowUpBenefit.objects.filter(follow_up=follow_up).values_list("benefit", flat=True)
        if follow_up
        else []
    )
    context = {
        "case": case,
        "themes": labels_of(services.case_themes(case), Theme),
        "benefits": labels_of(benefits, Benefit),
        "contacts": list(case.contacts.all()),
        "meetings": meetings,
        "assessment": Assessment.objects.filter(case=case).first(),
        "plan": Plan.objects.filter(case=case).first(),
        "referrals": list(ServiceReferral.objects.filter(plan__case=case)),
        "follow_up": follow_up,
        "status_changes": list(case.status_changes.select_related("changed_by")),
        "later_cases": list(services.visible_cases(request.user).filter(earlier_case=case)),
        "can_add_meeting": services.next_meeting_refusal(case, len(meetings)) is None,
    }
    return render(request, "meetings/portal/case_detail.html", context)


def _show_error(request, form, error):
    form.add_error(None, str(error))
    messages.error(request, str(error))


@staff_only
@require_http_methods(["GET", "POST"])
def meeting_add(request, pk):
    case = _case_or_404(request, pk)
    logged = case.meetings.count()
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                meeting = services.log_meeting(case, by=request.user, **form.service_kwargs())
            except services.MeetingsError as error:
                _show_error(request, form, error)
            else:
                messages.success(
                    request, _("Meeting %(number)s was saved.") % {"number": meeting.number}
                )
                return redirect("meetings_portal:case", pk=case.pk)
    else:
        # Say it before the worker fills in the form, not only after pressing save.
        refusal = services.next_meeting_refusal(case, logged)
        if refusal is not None:
            messages.error(request, str(refusal))
            return redirect("meetings_portal:case", pk=case.pk)
        now = timezone.localtime()
        form = MeetingForm(
            initial={"date": now.date(), "time": now.time().replace(second=0, microsecond=0)}
        )
    return render(
        request,
        "meetings/portal/meeting_form.html",
        {"case": case, "form": form, "number": logged + 1},
    )


@staff_only
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk, number):
    case = _case_or_404(request, pk)
    meeting = get_object_or_404(Meeting, case=case, number=number)
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                services.update_meeting(meeting, by=request.user, **form.service_kwargs())
            except services.MeetingsError as error:
                _show_error(request, form, error)
            else:
                messages.success(request, _("The meeting was saved."))
                return redirect("meetings_portal:case", pk=case.pk)
    else:
        form = MeetingForm(initial=MeetingForm.initial_for(meeting))
    return render(
        request,
        "meetings/portal/meeting_form.html",
        {"case": case, "form": form, "number": meeting.number, "meeting": meeting},
    )


@staff_only
@require_http_methods(["GET", "POST"])
def case_details(request, pk):
    """Themes, how the person heard of us, and the learning-support need with its consent."""
    case = _case_or_404(request, pk)
    initial = CaseDetailsForm.initial_for(case, services.case_themes(case))
    form = CaseDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_case_details(
                case, by=request.user, **form.details_kwargs(form.cleaned_data["heard_from"])
            )
        except services.MeetingsError as error:
            _show_error(request, form, error)
        else:
            messages.success(request, _("The themes were saved."))
            return redirect("meetings_portal:case", pk=case.pk)
    return render(request, "meetings/portal/case_details_form.html", {"case": case, "form": form})


@staff_only
@require_http_methods(["GET", "POST"])
def assessment(request, pk):
    case = _case_or_404(request, pk)
    instance = Assessment.objects.filter(case=case).first()
    if instance is None:
        instance = Assessment(case=case, family_question=case.question)
    form = AssessmentForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_assessment(case, by=request.user, **form.cleaned_data)
        except services.MeetingsError as error:
            _show_error(request, form, error)
        else:
            messages.success(request, _("The assessment was saved."))
            return redirect("meetings_portal:case", pk=case.pk)
    return render(request, "meetings/portal/assessment_form.html", {"case": case, "form": form})


@staff_only
@require_http_methods(["GET", "POST"])
def plan(request, pk):
    case = _case_or_404(request, pk)
    instance = Plan.objects.filter(case=case).first()
    initial_referrals = [
        {"id": r.pk, "kind": r.kind, "name": r.name, "status": r.status}
        for r in (instance.referrals.all() if instance else [])
    ]
    form = PlanForm(request.POST or None, instance=instance or Plan(case=case))
    formset = ReferralFormSet(request.POST or None, initial=initial_referrals, prefix="referrals")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        referrals = []
        for sub in formset.forms:
            data = sub.cleaned_data
            if not data or (not data.get("id") and not data.get("name")):
                continue
            referrals.append(
                {
                    "id": data.get("id"),
                    "kind": data["kind"],
                    "name": data["name"],
                    "status": data["status"],
                    "delete": data.get("DELETE", False),
                }
            )
        try:
            services.save_plan(case, by=request.user, referrals=referrals, **form.cleaned_data)
        except services.MeetingsError as error:
            _show_error(request, form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("meetings_portal:case", pk=case.pk)
    return render(
        request,
        "meetings/portal/plan_form.html",
        {"case": case, "form": form, "formset": formset},
    )


@staff_only
@require_http_methods(["GET", "POST"])
def close(request, pk):
    case = _case_or_404(request, pk)
    planned_ahead = services.future_meetings(case).count() if case.is_open else 0
    form = CloseCaseForm(
        request.POST or None,
        initial={"closed_on": timezone.localdate()},
        planned_ahead=planned_ahead,
    )
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = services.close_case(case, by=request.user, **form.cleaned_data)
        except services.MeetingsError as error:
            _show_error(request, form, error)
        else:
            messages.success(
                request,
                _("The case was closed. The follow-up is due on %(date)s.")
                % {"date": date_format(follow_up.due_on, "SHORT_DATE_FORMAT")},
            )
            return redirect("meetings_portal:case", pk=case.pk)
    return render(
        request,
        "meetings/portal/close_form.html",
        {"case": case, "form": form, "planned_ahead": planned_ahead},
    )


@staff_only
@require_http_methods(["GET", "POST"])
def follow_up(request, pk):
    case = _case_or_404(request, pk)
    form = FollowUpForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(case, by=request.user, **form.cleaned_data)
        except services.MeetingsError as error:
            _show_error(request, form, error)
        else:
            messages.success(request, _("The follow-up was saved."))
            return redirect("meetings_portal:case", pk=case.pk)
    return render(request, "meetings/portal/follow_up_form.html", {"case": case, "form": form})


@staff_only
def calendar_settings(request):
    token = calendar.token_for(request.user)
    return render(request, "meetings/portal/calendar.html", {"token": token})


@staff_only
@require_POST
def calendar_reset(request):
    calendar.reset_token(request.user)
    messages.success(
        request, _("Your calendar has a new address. The old address no longer works.")
    )
    return redirect("meetings_portal:calendar")


def feed(request, token):
    """The private feed: the secret token is the only key, so no login is needed.

    It answers only while its owner is an active support worker: a worker who leaves the role
    (or the organisation) no longer gets the meetings, whoever still has the address.
    """
    found = CalendarToken.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active or not is_support_worker(found.user):
        raise Http404
    response = HttpResponse(calendar.worker_feed(found.user), content_type="text/calendar")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="tukitapaamiset.ics"'
    return response
