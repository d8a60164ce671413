"""Public pages: info sessions and training groups with their sign-up forms, .ics downloads."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kalliola.pagecache import cache_public_page
from kalliola.public_forms import rate_limited
from trainings import calendar, services, structured_data
from trainings.forms import EventReplyForm, SignupForm
from trainings.models import (
    Enrollment,
    EnrollmentStatus,
    EventInvitation,
    GroupStatus,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from trainings.tokens import INVITATION, REGISTRATION, read_cancel_token, read_token


def _language() -> str:
    language = (get_language() or "fi")[:2]
    return language if language in ("fi", "sv", "en") else "fi"


def _signup_data(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "email": data["email"],
        "phone": data["phone"],
        "municipality": data["municipality"],
        "language": _language(),
    }


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@cache_public_page(services.LISTINGS)
def info_session_list(request):
    # The rendered list is cached too, under the same version (template fragment cache).
    version = services.listing_version()
    sessions = services.cached_upcoming_info_sessions()
    context = {
        "sessions": sessions,
        "listing_version": version,
        "session_events": structured_data.events(sessions, structured_data.info_session_event),
    }
    return render(request, "trainings/info_session_list.html", context)


@rate_limited("trainings_signup")
def info_session_detail(request, pk: int, signed_up: bool = False):
    """The session and its sign-up form; after a sign-up (`signed_up`, its thank-you address)
    what happens next instead of the form: an empty form under "thank you" reads as if the
    sign-up had failed."""
    session = get_object_or_404(services.info_sessions_with_places(), pk=pk)
    session.places_left = services.places_left(session.capacity, session.taken)
    is_open = session.status == SessionStatus.SCHEDULED and session.starts_at > timezone.now()
    form = None
    if is_open and session.places_left != 0 and not signed_up:
        form = SignupForm(request.POST or None, purpose="info_session")
        if request.method == "POST" and form.is_valid():
            try:
                services.register_for_info_session(session, **_signup_data(form))
            except services.SignupError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Thank you! You have signed up. We sent a confirmation to your e-mail."),
                )
                return redirect("trainings:info_session_thanks", pk=session.pk)
    # A POST to a closed session is answered plainly (the page says why), not as success.
    status = 409 if request.method == "POST" and form is None else 200
    return render(
        request,
        "trainings/info_session_detail.html",
        {
            "session": session,
            "form": form,
            "signed_up": signed_up,
            "is_open": is_open,
            "session_events": [structured_data.info_session_event(session)],
        },
        status=status,
    )


@require_GET
@cache_public_page(services.LISTINGS)
def group_list(request):
    version = services.listing_version()
    groups = services.cached_upcoming_groups()
    context = {
        "groups": groups,
        "now": timezone.now(),
        "listing_version": version,
        "group_events": structured_data.events(groups, structured_data.group_event),
    }
    return render(request, "trainings/group_list.html", context)


@rate_limited("trainings_signup")
def group_detail(request, pk: int, signed_up: bool = False):
    """The group and its sign-up form; after a sign-up what happens next instead of the form."""
    group = get_object_or_404(services.public_groups(), pk=pk)
    group.places_left = services.places_left(group.capacity, group.taken)
    is_open = (
        group.status == GroupStatus.PUBLISHED
        and group.first_start is not None
        and group.first_start > timezone.now()
    )
    form = SignupForm(request.POST or None) if is_open and not signed_up else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.enroll(group, **_signup_data(form))
        except services.SignupError as error:
            form.add_error(None, str(error))
        else:
            # One answer whatever the address: a place, the waiting list or signed up already
            # is told by e-mail to the address, never on this page.
            messages.success(
                request,
                _(
                    "Thank you for signing up! We sent you an e-mail: it tells you whether you "
                    "have a place in the group or are on its waiting list."
                ),
            )
            return redirect("trainings:group_thanks", pk=group.pk)
    # A POST to a closed session is answered plainly (the page says why), not as success.
    status = 409 if request.method == "POST" and form is None else 200
    return render(
        request,
        "trainings/group_detail.html",
        {
            "group": group,
            "form": form,
            "signed_up": signed_up,
            "is_open": is_open,
            "group_events": structured_data.events([group], structured_data.group_event),
        },
        status=status,
    )


@require_GET
def info_session_ics(request, pk: int):
    session = get_object_or_404(services.info_sessions_with_places(), pk=pk)
    return _ics_response(calendar.build([session]), f"infotilaisuus-{session.pk}.ics")


@require_GET
def group_ics(request, pk: int):
    group = get_object_or_404(services.public_groups(), pk=pk)
    sessions = list(group.sessions.all())
    for session in sessions:
        session.group = group
    return _ics_response(
        calendar.build(sessions, name=group.local_name), f"valmennus-{group.pk}.ics"
    )


@require_GET
def feed(request):
    content = services.cached_listing(f"feed:{_language()}", calendar.feed)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "public, max-age=900"
    return response


@rate_limited("trainings_cancel")
def cancel_signup(request, token: str):
    """A person cancels their own sign-up from the link in our e-mail (no login needed)."""
    found = read_cancel_token(token)
    if found is None:
        raise Http404
    kind, pk = found
    if kind == REGISTRATION:
        signup = get_object_or_404(Registration.objects.select_related("session"), pk=pk)
        item = signup.session
        is_active = signup.status == RegistrationStatus.REGISTERED
        has_started = signup.session.starts_at <= timezone.now()
    else:
        signup = get_object_or_404(Enrollment.objects.select_related("group"), pk=pk)
        item = signup.group
        is_active = signup.status in (EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED)
        first = signup.group.sessions.order_by("starts_at").first()
        has_started = first is not None and first.starts_at <= timezone.now()
    can_cancel = is_active and not has_started
    if request.method == "POST":
        if not can_cancel:
            return render(
                request,
                "trainings/cancel_signup.html",
                {"item": item, "kind": kind, "is_active": is_active, "can_cancel": False},
                status=409,
            )
        try:
            if kind == REGISTRATION:
                services.cancel_registration(signup)
            else:
                services.cancel_enrollment(signup)
        except services.TrainingRecordAnonymised as refusal:
            messages.error(request, str(refusal))
            return render(
                request,
                "trainings/cancel_signup.html",
                {"item": item, "kind": kind, "is_active": is_active, "can_cancel": False},
                status=409,
            )
        messages.success(request, _("Your sign-up is cancelled. Thank you for letting us know."))
        return redirect("home")
    return render(
        request,
        "trainings/cancel_signup.html",
        {"item": item, "kind": kind, "is_active": is_active, "can_cancel": can_cancel},
    )


@rate_limited("trainings_event_reply")
def event_reply(request, token: str):
    """A support family answers an event invitation from the link in our e-mail."""
    found = read_token(token, kinds=(INVITATION,))
    if found is None:
        raise Http404
    invitation = get_object_or_404(EventInvitation.objects.select_related("event"), pk=found[1])
    event = invitation.event
    is_open = event.status == SessionStatus.SCHEDULED and event.starts_at > timezone.now()
    initial = {"reply": invitation.reply if invitation.reply != "pending" else None}
    if invitation.participants:
        initial["participants"] = invitation.participants
    form = EventReplyForm(request.POST or None, initial=initial) if is_open else None
    refused = False
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.reply_to_invitation(
                invitation,
                reply=form.cleaned_data["reply"],
                participants=form.cleaned_data.get("participants") or 0,
            )
        except services.TrainingRecordAnonymised as refusal:
            form.add_error(None, str(refusal))
            refused = True
        else:
            messages.success(request, _("Thank you for your reply!"))
            return redirect("trainings:event_reply", token=token)
    status = 409 if request.method == "POST" and (form is None or refused) else 200
    return render(
        request,
        "trainings/event_reply.html",
        {"event": event, "invitation": invitation, "form": form},
        status=status,
    )
