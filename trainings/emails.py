"""E-mail of the trainings app: plain text and HTML, in the recipient's language, with an
.ics attachment of the session(s) where there is one.

Functions take ids and load the rows themselves: they run after the transaction commits.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from families.models import SupportFamily
from families.services import PRETRAINING_HOURS
from kalliola.mail import mail_function
from trainings import calendar
from trainings.models import (
    Enrollment,
    EventInvitation,
    InfoSession,
    Registration,
    TrainingGroup,
    TrainingSession,
)
from trainings.tokens import ENROLLMENT, INVITATION, REGISTRATION, cancel_token, make_token


def _cancel_path(kind: str, pk: int) -> str:
    return reverse("trainings:cancel_signup", args=[cancel_token(kind, pk)])


def _send(
    family: SupportFamily,
    *,
    subject: str,
    paragraphs: list[str],
    sessions=(),
    link_path: str = "",
    ics_items=None,
    ics_name: str = "kalliola.ics",
    cancel_path: str = "",
    action_path: str = "",
    action_label: str = "",
    with_links: bool = False,
) -> None:
    """`with_links`: the online link of each session goes into the text and the attached .ics
    (only in mail to someone who has a place or a sign-up; public pages never show it)."""
    if cancel_path:
        action_path, action_label = cancel_path, _("Cancel your sign-up")
    context = {
        "action_link": f"{settings.SITE_URL}{action_path}" if action_path else "",
        "action_label": action_label,
        "family": family,
        "paragraphs": paragraphs,
        "sessions": list(sessions),
        "with_links": with_links,
        "link": f"{settings.SITE_URL}{link_path}" if link_path else "",
        "site_url": settings.SITE_URL,
        "subject": subject,
    }
    text = render_to_string("emails/trainings/message.txt", context)
    html = render_to_string("emails/trainings/message.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [family.email])
    message.attach_alternative(html, "text/html")
    if ics_items:
        message.attach(
            ics_name,
            calendar.build(ics_items, language=family.contact_language, with_links=with_links),
            "text/calendar",
        )
    message.send()


def _repeated(repeated: bool) -> list[str]:
    """The opening of a confirmation sent again because someone signed up again with the
    address: the owner learns of it, and nothing changed."""
    if not repeated:
        return []
    return [
        _(
            "Someone signed up again with your e-mail address. You had already signed up, so "
            "nothing has changed: this message repeats the details. If it was not you, you do "
            "not need to do anything."
        )
    ]


def _family(pk) -> SupportFamily:
    return SupportFamily.objects.get(pk=pk)


@mail_function(gettext_lazy("info-session sign-up confirmation"))
def send_registration_confirmation(registration_pk: int, repeated: bool = False) -> None:
    registration = Registration.objects.select_related("session", "family").get(pk=registration_pk)
    session, family = registration.session, registration.family
    with translation.override(family.contact_language):
        _send(
            family,
            subject=_("You have signed up for the support family info session"),
            paragraphs=[
                *_repeated(repeated),
                _("Thank you for signing up. The info session is online."),
                _("The calendar file in this message adds the session to your calendar."),
                _("If you cannot come, please cancel with the link below."),
            ],
            sessions=[session],
            link_path=reverse("trainings:info_session_detail", args=[session.pk]),
            ics_items=[session],
            ics_name="infotilaisuus.ics",
            with_links=True,
            cancel_path=_cancel_path(REGISTRATION, registration.pk),
        )


def _group_sessions(group):
    return list(group.sessions.filter(status="scheduled").select_related("group"))


@mail_function(gettext_lazy("pre-training place confirmation"))
def send_enrollment_confirmation(enrollment_pk: int, repeated: bool = False) -> None:
    enrollment = Enrollment.objects.select_related("group", "family").get(pk=enrollment_pk)
    family, group = enrollment.family, enrollment.group
    sessions = _group_sessions(group)
    with translation.override(family.contact_language):
        _send(
            family,
            subject=_("You have a place in the pre-training group"),
            paragraphs=[
                *_repeated(repeated),
                _("Welcome to the pre-training group “%(group)s”.") % {"group": group.local_name},
                _(
                    "The coordinator goes through your application and confirms your place "
                    "before the training starts."
                ),
                _(
                    "The training has three evenings online and a home visit, "
                    "%(hours)s hours in all."
                )
                % {"hours": PRETRAINING_HOURS},
                _("The calendar file in this message adds the evenings to your calendar."),
                _(
                    "If you cannot come, please cancel with the link below. Then someone else "
                    "can take the place."
                ),
            ],
            sessions=sessions,
            link_path=reverse("trainings:group_detail", args=[group.pk]),
            ics_items=sessions,
            ics_name="valmennus.ics",
            with_links=True,
            cancel_path=_cancel_path(ENROLLMENT, enrollment.pk),
        )


@mail_function(gettext_lazy("pre-training waiting-list notice"))
def send_waitlist_notice(enrollment_pk: int, repeated: bool = False) -> None:
    enrollment = Enrollment.objects.select_related("group", "family").get(pk=enrollment_pk)
    family, group = enrollment.family, enrollment.group
    with translation.override(family.contact_language):
        _send(
            family,
            subject=_("You are on the waiting list of the pre-training group"),
            paragraphs=[
                *_repeated(repeated),
                _("The group “%(group)s” is full. You are on its waiting list.")
                % {"group": group.local_name},
                _("If a place becomes free, we will tell you by e-mail at once."),
            ],
            sessions=_group_sessions(group),
            link_path=reverse("trainings:group_detail", args=[group.pk]),
            cancel_path=_cancel_path(ENROLLMENT, enrollment.pk),
        )


@mail_function(gettext_lazy("pre-training place from the waiting list"))
def send_promotion_notice(enrollment_pk: int) -> None:
    enrollment = Enrollment.objects.select_related("group", "family").get(pk=enrollment_pk)
    family, group = enrollment.family, enrollment.group
    sessions = _group_sessions(group)
    with translation.override(family.contact_language):
        _send(
            family,
            subject=_("Good news: a place in the pre-training group is yours"),
            paragraphs=[
                _("A place became free in the group “%(group)s”, and it is now yours.")
                % {"group": group.local_name},
                _(
                    "If you cannot come after all, please cancel with the link below. Then "
                    "someone else can take the place."
                ),
                _("The calendar file in this message adds the evenings to your calendar."),
            ],
            sessions=sessions,
            link_path=reverse("trainings:group_detail", args=[group.pk]),
            ics_items=sessions,
            ics_name="valmennus.ics",
            with_links=True,
            cancel_path=_cancel_path(ENROLLMENT, enrollment.pk),
        )


@mail_function(gettext_lazy("pre-training sign-up cancelled"))
def send_enrollment_cancelled(enrollment_pk: int) -> None:
    enrollment = Enrollment.objects.select_related("group", "family").get(pk=enrollment_pk)
    family, group = enrollment.family, enrollment.group
    with translation.override(family.contact_language):
        _send(
            family,
            subject=_("Your pre-training sign-up is cancelled"),
            paragraphs=[
                _("Your sign-up for the group “%(group)s” is now cancelled.")
                % {"group": group.local_name},
                _("You are welcome to sign up for a later group."),
            ],
            link_path=reverse("trainings:group_list"),
        )


@mail_function(gettext_lazy("info session cancelled"))
def send_info_session_cancelled(session_pk: int, family_pk: int) -> None:
    session = InfoSession.objects.get(pk=session_pk)
    family = _family(family_pk)
    with translation.override(family.contact_language):
        _send(
            family,
            subject=_("The info session is cancelled"),
            paragraphs=[
                _("We are sorry: the info session below is cancelled."),
                _("Please choose another date on our website."),
            ],
            sessions=[session],
            link_path=reverse("trainings:info_session_list"),
            ics_items=[session],
            ics_name="infotilaisuus-peruttu.ics",
        )


@mail_function(gettext_lazy("training evening cancelled"))
def send_training_session_cancelled(session_pk: int, family_pk: int) -> None:
    session = TrainingSession.objects.select_related("group").get(pk=session_pk)
    family = _family(family_pk)
    with translation.override(family.contact_language):
        _send(
            family,
            subject=_("A pre-training evening is cancelled"),
            paragraphs=[
                _("We are sorry: the evening below of the group “%(group)s” is cancelled.")
                % {"group": session.group.local_name},
                _("We will tell you about a new date soon."),
            ],
            sessions=[session],
            link_path=reverse("trainings:group_detail", args=[session.group_id]),
            ics_items=[session],
            ics_name="valmennus-peruttu.ics",
        )


@mail_function(gettext_lazy("session time or place changed"))
def send_session_changed(is_info_session: bool, session_pk: int, family_pk: int) -> None:
    if is_info_session:
        session = InfoSession.objects.get(pk=session_pk)
        path = reverse("trainings:info_session_detail", args=[session.pk])
    else:
        session = TrainingSession.objects.select_related("group").get(pk=session_pk)
        path = reverse("trainings:group_detail", args=[session.group_id])
    family = _family(family_pk)
    with translation.override(family.contact_language):
        _send(
            family,
            subject=_("Changed: your session has a new time or link"),
            paragraphs=[
                _("The time or the online link of your session has changed. Here it is now."),
                _("The calendar file in this message updates your calendar."),
            ],
            sessions=[session],
            link_path=path,
            ics_items=[session],
            with_links=True,
        )


@mail_function(gettext_lazy("pre-training group cancelled"))
def send_group_cancelled(group_pk: int, family_pk: int) -> None:
    group = TrainingGroup.objects.get(pk=group_pk)
    family = _family(family_pk)
    sessions = list(group.sessions.select_related("group"))
    with translation.override(family.contact_language):
        _send(
            family,
            subject=_("The pre-training group is cancelled"),
            paragraphs=[
                _("We are sorry: the group “%(group)s” is cancelled.")
                % {"group": group.local_name},
                _("Please choose another group on our website."),
            ],
            sessions=sessions,
            link_path=reverse("trainings:group_list"),
            ics_items=sessions,
            ics_name="valmennus-peruttu.ics",
        )


@mail_function(gettext_lazy("event invitation"))
def send_event_invitation(invitation_pk: int) -> None:
    invitation = EventInvitation.objects.select_related("event", "family").get(pk=invitation_pk)
    event, family = invitation.event, invitation.family
    with translation.override(family.contact_language):
        _send(
            family,
            subject=_("Invitation: %(event)s") % {"event": event.title},
            paragraphs=[
                _("We warmly invite your family to “%(event)s”.") % {"event": event.title},
                event.description,
                _(
                    "Please tell us with the link below whether you are coming and how many of "
                    "you will come."
                ),
            ],
            sessions=[event],
            action_path=reverse(
                "trainings:event_reply", args=[make_token(INVITATION, invitation.pk)]
            ),
            action_label=_("Reply to the invitation"),
        )
