"""`python -m bench.seed_large`: a fictional data set that keeps every rule of the models."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from bench.seed_large import Command as SeedLarge
from families.models import Child, ReadinessCheck, Stay, SupportFamily, SupportRelationship
from meetings.models import Meeting, SupportCase
from tests.factories.families import SupportFamilyFactory

pytestmark = pytest.mark.django_db


def _seed(*extra):
    call_command(SeedLarge(), "--scale", "0.01", "--no-progress", *extra, stdout=io.StringIO())


def test_small_scale_follows_the_rules_of_the_models():
    _seed()
    assert SupportFamily.objects.count() == 100
    assert Stay.objects.count() == 2000
    assert not SupportFamily.objects.exclude(email__endswith="@example.org").exists()
    # Households waited different times (the suggestions rank equal scores by it).
    assert SupportFamily.objects.values("status_changed_at").distinct().count() > 80
    # Households with their extract seen can be suggested: the checklist has its check.
    checked = SupportFamily.objects.filter(criminal_record_checked_on__isnull=False)
    assert checked.exists()
    assert ReadinessCheck.objects.filter(family__in=checked).count() == checked.count()
    # One open relationship per child, and never more than a household's places.
    open_rel = SupportRelationship.objects.filter(status__in=["active", "paused"])
    assert not open_rel.values("child").annotate(n=Count("pk")).filter(n__gt=1).exists()
    over = (
        open_rel.values("family", "family__max_children")
        .annotate(n=Count("pk"))
        .filter(n__gt=F("family__max_children"))
    )
    assert not over.exists()
    assert not open_rel.exclude(family__status="active").exists()
    assert set(
        Child.objects.filter(support_relationships__in=open_rel).values_list("status", flat=True)
    ) == {"matched"}
    # Stays of one relationship never overlap, and lie inside the relationship.
    stays = list(
        Stay.objects.order_by("relationship", "starts_at").values_list(
            "relationship", "starts_at", "ends_at"
        )
    )
    for (rel_a, _sa, end_a), (rel_b, start_b, _eb) in zip(stays, stays[1:], strict=False):
        assert rel_a != rel_b or end_a <= start_b
    # 1–5 meetings per case with meetings, numbered from 1; a new case has none.
    per_case = SupportCase.objects.annotate(n=Count("meetings"))
    assert not per_case.filter(n__gt=5).exists()
    assert not per_case.filter(~Q(status="new"), n=0).exists()
    assert not Meeting.objects.filter(number__gt=5).exists()
    # Every status has the history that leads to it.
    for family in SupportFamily.objects.prefetch_related("status_changes"):
        assert family.status_changes.all()[0].to_status == family.status
    for case in SupportCase.objects.prefetch_related("status_changes"):
        assert list(case.status_changes.all())[-1].to_status == case.status


def test_refuses_a_database_with_data_unless_forced():
    SupportFamilyFactory()
    with pytest.raises(CommandError):
        _seed()
    _seed("--force")
    assert SupportFamily.objects.count() == 101


def test_public_lists_show_the_new_data_at_once(client):
    from trainings.services import cached_upcoming_info_sessions

    assert cached_upcoming_info_sessions() == []  # cached while empty
    _seed()
    assert cached_upcoming_info_sessions()
