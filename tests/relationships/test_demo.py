import datetime

from families import demo_relationships
from families.models import (
    CheckIn,
    PaymentMonth,
    Rate,
    Stay,
    SupervisionContact,
    SupportFamily,
    SupportRelationship,
)
from families.models.child import ChildStatus
from programme.demo import ensure_demo_users


def _counts():
    return [
        m.objects.count()
        for m in (
            SupportFamily,
            SupportRelationship,
            Stay,
            PaymentMonth,
            Rate,
            SupervisionContact,
            CheckIn,
        )
    ]


def test_demo_has_relationships_with_stays_over_months_and_a_rate_change(db):
    users = ensure_demo_users()
    today = datetime.date(2026, 11, 25)
    demo_relationships.seed(today=today, users=users)
    first = _counts()
    demo_relationships.seed(today=today, users=users)
    assert _counts() == first
    assert SupportRelationship.objects.count() == 3
    assert set(SupportRelationship.objects.values_list("support_worker__username", flat=True)) == {
        "tyontekija",
        "tyontekija2",
    }
    months = {stay.starts_at.date().replace(day=1) for stay in Stay.objects.all()}
    assert len(months) >= 5
    assert Stay.objects.filter(payment_month__isnull=False).exists()
    assert Stay.objects.filter(payment_month__isnull=True).exists()
    assert Rate.objects.filter(kind="fee", unit="night").count() == 2
    from families.models import Child

    assert Child.objects.filter(status=ChildStatus.WAITING).count() == 3


def test_demo_check_ins_show_each_reason_for_attention(db):
    from families.services import check_ins as rules

    users = ensure_demo_users()
    today = datetime.date(2026, 11, 25)
    demo_relationships.seed(today=today, users=users)
    assert CheckIn.objects.count() == 5
    assert set(CheckIn.objects.values_list("created_by__username", flat=True)) <= {
        "tyontekija",
        "tyontekija2",
    }
    fell = SupportRelationship.objects.filter(rules.scale_fell())
    overdue = SupportRelationship.objects.filter(rules.check_in_overdue(today))
    assert fell.count() == 1 and overdue.count() == 1
    assert fell.get() != overdue.get()
