"""Peer meetings and recreation for support families: invitations and replies."""

from collections.abc import Iterable

from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models import OPEN_RELATIONSHIP_STATUSES, FamilyStatus, SupportFamily
from kalliola.audit import record_bulk
from kalliola.mail import queue_many
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
    # An erased household is closed for good: it is not invited any more.
    return SupportFamily.objects.filter(query, anonymised_at__isnull=True)


def audience_sizes() -> dict[str, int]:
    """How many households each status audience has now (one query), for the invitation form."""
    counts = dict(
        SupportFamily.objects.filter(status__in=AUDIENCE_STATUSES.values())
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {audience: counts.get(status, 0) for audience, status in AUDIENCE_STATUSES.items()}


def invite_families(event: Event, *, audiences: Iterable[str], support_worker=None, by=None) -> int:
    """Invite the families of the ticked audiences who are not invited yet, each by e-mail;
    return how many were invited. A second run invites only families new to the audience
    (the event row is locked, and one invitation per family is a unique constraint).

    Thousands at once stay quick: the invitations are inserted in bulk, their trail entries
    (who invited, when) too, and their mails are only queued in the outbox
    (`kalliola.mail.queue_many`), never sent in the coordinator's request.
    """
    families_query = audience_families(audiences, support_worker=support_worker)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        already = EventInvitation.objects.filter(event=event).values("family_id")
        families = families_query.exclude(pk__in=already).only("pk", "contact_name")
        created = EventInvitation.objects.bulk_create(
            [EventInvitation(event=event, family=family) for family in families],
            batch_size=1000,
        )
        record_bulk(created, action=LogEntry.Action.CREATE, actor=by)
        queue_many(emails.send_event_invitation, [[invitation.pk] for invitation in created])
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


def record_replies(invitations: QuerySet[EventInvitation], *, reply: str, by=None) -> int:
    """A coordinator records one reply for many invitations at once (told by phone, on a list at
    the door); return how many changed. "Coming" keeps the number of people a family gave and
    counts one where it gave none; "not coming" and "no reply yet" count nobody. Erased
    households are passed over (closed for good). Each changed invitation gets its trail entry.
    """
    if reply not in InvitationReply.values:
        raise ValueError(reply)
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            EventInvitation.objects.select_for_update(of=("self",))
            .filter(pk__in=invitations.values("pk"), family__anonymised_at__isnull=True)
            .exclude(reply=reply)
            .select_related("family", "event")
        )
        by_reply: dict[str, list[EventInvitation]] = {}
        for invitation in rows:
            by_reply.setdefault(invitation.reply, []).append(invitation)
        changed = EventInvitation.objects.filter(pk__in=[row.pk for row in rows])
        if reply == InvitationReply.YES:
            changed.filter(participants=0).update(participants=1)
        else:
            changed.update(participants=0)
        changed.update(reply=reply, replied_at=now)
        for earlier, group in by_reply.items():
            record_bulk(
                group, action=LogEntry.Action.UPDATE, actor=by, changes={"reply": [earlier, reply]}
            )
    return len(rows)
