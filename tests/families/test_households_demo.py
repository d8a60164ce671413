"""Demo households and children: every status with its history, idempotent."""

import datetime

import pytest

from families import demo_households
from families.models import Child, ChildStatus, FamilyStatus, FamilyStatusChange, SupportFamily
from programme.demo import ensure_demo_users

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


def test_demo_has_a_household_in_every_status_with_its_history():
    users = ensure_demo_users()
    demo_households.seed(today=TODAY, users=users)
    assert set(SupportFamily.objects.values_list("status", flat=True)) == set(FamilyStatus.values)
    for family in SupportFamily.objects.all():
        history = list(family.status_changes.order_by("changed_at", "pk"))
        assert history[0].from_status == ""
        assert history[-1].to_status == family.status
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_status == before.to_status
        assert family.status_changed_at == history[-1].changed_at
        assert family.email.endswith("@example.org")
        assert family.phone.startswith("040 000 0")
        assert "(demo)" in family.contact_name
        if family.status in (FamilyStatus.APPROVED, FamilyStatus.ACTIVE):
            assert family.criminal_record_checked_by == users["koordinaattori"]


def test_demo_has_waiting_children_with_guardians_and_referrals():
    demo_households.seed(today=TODAY, users=ensure_demo_users())
    waiting = Child.objects.filter(status=ChildStatus.WAITING)
    assert waiting.count() >= 5
    for child in waiting:
        child.full_clean()  # valid ages and dates
        assert child.guardians.exists()
        referral = child.referrals.get()
        assert referral.referred_on == child.waiting_since


def test_seeding_twice_changes_nothing():
    users = ensure_demo_users()
    demo_households.seed(today=TODAY, users=users)
    counts = (
        SupportFamily.objects.count(),
        FamilyStatusChange.objects.count(),
        Child.objects.count(),
    )
    demo_households.seed(today=TODAY, users=users)
    assert counts == (
        SupportFamily.objects.count(),
        FamilyStatusChange.objects.count(),
        Child.objects.count(),
    )
