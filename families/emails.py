"""E-mails of the families app, written in the recipient's own language (sent after commit)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from families.models import DuplicateSubmission, SupportFamily


def send_application_received(family: SupportFamily) -> None:
    """Thank the household for its application and tell it the next step (an info session)."""
    with translation.override(family.contact_language or settings.LANGUAGE_CODE):
        context = {
            "family": family,
            "info_sessions_url": settings.SITE_URL + reverse("trainings:info_session_list"),
            "privacy_url": settings.SITE_URL + reverse("privacy"),
        }
        subject = _("We received your application to become a support family")
        text = render_to_string("emails/families/application_received.txt", context)
        html = render_to_string("emails/families/application_received.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[family.email])
    message.attach_alternative(html, "text/html")
    message.send()


def first_name(full_name: str) -> str:
    """The first word of a name: all an e-mail about a possible duplicate may say."""
    words = (full_name or "").split()
    return words[0] if words else ""


def send_duplicate_notice(submission: DuplicateSubmission) -> None:
    """Tell the owner of an address that a public form was sent with it, and that nothing
    stored changed. Only the household's first name; nothing of what the form said."""
    family = submission.family
    with translation.override(family.contact_language or settings.LANGUAGE_CODE):
        context = {
            "first_name": first_name(family.contact_name),
            "source": submission.get_source_display(),
            "privacy_url": settings.SITE_URL + reverse("privacy"),
        }
        subject = _("A form was sent with your e-mail address")
        text = render_to_string("emails/families/duplicate_notice.txt", context)
        html = render_to_string("emails/families/duplicate_notice.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[family.email])
    message.attach_alternative(html, "text/html")
    message.send()
