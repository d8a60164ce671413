"""Peer meetings and recreation for active support families: invitations and replies."""

from django.db import transaction
from django.utils import timezone

from families.models import FamilyStatus, SupportFamily
from kalliola.mail import send_after_commit
from trainings import emails
from trainings.models import (
    Event,
    EventInvitation,
    InvitationReply,
)


def invite_active_families(event: Event) -> int:
    """Invite every active support family not yet invited; return how many were invited."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        already = EventInvitation.objects.filter(event=event).values_list("family_id", flat=True)
        families = list(
            SupportFamily.objects.filter(status=FamilyStatus.ACTIVE).exclude(pk__in=already)
        )
        created = EventInvitation.objects.bulk_create(
            [EventInvitation(event=event, family=family) for family in families],
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
    invitation.reply = reply
    invitation.participants = participants if reply == InvitationReply.YES else 0
    invitation.replied_at = timezone.now()
    invitation.save(update_fields=["reply", "participants", "replied_at"])
    return invitation
