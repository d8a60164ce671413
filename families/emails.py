"""E-mails of the families app, written in the recipient's own language (sent after commit)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from families.models import DuplicateSubmission, SupportFamily, SupportRelationship
from families.services.statement_links import statement_url
from kalliola.mail import mail_function


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


def _relationship(relationship_pk: int) -> SupportRelationship:
    return SupportRelationship.objects.select_related("family", "support_worker").get(
        pk=relationship_pk
    )


@mail_function(_("support relationship started: the support family told"))
def send_relationship_started_to_family(relationship_pk: int) -> None:
    """Tell the support family that its relationship starts, and who its support worker is.

    First names, the start date and a link only: nothing about the child or its family."""
    relationship = _relationship(relationship_pk)
    family = relationship.family
    _send(
        family,
        "relationship_started",
        _("Your support relationship starts"),
        {
            "first_name": family.first_name,
            "worker_first_name": relationship.support_worker.first_name,
            "start_date": relationship.start_date,
            "about_url": settings.SITE_URL + reverse("families:about"),
        },
    )


@mail_function(_("support relationship started: the support worker told"))
def send_relationship_started_to_worker(relationship_pk: int) -> None:
    """Tell the support worker a relationship they follow starts: the household's first name,
    the start date and the portal link (the rest is read in the portal, where access is logged)."""
    relationship = _relationship(relationship_pk)
    worker = relationship.support_worker
    if not worker.email:
        return
    # Workers read the portal in Finnish by default (as the review reminder).
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "worker_first_name": worker.first_name or worker.get_username(),
            "family_first_name": relationship.family.first_name,
            "start_date": relationship.start_date,
            "url": settings.SITE_URL
            + reverse("families_portal:relationship", args=[relationship.pk]),
        }
        subject = str(_("A new support relationship for you"))
        text = render_to_string("emails/families/relationship_started_worker.txt", context)
    EmailMultiAlternatives(subject=subject, body=text, to=[worker.email]).send()


@mail_function(_("yearly statement: the support family sent its link"))
def send_yearly_statement(family_pk: int, year: int) -> None:
    """Tell the support family its statement of `year` is ready, with a signed link that
    expires (`statement_links`). The first name, the year and the link only: no figures."""
    family = SupportFamily.objects.get(pk=family_pk, anonymised_at__isnull=True)
    if not family.email:
        return
    with translation.override(family.contact_language or settings.LANGUAGE_CODE):
        url = statement_url(family, year)
    _send(
        family,
        "yearly_statement",
        _("Your yearly statement of fees and reimbursements"),
        {
            "first_name": family.first_name,
            "year": year,
            "url": url,
            "days": settings.STATEMENT_LINK_DAYS,
        },
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
