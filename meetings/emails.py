"""E-mails of support meetings: plain text, in the reader's language, no family data to staff."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kalliola.mail import mail_function
from meetings.models import MeetingRequest


def _send(template: str, context: dict, to: str, language: str) -> None:
    with translation.override(language):
        subject = render_to_string(f"emails/meetings/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/meetings/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@mail_function(_("support-meeting request received"))
def send_request_confirmation(meeting_request_pk: int) -> None:
    """Plain-language confirmation to the person who sent the request."""
    meeting_request = MeetingRequest.objects.get(pk=meeting_request_pk)
    _send(
        "request_received",
        {"meeting_request": meeting_request},
        meeting_request.email,
        meeting_request.language or settings.LANGUAGE_CODE,
    )
