"""The programme's numbers are defined once and every page, e-mail and list reads them there."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from families import portal
from families.admin.relationships import ReviewDueFilter, SupportRelationshipAdmin
from families.models import REVIEW_DUE_DAYS, SupportRelationship, relationship, review_due_by
from families.templatetags import pipeline
from programme import dashboard
from tests.factories.families import SupportFamilyFactory
from tests.factories.relationships import RelationshipFactory
from tests.factories.trainings import TrainingGroupFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/en/", "Take the 12-hour pre-training"),
        ("/en/tukiperheeksi/kiitos/", "Take the 12-hour pre-training"),
        ("/en/valmennus/", "The pre-training takes 12 hours"),
        ("group", "a home visit: 12 hours in all"),
    ],
)
def test_public_pages_format_the_pretraining_hours(client, monkeypatch, path, text):
    monkeypatch.setattr(pipeline, "PRETRAINING_HOURS", Decimal("12"))
    if path == "group":
        path = f"/en/valmennus/{TrainingGroupFactory().pk}/"
    body = client.get(path).content.decode()
    assert text in body
    assert "10-hour" not in body and "10 hours" not in body


def test_the_application_email_formats_the_pretraining_hours(monkeypatch):
    monkeypatch.setattr(pipeline, "PRETRAINING_HOURS", Decimal("12"))
    family = SupportFamilyFactory.build()
    with translation.override("en"):
        for name in ("application_received.txt", "application_received.html"):
            text = render_to_string(f"emails/families/{name}", {"family": family})
            assert "the 12-hour pre-training" in text


def test_the_pages_say_ten_hours_in_finnish(client):
    body = client.get("/valmennus/").content.decode()
    assert "10 tuntia" in body


# -- the review interval -------------------------------------------------------------------------


def test_a_relationship_is_reviewed_a_year_after_it_starts():
    assert relationship.REVIEW_INTERVAL_YEARS == 1
    assert relationship.review_date_for(datetime.date(2026, 3, 1)) == datetime.date(2027, 3, 1)


def test_review_due_by_is_sixty_days_ahead():
    assert REVIEW_DUE_DAYS == 60
    assert review_due_by(datetime.date(2026, 1, 1)) == datetime.date(2026, 3, 2)


def _due_everywhere(rel, coordinator, today):
    """Whether the dashboard, the portal's overview and the admin's filter call it due."""
    on_dashboard = dashboard.reviews_due(dashboard.Totals(), today).count == 1
    in_portal = portal.overview(coordinator)["relationships_overview"]["reviews_coming_up"] == 1
    admin_filter = ReviewDueFilter(
        None, {"review": ["due"]}, SupportRelationship, SupportRelationshipAdmin
    )
    in_admin = admin_filter.queryset(None, SupportRelationship.objects.all()).exists()
    return on_dashboard, in_portal, in_admin


def test_dashboard_portal_and_admin_share_the_due_window(coordinator, monkeypatch):
    today = timezone.localdate()
    rel = RelationshipFactory(
        start_date=today - datetime.timedelta(days=300),
        review_date=today + datetime.timedelta(days=30),
    )
    assert _due_everywhere(rel, coordinator, today) == (True, True, True)
    # One definition: narrowing it narrows every list.
    monkeypatch.setattr(relationship, "REVIEW_DUE_DAYS", 20)
    assert _due_everywhere(rel, coordinator, today) == (False, False, False)
