"""E-mails of the families app, written in the recipient's own language (sent after commit)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from families.models import DuplicateSubmission, SupportFamily


def _send(family: SupportFamily, template: str, subject, context: dict) -> None:
    """One mail to the household's address: `emails/families/<template>.txt` and `.html`."""
    with translation.override(family.contact_language or settings.LANGUAGE_CODE):
        context = {**context, "privacy_url": settings.SITE_URL + reverse("privacy")}
        text = render_to_string(f"emails/families/{template}.txt", context)
        html = render_to_string(f"emails/families/{template}.html", context)
        subject = str(subject)  # a lazy text, in the household's language
    message = EmailMultiAlternatives(subject=subject, body=text, to=[family.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send_application_received(family: SupportFamily) -> None:
    """Thank the household for its application and tell it the next step (an info session)."""
    info_sessions_url = settings.SITE_URL + reverse("trainings:info_session_list")
    _send(
        family,
        "application_received",
        _("We received your application to become a support family"),
        {"family": family, "info_sessions_url": info_sessions_url},
    )


def send_duplicate_notice(submission: DuplicateSubmission) -> None:
    """Tell the owner of an address that a public form was sent with it, and that nothing
    stored changed. Only the household's first name; nothing of what the form said."""
    family = submission.family
    _send(
        family,
        "duplicate_notice",
        _("A form was sent with your e-mail address"),
        {"first_name": family.first_name, "source": submission.get_source_display},
    )


def send_readiness_expiry(check, coordinator) -> None:
    """Tell a coordinator that one item of a household's readiness checklist stops holding.

    The household by its contact's first name only, the day, and a link to its admin page; not
    the item (it may say what was checked), no other detail of the household."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "first_name": check.family.first_name,
            "coordinator": coordinator,
            "valid_until": check.valid_until,
            "url": settings.SITE_URL
            + reverse("admin:families_supportfamily_change", args=[check.family_id]),
        }
        subject = render_to_string("emails/families/readiness_expiry_subject.txt", context)
        text = render_to_string("emails/families/readiness_expiry.txt", context)
        html = render_to_string("emails/families/readiness_expiry.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[coordinator.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
