"""Issue 16 in a real browser: the coordinator's path through the pipeline (point 1) and the
attendance ticks (point 2), asserting what the coordinator sees on the pages."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from families.models import FamilyStatus, SupportFamily
from tests.browser.conftest import save_screenshot
from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import (
    EnrollmentFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from tests.factories.users import CoordinatorFactory
from trainings import services as trainings
from trainings.models import Attendance, EnrollmentStatus

pytestmark = pytest.mark.browser

PASSWORD = "test-password-123"


def _admin_log_in(page, base_url, user):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form [type=submit]").click()


def _item(page, key):
    return page.locator(f"#dashboard-{key}")


def test_coordinator_reviews_a_group_signup_and_sees_a_cancelled_place_waiting_for_a_group(
    page, live_server
):
    coordinator = CoordinatorFactory()
    trainings.register_for_info_session(
        InfoSessionFactory(),
        name="Iina Infossa",
        email="iina@example.org",
        phone="040 100 2000",
        municipality="Espoo",
    )
    group = TrainingGroupFactory(name="Kevään ryhmä")

    # A newcomer signs up for the group on the public page.
    page.goto(f"{live_server.url}/valmennus/{group.pk}/")
    page.locator("#id_name").fill("Ville Valmennukseen")
    page.locator("#id_email").fill("ville@example.org")
    page.locator("#id_phone").fill("040 300 4000")
    page.locator("#id_municipality").select_option("Vantaa")
    page.locator("#id_consent").check()
    with page.expect_navigation():
        page.locator(".signup-form [type=submit]").click()
    page.locator(".alert-success").wait_for()
    ville = SupportFamily.objects.get(email="ville@example.org")
    assert ville.status == FamilyStatus.APPLIED  # not in training before the review
    cancel_path = re.search(r"/peru-ilmoittautuminen/[^/\s]+/", mail.outbox[-1].body).group(0)

    # The dashboard: the sign-up is an application with a place to review; the info-session
    # sign-up is an interested household, not an application.
    _admin_log_in(page, live_server.url, coordinator)
    applications = _item(page, "applications")
    assert "Ville Valmennukseen" in applications.inner_text()
    assert "Iina Infossa" not in applications.inner_text()
    assert "Iina Infossa" in _item(page, "interested").inner_text()
    assert "Ville Valmennukseen – Kevään ryhmä" in _item(page, "places_to_review").inner_text()

    # The review: the list of places to review, the household ticked, "confirm the places".
    with page.expect_navigation():
        _item(page, "places_to_review").locator("h3 a").click()
    enrollment = ville.enrollments.get()
    page.locator(f"input.action-select[value='{enrollment.pk}']").check()
    page.locator("select[name=action]").select_option("confirm_places")
    with page.expect_navigation():
        page.locator("button[name=index]").click()
    assert page.locator(".messagelist .success").count() == 1
    ville.refresh_from_db()
    assert ville.status == FamilyStatus.IN_TRAINING
    page.goto(f"{live_server.url}/admin/")
    assert "Ville Valmennukseen" not in _item(page, "places_to_review").inner_text()
    assert "Ville Valmennukseen" not in applications.inner_text()

    # The household cancels from the link in its e-mail ...
    public = page.context.browser.new_context(locale="fi-FI")
    visitor = public.new_page()
    visitor.goto(live_server.url + cancel_path)
    with visitor.expect_navigation():
        visitor.locator("main form [type=submit]").click()
    public.close()
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.CANCELLED

    # ... and the coordinator finds it waiting for a group, the step back in its history.
    page.goto(f"{live_server.url}/admin/")
    waiting = _item(page, "waiting_for_a_group")
    assert "Ville Valmennukseen" in waiting.inner_text()
    with page.expect_navigation():
        waiting.locator("li a", has_text="Ville Valmennukseen").click()
    history = page.locator("#content-main").inner_text()
    assert "Hyväksytty ennakkovalmennukseen" in history or "Accepted for pre-training" in history
    ville.refresh_from_db()
    assert ville.status == FamilyStatus.ACCEPTED_FOR_TRAINING
    assert ville.status_changes.order_by("-changed_at", "-pk").first().from_status == (
        FamilyStatus.IN_TRAINING
    )
    save_screenshot(page, "journey-coordinator-review-and-cancelled-place")


def test_coordinator_ticks_attendance_on_the_session_pages(page, live_server):
    coordinator = CoordinatorFactory()
    held = InfoSessionFactory(days_ahead=-1)
    came = RegistrationFactory(
        session=held, family=SupportFamilyFactory(contact_name="Tuli Paikalle", status="applied")
    )
    stayed = RegistrationFactory(
        session=held, family=SupportFamilyFactory(contact_name="Jäi Kotiin", status="applied")
    )
    ahead = InfoSessionFactory(days_ahead=40)
    early = RegistrationFactory(session=ahead, family__contact_name="Liian Aikaisin")
    group = TrainingGroupFactory(sessions__days_ahead=-8)  # -8, -1 and +6 days
    evening = group.sessions.order_by("starts_at").first()
    last = group.sessions.order_by("starts_at").last()
    first_household = EnrollmentFactory(
        group=group, family=SupportFamilyFactory(contact_name="Eka Perhe", status="in_training")
    )
    EnrollmentFactory(
        group=group, family=SupportFamilyFactory(contact_name="Toka Perhe", status="in_training")
    )
    EnrollmentFactory(family__contact_name="Muun Ryhmän Perhe")  # another group
    _admin_log_in(page, live_server.url, coordinator)

    # The info session that was held: the registered households as ticks, one form.
    page.goto(f"{live_server.url}/admin/trainings/infosession/{held.pk}/change/")
    ticks = page.locator(".field-attended input[type=checkbox]")
    assert ticks.count() == 2
    page.get_by_label("Tuli Paikalle").check()
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    assert page.locator(".messagelist .success").count() >= 1
    assert page.get_by_label("Tuli Paikalle").is_checked()
    assert not page.get_by_label("Jäi Kotiin").is_checked()
    came.refresh_from_db()
    stayed.refresh_from_db()
    came.family.refresh_from_db()
    assert came.attended and not stayed.attended
    assert came.family.status == FamilyStatus.INFO_SESSION_ATTENDED

    # The one still ahead: the ticks are refused with the reason on the page.
    page.goto(f"{live_server.url}/admin/trainings/infosession/{ahead.pk}/change/")
    page.get_by_label("Liian Aikaisin").check()
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    error = page.locator(".field-attended .errorlist").inner_text()
    start = timezone.localtime(ahead.starts_at)
    assert f"{start.day}.{start.month}.{start.year}" in error
    early.refresh_from_db()
    assert not early.attended

    # A training evening that took place: only the group's own households, ticked at once.
    page.goto(f"{live_server.url}/admin/trainings/trainingsession/{evening.pk}/change/")
    labels = page.locator("label:has(input[name=attended])").all_inner_texts()
    assert sorted(label.strip() for label in labels) == ["Eka Perhe", "Toka Perhe"]
    page.get_by_label("Eka Perhe").check()
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    assert list(Attendance.objects.values_list("enrollment", flat=True)) == [first_household.pk]
    assert Attendance.objects.get().hours == evening.hours

    # The last evening is still ahead: refused, nothing recorded.
    page.goto(f"{live_server.url}/admin/trainings/trainingsession/{last.pk}/change/")
    page.get_by_label("Toka Perhe").check()
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    assert page.locator(".field-attended .errorlist").count() == 1
    assert Attendance.objects.count() == 1

    # The hours the enrolment list shows: only the evening that took place and was ticked.
    page.goto(f"{live_server.url}/admin/trainings/enrollment/?group__id__exact={group.pk}")
    row = page.locator("#result_list tbody tr", has_text="Eka Perhe")
    assert re.search(r"\b3(,00)?\b", row.locator(".field-attended_hours").inner_text())
    assert timezone.now() - evening.starts_at > datetime.timedelta(days=7)
    save_screenshot(page, "journey-coordinator-ticks-attendance")
