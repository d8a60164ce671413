"""A support worker records a case's themes and, at the follow-up, what the family got; the
coordinator's yearly statistics show them. axe finds nothing on the pages on the way, nor on
the event invitation's audience page."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from meetings.models import CaseTheme, FollowUpBenefit
from tests.browser.conftest import save_screenshot
from tests.browser.test_accessibility import axe_violations
from tests.factories.families import SupportFamilyFactory
from tests.factories.meetings import MeetingFactory, SupportCaseFactory
from tests.factories.trainings import EventFactory
from tests.factories.users import CoordinatorFactory, SupportWorkerFactory

pytestmark = pytest.mark.browser


def sign_in(page, live_server, user) -> None:
    """As the other browser tests of staff pages: the session of `force_login` as a cookie."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()


def row_of(page, table_key: str, label: str) -> list[str]:
    row = page.locator(f"#{table_key} tbody tr", has=page.locator("th", has_text=label))
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_support_worker_records_themes_and_outcomes_and_the_statistics_show_them(page, live_server):
    worker = SupportWorkerFactory()
    case = SupportCaseFactory(support_worker=worker, status="active")
    MeetingFactory(case=case, number=1)
    base = live_server.url + "/en"
    sign_in(page, live_server, worker)
    violations = {}

    # The themes: from the case page to its "Record the themes" page.
    page.goto(f"{base}/tyo/asiakkuudet/{case.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href='/en/tyo/asiakkuudet/{case.pk}/teemat/']").click()
    violations["themes"] = axe_violations(page)
    page.get_by_label("Social services: conflicts and co-operation").check()
    page.get_by_label("Parenting skills").check()
    page.get_by_label("A professional").check()
    # The need without the consent: the form says so and keeps what was ticked.
    page.get_by_label("The parent needs support in learning and understanding").check()
    submit(page)
    assert "only if the client agreed" in page.locator("main").inner_text()
    violations["themes_error"] = axe_violations(page)
    page.get_by_label("The client agreed that a learning-support need may be recorded").check()
    submit(page)
    assert page.url.endswith(f"/tyo/asiakkuudet/{case.pk}/")
    main = page.locator("main").inner_text()
    assert "Social services: conflicts and co-operation, Parenting skills" in main
    assert sorted(CaseTheme.objects.filter(case=case).values_list("theme", flat=True)) == [
        "parenting",
        "social_services",
    ]

    # Close the case, then the follow-up with what the family got.
    with page.expect_navigation():
        page.locator(f"a[href='/en/tyo/asiakkuudet/{case.pk}/sulje/']").click()
    submit(page)
    with page.expect_navigation():
        page.locator(f"a[href='/en/tyo/asiakkuudet/{case.pk}/seuranta/']").click()
    violations["follow_up"] = axe_violations(page)
    page.get_by_label("Much better").check()
    page.get_by_label("Felt heard and met").check()
    page.get_by_label("Got support in dealing with social services").check()
    submit(page)
    assert (
        "Got support in dealing with social services, Felt heard and met"
        in page.locator("main").inner_text()
    )
    assert FollowUpBenefit.objects.filter(follow_up__case=case).count() == 2
    save_screenshot(page, "journey-meeting-themes-case")

    # The coordinator's statistics of this year.
    sign_in(page, live_server, CoordinatorFactory())
    page.goto(f"{base}/admin/tilastot/?year={timezone.localdate().year}")
    assert row_of(page, "meeting_themes", "Parenting skills") == ["0", "1"]
    assert row_of(page, "meeting_themes", "Social services: conflicts and co-operation") == [
        "0",
        "1",
    ]
    assert row_of(page, "meeting_heard_from", "A professional") == ["0", "1"]
    learning = "The parent needs support in learning and understanding"
    assert row_of(page, "meeting_learning_support", learning) == ["1"]
    assert row_of(page, "follow_up_benefits", "Felt heard and met") == ["1"]
    assert row_of(page, "follow_up_benefits", "Referred to NGO services") == ["0"]
    violations["statistics"] = axe_violations(page)
    save_screenshot(page, "journey-meeting-themes-statistics")
    assert {k: v for k, v in violations.items() if v} == {}


def test_event_invitation_audience_page_has_no_axe_violations(page, live_server):
    event = EventFactory()
    SupportFamilyFactory(status="approved")
    sign_in(page, live_server, CoordinatorFactory())
    page.goto(f"{live_server.url}/en/admin/trainings/event/")
    page.locator(f"input[name=_selected_action][value='{event.pk}']").check()
    page.locator("select[name=action]").select_option("invite_families")
    with page.expect_navigation():
        page.locator("button[name=index]").click()
    assert "Approved families waiting for a child (1)" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Approved families waiting for a child (1)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send the invitations").click()
    assert "1 family invited;" in page.locator("body").inner_text()
