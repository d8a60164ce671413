"""Peer meetings and recreation for support families: invitations and replies."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models import OPEN_RELATIONSHIP_STATUSES, FamilyStatus, SupportFamily
from kalliola.mail import send_after_commit
from kalliola.services.anonymised import refuse_anonymised
from trainings import emails
from trainings.models import (
    Event,
    EventInvitation,
    InvitationAudience,
    InvitationReply,
)
from trainings.services.common import TrainingRecordAnonymised

# The household status each audience stands for (the support worker's is by relationship).
AUDIENCE_STATUSES = {
    InvitationAudience.ACTIVE: FamilyStatus.ACTIVE,
    InvitationAudience.WAITING: FamilyStatus.APPROVED,
    InvitationAudience.ON_HOLD: FamilyStatus.ON_HOLD,
}


class InvitationError(Exception):
    """Invitations that cannot be sent as asked; the message is shown to the coordinator."""


def audience_families(audiences: Iterable[str], *, support_worker=None) -> QuerySet[SupportFamily]:
    """The households in any of the ticked audiences; "one support worker's families" are the
    households with an open relationship followed by that worker."""
    audiences = set(audiences)
    unknown = audiences - set(InvitationAudience.values)
    if unknown or not audiences:
        raise InvitationError(_("Choose at least one group of families to invite."))
    if InvitationAudience.WORKER in audiences and support_worker is None:
        raise InvitationError(_("Choose the support worker whose families are invited."))
    statuses = [AUDIENCE_STATUSES[a] for a in audiences if a in AUDIENCE_STATUSES]
    query = Q(status__in=statuses) if statuses else Q(pk__in=[])
    if InvitationAudience.WORKER in audiences:
        query |= Q(
            pk__in=SupportFamily.objects.filter(
                support_relationships__support_worker=support_worker,
                support_relationships__status__in=OPEN_RELATIONSHIP_STATUSES,
            ).values("pk")
        )
    return SupportFamily.objects.filter(query)


def audience_sizes() -> dict[str, int]:
    """How many households each status audience has now (one query), for the invitation form."""
    counts = dict(
        SupportFamily.objects.filter(status__in=AUDIENCE_STATUSES.values())
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {audience: counts.get(status, 0) for audience, status in AUDIENCE_STATUSES.items()}


def invite_families(event: Event, *, audiences: Iterable[str], support_worker=None) -> int:
    """Invite the families of the ticked audiences who are not invited yet, each by e-mail;
    return how many were invited. A second run invites only families new to the audience
    (the event row is locked, and one invitation per family is a unique constraint)."""
    families_query = audience_families(audiences, support_worker=support_worker)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        already = EventInvitation.objects.filter(event=event).values_list("family_id", flat=True)
        families = list(families_query.exclude(pk__in=already).values_list("pk", flat=True))
        created = EventInvitation.objects.bulk_create(
            [EventInvitation(event=event, family_id=family) for family in families],
            ignore_conflicts=True,
        )
        invitation_ids = EventInvitation.objects.filter(
            event=event, family__in=families
        ).values_list("pk", flat=True)
        for invitation_id in invitation_ids:
            send_after_commit(emails.send_event_invitation, invitation_id)
    return len(created)


def reply_to_invitation(
    invitation: EventInvitation, *, reply: str, participants: int = 0
) -> EventInvitation:
    """Record a family's reply; a new reply replaces the earlier one (people change plans)."""
    if reply not in InvitationReply.values:
        raise ValueError(reply)
    refuse_anonymised(invitation.family, error=TrainingRecordAnonymised)
    invitation.reply = reply
    invitation.participants = participants if reply == InvitationReply.YES else 0
    invitation.replied_at = timezone.now()
    invitation.save(update_fields=["reply", "participants", "replied_at"])
    return invitation
