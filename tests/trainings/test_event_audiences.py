"""An event's invitations go to the audiences the coordinator ticks, once per family."""

import datetime

import pytest
from django.core import mail

from families.models import FamilyStatus
from kalliola.mail import send_due as send_queued
from tests.factories.families import SupportFamilyFactory
from tests.factories.relationships import RelationshipFactory
from tests.factories.trainings import EventFactory
from trainings import services
from trainings.models import EventInvitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(support_worker, other_support_worker):
    """One household of every status an audience can reach, plus some that none reaches."""
    return {
        "active": SupportFamilyFactory(status=FamilyStatus.ACTIVE),
        "waiting": SupportFamilyFactory(status=FamilyStatus.APPROVED),
        "on_hold": SupportFamilyFactory(status=FamilyStatus.ON_HOLD),
        "trained": SupportFamilyFactory(status=FamilyStatus.TRAINED),
        "ended": SupportFamilyFactory(status=FamilyStatus.ENDED),
        "mine": RelationshipFactory(support_worker=support_worker).family,
        "paused": RelationshipFactory(
            support_worker=support_worker,
            status="paused",
            family=SupportFamilyFactory(status=FamilyStatus.ON_HOLD),
        ).family,
        "mine_ended": RelationshipFactory(
            support_worker=support_worker,
            status="ended",
            end_date=datetime.date(2026, 1, 31),
            start_date=datetime.date(2025, 1, 1),
            family=SupportFamilyFactory(status=FamilyStatus.APPROVED),
        ).family,
        "others": RelationshipFactory(support_worker=other_support_worker).family,
    }


def invited(event) -> set[int]:
    return set(EventInvitation.objects.filter(event=event).values_list("family", flat=True))


@pytest.mark.parametrize(
    "audiences, expected",
    [
        (["active"], {"active", "mine", "others"}),
        (["waiting"], {"waiting", "mine_ended"}),
        (["on_hold"], {"on_hold", "paused"}),
        (["waiting", "on_hold"], {"waiting", "mine_ended", "on_hold", "paused"}),
    ],
)
def test_each_status_audience_reaches_its_households(households, audiences, expected):
    event = EventFactory()
    assert services.invite_families(event, audiences=audiences) == len(expected)
    assert invited(event) == {households[k].pk for k in expected}


def test_one_workers_families_are_those_of_their_open_relationships(households, support_worker):
    event = EventFactory()
    services.invite_families(event, audiences=["worker"], support_worker=support_worker)
    assert invited(event) == {households["mine"].pk, households["paused"].pk}


def test_a_second_run_invites_only_the_new_families_and_mails_them_once(
    households, django_capture_on_commit_callbacks
):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invite_families(event, audiences=["waiting"]) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invite_families(event, audiences=["waiting"]) == 0
        assert services.invite_families(event, audiences=["waiting", "on_hold"]) == 2
    assert mail.outbox == []  # queued only; the outbox's sender sends them
    send_queued()
    assert len(mail.outbox) == 4
    assert len({m.to[0] for m in mail.outbox}) == 4
    assert EventInvitation.objects.filter(event=event).count() == 4


def test_no_audience_or_a_worker_audience_without_a_worker_is_refused(households):
    event = EventFactory()
    for audiences in ([], ["everyone"], ["worker"]):
        with pytest.raises(services.InvitationError):
            services.invite_families(event, audiences=audiences)
    assert not EventInvitation.objects.exists()


def test_the_admin_form_shows_the_audiences_with_their_sizes(client, coordinator, households):
    client.force_login(coordinator)
    event = EventFactory()
    response = client.post(
        "/en/admin/trainings/event/",
        {"action": "invite_families", "_selected_action": [str(event.pk)]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Active support families (3)" in page
    assert "Approved families waiting for a child (2)" in page
    assert "Families on hold (2)" in page
    assert "The families of one support worker" in page


def test_the_admin_form_asks_for_the_worker(client, coordinator, households, support_worker):
    client.force_login(coordinator)
    event = EventFactory()
    data = {
        "action": "invite_families",
        "_selected_action": [str(event.pk)],
        "apply": "1",
        "audiences": ["worker"],
    }
    response = client.post("/en/admin/trainings/event/", data)
    assert response.status_code == 200
    assert "Choose the support worker" in response.content.decode()
    assert not EventInvitation.objects.exists()
    response = client.post(
        "/en/admin/trainings/event/", {**data, "support_worker": str(support_worker.pk)}
    )
    assert response.status_code == 302
    assert invited(event) == {households["mine"].pk, households["paused"].pk}
    for bad in ("999999", "x\x00", "-1"):
        response = client.post("/en/admin/trainings/event/", {**data, "support_worker": bad})
        assert response.status_code == (400 if "\x00" in bad else 200)


def test_audience_sizes_count_each_status_and_zero_when_empty(db):
    assert services.audience_sizes() == {"active": 0, "waiting": 0, "on_hold": 0}
    SupportFamilyFactory(status=FamilyStatus.ON_HOLD)
    SupportFamilyFactory(status=FamilyStatus.TRAINED)
    assert services.audience_sizes() == {"active": 0, "waiting": 0, "on_hold": 1}
