"""The main journeys, end to end in a real browser against the live server.

Each test is one person doing one thing through the pages, as they would; the data they find
is made with factories and services first. Each journey saves a screenshot of its last page in
test-artifacts/.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from families.models import ChildStatus, FamilyStatus, Stay, SupportFamily, SupportRelationship
from meetings.models import Meeting, MeetingRequest
from tests.browser.conftest import save_screenshot
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.meetings import SupportCaseFactory
from tests.factories.relationships import RelationshipFactory
from tests.factories.trainings import InfoSessionFactory, TrainingGroupFactory
from tests.factories.users import CoordinatorFactory, SupportWorkerFactory
from trainings import services as trainings
from trainings.models import Registration

pytestmark = pytest.mark.browser

PASSWORD = "test-password-123"


def _log_in(page, base_url: str, user, *, next_path: str = "") -> None:
    page.goto(f"{base_url}/tyo/kirjaudu/{next_path}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()


def test_newcomer_finds_next_info_session_on_home_page_signs_up_and_gets_calendar_file(
    page, live_server
):
    later = InfoSessionFactory(days_ahead=30)
    session = InfoSessionFactory(days_ahead=5)

    page.goto(live_server.url + "/")
    upcoming = page.locator("section[aria-labelledby=upcoming-info-heading] li a").first
    assert upcoming.get_attribute("href").endswith(f"/infotilaisuudet/{session.pk}/")
    with page.expect_navigation():
        upcoming.click()
    page.locator("#id_name").fill("Uusi Tukiperhe")
    page.locator("#id_email").fill("uusi@example.org")
    page.locator("#id_phone").fill("040 765 4321")
    page.locator("#id_municipality").select_option("Vantaa")
    page.locator("#id_consent").check()
    with page.expect_navigation():
        page.locator(".signup-form [type=submit]").click()

    page.locator(".alert-success").wait_for()
    registration = Registration.objects.get(family__email="uusi@example.org")
    assert registration.session == session and not Registration.objects.filter(session=later)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["uusi@example.org"]
    calendars = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(calendars) == 1
    calendar = Calendar.from_ical(calendars[0][1])
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert events[0].decoded("dtstart") == session.starts_at
    save_screenshot(page, "journey-info-session-signup")


def test_household_applies_to_become_a_support_family(page, live_server):
    page.goto(live_server.url + "/")
    with page.expect_navigation():
        page.locator("main a[href='/tukiperheeksi/']").first.click()
    page.locator("#id_contact_name").fill("Maija Meikäläinen")
    page.locator("#id_email").fill("maija@example.org")
    page.locator("#id_phone").fill("040 123 4567")
    page.locator("#id_street_address").fill("Kalliolantie 1")
    page.locator("#id_postal_code").fill("00530")
    page.locator("#id_municipality").select_option("Helsinki")
    page.locator("#id_household_members").fill("Kaksi aikuista ja koira.")
    page.locator("input[name=languages][value=fi]").check()
    page.locator("#id_commitment").check()
    page.locator("#id_consent").check()
    with page.expect_navigation():
        page.locator("form.application-form [type=submit], main form [type=submit]").last.click()

    assert page.url.endswith("/tukiperheeksi/kiitos/")
    family = SupportFamily.objects.get(email="maija@example.org")
    assert family.status == FamilyStatus.APPLIED
    assert family.postal_code == "00530" and family.languages == ["fi"]
    save_screenshot(page, "journey-support-family-application")


def test_grandparent_asks_for_support_meetings_on_a_phone(phone_page, live_server):
    page = phone_page
    page.goto(live_server.url + "/")
    with page.expect_navigation():
        page.locator("main a[href='/tukitapaamiset/']").first.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("input[name=contact_role][value=relative]").check()
    page.locator("#id_name").fill("Mummo Virtanen")
    page.locator("#id_phone").fill("040 111 2222")
    page.locator("input[name=contact_channel][value=call]").check()
    page.locator("#id_question").fill("Tyttäreni perhe tarvitsee apua arkeen.")
    page.locator("input[name=preferred_mode][value=phone]").check()
    page.locator("#id_municipality").select_option("Espoo")
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()

    assert page.url.endswith("/tukitapaamiset/kiitos/")
    request = MeetingRequest.objects.get()
    assert request.contact_role == "relative" and request.name == "Mummo Virtanen"
    assert request.phone and request.preferred_mode == "phone"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    save_screenshot(page, "journey-meetings-request-phone")


def test_support_worker_logs_a_stay_and_a_meeting_on_a_phone(phone_page, live_server):
    page = phone_page
    worker = SupportWorkerFactory()
    relationship = RelationshipFactory(support_worker=worker)
    case = SupportCaseFactory(support_worker=worker, status="active")

    _log_in(page, live_server.url, worker)
    assert page.url.endswith("/tyo/")

    # The stay: from the start page to the list, the relationship, then its stay form.
    with page.expect_navigation():
        page.locator("main a[href='/tyo/suhteet/']").click()
    with page.expect_navigation():
        page.locator(f"a[href='/tyo/suhteet/{relationship.pk}/']").first.click()
    with page.expect_navigation():
        page.locator(f"a[href='/tyo/suhteet/{relationship.pk}/kaynti/']").first.click()
    friday = timezone.localdate() - datetime.timedelta(days=3)
    page.locator("#id_start_date").fill(friday.isoformat())
    page.locator("#id_start_time").fill("17:00")
    page.locator("#id_end_date").fill((friday + datetime.timedelta(days=2)).isoformat())
    page.locator("#id_end_time").fill("16:00")
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()
    stay = Stay.objects.get(relationship=relationship)
    assert stay.nights == 2

    # The meeting: back to the start page, the case, its meeting form.
    page.goto(live_server.url + "/tyo/")
    with page.expect_navigation():
        page.locator("main a[href='/tyo/asiakkuudet/']").click()
    with page.expect_navigation():
        page.locator(f"a[href='/tyo/asiakkuudet/{case.pk}/']").first.click()
    with page.expect_navigation():
        page.locator(f"a[href='/tyo/asiakkuudet/{case.pk}/tapaaminen/']").first.click()
    page.locator("#id_date").fill(timezone.localdate().isoformat())
    page.locator("#id_time").fill("10:00")
    page.locator("input[name=mode][value=phone]").check()
    page.locator("#id_duration_minutes").select_option("45")
    page.locator("input[name=topics]").first.check()
    page.locator("#id_notes").fill("Puhuttiin arjen rytmistä.")
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()

    assert page.url.endswith(f"/tyo/asiakkuudet/{case.pk}/")
    meeting = Meeting.objects.get(case=case)
    assert meeting.number == 1 and meeting.mode == "phone" and meeting.duration_minutes == 45
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    save_screenshot(page, "journey-support-worker-phone")


def _trained_household() -> SupportFamily:
    """A household that really did the pre-training: three 3-hour evenings and a home visit."""
    family = SupportFamilyFactory(
        contact_name="Koulutettu Perhe",
        municipality="Helsinki",
        max_children=1,
        status=FamilyStatus.ACCEPTED_FOR_TRAINING,
    )
    enrollment = trainings.enroll_family(TrainingGroupFactory(sessions__days_ahead=-30), family)
    for session in enrollment.group.sessions.all():
        trainings.record_attendance(enrollment, session, session.hours)
    trainings.record_home_visit(
        family, visited_on=timezone.localdate() - datetime.timedelta(days=7), hours=Decimal("1")
    )
    family.refresh_from_db()
    assert family.status == FamilyStatus.TRAINED
    return family


def test_coordinator_approves_a_household_and_creates_a_relationship_from_a_suggestion(
    page, live_server
):
    coordinator = CoordinatorFactory()
    worker = SupportWorkerFactory(first_name="Tuula", last_name="Tukija")
    family = _trained_household()
    child = ChildFactory(status=ChildStatus.WAITING, municipality="Helsinki")

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(coordinator.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form [type=submit]").click()

    # Approve: the household's page, its "change the status" link, the form.
    page.goto(f"{live_server.url}/admin/families/supportfamily/{family.pk}/change/")
    with page.expect_navigation():
        page.locator(f"a[href$='/supportfamily/{family.pk}/status/']").click()
    page.locator("#id_to_status").select_option(FamilyStatus.APPROVED)
    page.locator("#id_note").fill("Haastattelu ja valmennus tehty, sopii tukiperheeksi.")
    checked_on = timezone.localdate() - datetime.timedelta(days=2)
    page.locator("#id_criminal_record_checked_on").fill(checked_on.isoformat())
    with page.expect_navigation():
        page.locator("#content-main form [type=submit]").click()
    family.refresh_from_db()
    assert family.status == FamilyStatus.APPROVED
    assert family.criminal_record_checked_on == checked_on
    assert family.criminal_record_checked_by == coordinator

    mail.outbox.clear()  # the pre-training's own mails: only the hand-over's count below

    # Match: the child's page links to the suggestions; choose the household.
    page.goto(f"{live_server.url}/admin/families/child/{child.pk}/change/")
    with page.expect_navigation():
        page.locator(f"a[href*='/lapset/{child.pk}/ehdotukset/']").first.click()
    # The dropdown names the worker in full, not by the user name.
    assert "Tuula Tukija" in page.locator("#id_support_worker").inner_text()
    page.locator("#id_support_worker").select_option(str(worker.pk))
    with page.expect_navigation():
        page.locator(f"button[name=family][value='{family.pk}']").click()

    # The confirmation: what is about to be created and who is told; nothing saved yet.
    summary = page.locator("#content").inner_text()
    assert "Tuula Tukija" in summary and "Koulutettu Perhe" in summary
    assert "sähköpostilla" in summary
    assert not SupportRelationship.objects.exists() and not mail.outbox
    with page.expect_navigation():
        page.locator("#content form [type=submit]").click()

    relationship = SupportRelationship.objects.get()
    assert relationship.child == child and relationship.family == family
    assert relationship.support_worker == worker
    assert re.search(rf"/supportrelationship/{relationship.pk}/change/$", page.url)
    child.refresh_from_db()
    family.refresh_from_db()
    assert child.status == ChildStatus.MATCHED and family.status == FamilyStatus.ACTIVE
    assert "sähköpostilla" in page.locator(".messagelist").inner_text()
    # The outbox: one mail to the household, one to the worker, with first names only.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([family.email, worker.email])
    to_family = next(m for m in mail.outbox if m.to == [family.email])
    to_worker = next(m for m in mail.outbox if m.to == [worker.email])
    start = relationship.start_date
    assert "Koulutettu" in to_family.body and "Tuula" in to_family.body
    assert f"{start.day}.{start.month}.{start.year}" in to_worker.body
    assert f"/tyo/suhteet/{relationship.pk}/" in to_worker.body
    for message in mail.outbox:
        assert child.first_name not in message.body and "Perhe" not in message.body
    save_screenshot(page, "journey-coordinator-approve-and-match")
