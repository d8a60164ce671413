import pytest
from django.utils import timezone

from families.models import FamilyStatus, SupportFamily
from programme.demo import ensure_demo_users
from trainings import demo, services
from trainings.models import Enrollment, InfoSession, Registration, TrainingGroup

pytestmark = pytest.mark.django_db


def counts():
    return (
        InfoSession.objects.count(),
        TrainingGroup.objects.count(),
        Registration.objects.count(),
        Enrollment.objects.count(),
    )


def test_seed_is_idempotent_and_around_today():
    users = ensure_demo_users()
    demo.seed(today=timezone.localdate(), users=users)
    first = counts()
    demo.seed(today=timezone.localdate(), users=users)
    assert counts() == first
    assert services.upcoming_info_sessions().count() >= 3
    assert services.home_listing()["upcoming_training_groups"]


def test_seed_demo_command_runs_twice(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert TrainingGroup.objects.filter(status="published").exists()


def test_demo_households_took_the_review_to_training_and_the_info_session_one_is_interested():
    demo.seed(today=timezone.localdate(), users=ensure_demo_users())
    statuses = {
        email: SupportFamily.objects.get(email=email).status for _n, email, *_ in demo.APPLICANTS
    }
    assert list(statuses.values()) == [FamilyStatus.IN_TRAINING] * 3 + [FamilyStatus.INTERESTED]
    reviewed = SupportFamily.objects.get(email=demo.APPLICANTS[0][1])
    assert reviewed.status_changes.filter(to_status=FamilyStatus.ACCEPTED_FOR_TRAINING).exists()
