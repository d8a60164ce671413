"""E-mails of support meetings: plain text, in the reader's language, no family data to staff."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kalliola.mail import mail_function
from kalliola.site_content import public_content
from meetings.models import MeetingRequest, SupportCase


def _send(template: str, context: dict, to: str, language: str, sender: str = "") -> None:
    with translation.override(language):
        subject = render_to_string(f"emails/meetings/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/meetings/{template}.txt", context)
    reply_to = [sender] if sender else None
    sender = sender or settings.DEFAULT_FROM_EMAIL
    EmailMessage(subject, body, sender, [to], reply_to=reply_to).send()


@mail_function(_("support-meeting request received"))
def send_request_confirmation(meeting_request_pk: int) -> None:
    """Plain-language confirmation to the person who sent the request, from an address the
    support workers read (MEETINGS_FROM_EMAIL): the person can answer it, and it says whom to
    call if no one calls within the week."""
    meeting_request = MeetingRequest.objects.get(pk=meeting_request_pk)
    language = meeting_request.language or settings.LANGUAGE_CODE
    _send(
        "request_received",
        {"meeting_request": meeting_request, "content": public_content(language)},
        meeting_request.email,
        language,
        sender=settings.MEETINGS_FROM_EMAIL,
    )


@mail_function(_("support-meeting case assigned: the worker told"))
def send_case_assigned(case_pk: int) -> None:
    """Tell the support worker a case is theirs now. Only the case number and the portal link:
    the client's name and question are read in the portal, where access is logged."""
    case = SupportCase.objects.select_related("support_worker").get(pk=case_pk)
    worker = case.support_worker
    if worker is None or not worker.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("meetings_portal:case", args=[case.pk])
    _send(
        "case_assigned",
        {
            "case": case,
            "worker_first_name": worker.first_name or worker.get_username(),
            "url": settings.SITE_URL + path,
        },
        worker.email,
        settings.LANGUAGE_CODE,
    )
