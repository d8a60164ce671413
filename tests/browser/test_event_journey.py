"""A coordinator invites every active support family to an event and records a reply
(issue 26, point 2), in a real browser against the live server."""

import pytest
from auditlog.models import LogEntry

from families.models import FamilyStatus
from kalliola.models import QueuedMail
from tests.browser.conftest import save_screenshot
from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import EventFactory
from tests.factories.users import CoordinatorFactory
from trainings.models import EventInvitation

pytestmark = pytest.mark.browser

PASSWORD = "test-password-123"


def test_coordinator_invites_all_active_families_and_records_a_reply(page, live_server):
    coordinator = CoordinatorFactory()
    event = EventFactory(title="Kevään vertaistapaaminen")
    families = [SupportFamilyFactory(status=FamilyStatus.ACTIVE) for _ in range(3)]
    SupportFamilyFactory(status=FamilyStatus.APPLIED)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(coordinator.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form [type=submit]").click()

    # Invite: the events list, tick the event, the action "Invite families…", the audiences.
    page.goto(f"{live_server.url}/admin/trainings/event/")
    page.locator(f"input[name=_selected_action][value='{event.pk}']").check()
    page.locator("select[name=action]").select_option("invite_families")
    with page.expect_navigation():
        page.locator("button[name=index]").click()
    page.locator("input[name=audiences][value=active]").check()
    with page.expect_navigation():
        page.locator("#content form [type=submit]").click()
    assert "3" in page.locator(".messagelist").inner_text()
    assert set(event.invitations.values_list("family", flat=True)) == {f.pk for f in families}
    assert QueuedMail.objects.filter(mail__endswith="send_event_invitation").count() == 3

    # Record a reply: the event's page links to its replies; tick one, "coming".
    page.goto(f"{live_server.url}/admin/trainings/event/{event.pk}/change/")
    with page.expect_navigation():
        page.locator(f"a[href*='event__id__exact={event.pk}']").click()
    invitation = EventInvitation.objects.filter(event=event).order_by("family__contact_name")[0]
    page.locator(f"input[name=_selected_action][value='{invitation.pk}']").check()
    page.locator("select[name=action]").select_option("record_coming")
    with page.expect_navigation():
        page.locator("button[name=index]").click()
    assert page.locator(".messagelist").is_visible()
    invitation.refresh_from_db()
    assert (invitation.reply, invitation.participants) == ("yes", 1)
    entry = LogEntry.objects.get_for_object(invitation).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == coordinator
    save_screenshot(page, "journey-coordinator-event-replies")
