"""Hand-over of support cases: the worker told when a case is theirs; closing a case with
planned meetings ahead asks first, and confirming cancels them (issue 16, point 5)."""

import datetime

import pytest
from django.utils import timezone

from meetings import calendar, services
from meetings.models import CaseStatus, Meeting
from tests.factories.meetings import MeetingFactory, MeetingRequestFactory, SupportCaseFactory
from tests.factories.users import CoordinatorFactory, SupportWorkerFactory

ADMIN = "/admin/meetings/"


def _ahead(case, number=2, days=3):
    return MeetingFactory(
        case=case, number=number, starts_at=timezone.now() + datetime.timedelta(days=days)
    )


def test_opening_a_case_from_a_request_tells_the_worker_without_names(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    worker = SupportWorkerFactory(first_name="Tiina", email="tiina@example.org")
    request = MeetingRequestFactory(name="Maija Meikäläinen", question="Riitoja kotona")
    with django_capture_on_commit_callbacks(execute=True):
        case = services.open_case_from_request(
            request, by=CoordinatorFactory(), support_worker=worker
        )
    (mail,) = mailoutbox
    assert mail.to == ["tiina@example.org"]
    assert "Hei Tiina" in mail.body and str(case.pk) in mail.subject
    assert f"/tyo/asiakkuudet/{case.pk}/" in mail.body
    assert "Maija" not in mail.body and "Riitoja" not in mail.body


def test_assigning_another_worker_tells_the_new_worker_only(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    case = SupportCaseFactory()
    new = SupportWorkerFactory(email="uusi@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_worker(case, new, by=CoordinatorFactory())
        services.assign_worker(case, new, by=CoordinatorFactory())  # unchanged: no second mail
    assert [m.to for m in mailoutbox] == [["uusi@example.org"]]
    case.refresh_from_db()
    assert case.support_worker == new


def test_changing_the_worker_in_the_case_admin_tells_them(
    client, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    case = SupportCaseFactory()
    new = SupportWorkerFactory(email="uusi@example.org")
    client.force_login(coordinator)
    page = client.get(f"{ADMIN}supportcase/{case.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields and not isinstance(value, list | tuple)
    }
    data.update(
        {
            "support_worker": new.pk,
            "themes": [],
            **{
                f"{prefix}-{part}": "0"
                for prefix in ("contacts", "meetings", "status_changes")
                for part in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        }
    )
    data["opened_on"] = case.opened_on.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ADMIN}supportcase/{case.pk}/change/", data)
    assert response.status_code == 302, [
        (f.formset.prefix, f.formset.errors, f.formset.non_form_errors())
        for f in response.context["inline_admin_formsets"]
    ] + [response.context["errors"]]
    case.refresh_from_db()
    assert case.support_worker == new
    assert [m.to for m in mailoutbox] == [["uusi@example.org"]]


def test_closing_a_case_with_a_planned_meeting_is_refused_without_confirmation(db):
    case = SupportCaseFactory(status=CaseStatus.ACTIVE)
    MeetingFactory(case=case)
    _ahead(case)
    with pytest.raises(services.FutureMeetingsPlanned) as refused:
        services.close_case(case, by=CoordinatorFactory())
    assert refused.value.count == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert not Meeting.objects.filter(cancelled_at__isnull=False).exists()


def test_confirmed_closing_cancels_the_planned_meetings_and_keeps_them(db):
    case = SupportCaseFactory(status=CaseStatus.ACTIVE, support_worker=SupportWorkerFactory())
    past = MeetingFactory(case=case)
    planned = _ahead(case)
    coordinator = CoordinatorFactory()
    services.close_case(case, by=coordinator, cancel_future_meetings=True)
    case.refresh_from_db()
    planned.refresh_from_db()
    past.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert planned.is_cancelled and planned.cancelled_by == coordinator
    assert not past.is_cancelled  # a meeting that happened is not cancelled
    feed = calendar.worker_feed(case.support_worker)
    assert f"meeting-{past.pk}@".encode() in feed
    assert f"meeting-{planned.pk}@".encode() not in feed  # gone from the worker's calendar


def test_a_case_without_planned_meetings_closes_at_once(db):
    case = SupportCaseFactory(status=CaseStatus.ACTIVE)
    MeetingFactory(case=case)
    services.close_case(case, by=CoordinatorFactory())
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_admin_close_action_warns_then_cancels_on_confirmation(client, coordinator):
    case = SupportCaseFactory(status=CaseStatus.ACTIVE)
    planned = _ahead(case, number=1)
    client.force_login(coordinator)
    selected = {"action": "close_cases", "_selected_action": [case.pk]}
    warning = client.post(f"{ADMIN}supportcase/", selected)
    assert warning.status_code == 200
    assert 'name="cancel_future_meetings"' in warning.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    client.post(f"{ADMIN}supportcase/", {**selected, "cancel_future_meetings": "1"})
    case.refresh_from_db()
    planned.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and planned.is_cancelled


def test_portal_close_form_warns_and_needs_the_tick(db, client):
    worker = SupportWorkerFactory()
    case = SupportCaseFactory(status=CaseStatus.ACTIVE, support_worker=worker)
    planned = _ahead(case, number=1)
    client.force_login(worker)
    url = f"/tyo/asiakkuudet/{case.pk}/sulje/"
    assert "cancel_future_meetings" in client.get(url).content.decode()
    today = timezone.localdate().isoformat()
    refused = client.post(url, {"closed_on": today})
    assert refused.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    done = client.post(url, {"closed_on": today, "cancel_future_meetings": "on"})
    assert done.status_code == 302
    planned.refresh_from_db()
    assert planned.is_cancelled
