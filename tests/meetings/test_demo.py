from django.core.management import call_command

from meetings.models import (
    CaseStatus,
    CaseTheme,
    FollowUp,
    FollowUpBenefit,
    Meeting,
    MeetingRequest,
    RequestTheme,
    SupportCase,
)


def test_demo_has_cases_at_every_stage_and_a_second_run_changes_nothing(db):
    call_command("seed_demo", force=True)
    statuses = set(SupportCase.objects.values_list("status", flat=True))
    assert statuses == set(CaseStatus.values)
    assert MeetingRequest.objects.filter(status="waiting").exists()
    assert MeetingRequest.objects.filter(earlier_case__isnull=False).exists()
    # Themes, heard-from, a consented learning-support need and benefits, for the statistics.
    assert CaseTheme.objects.count() >= 6 and RequestTheme.objects.exists()
    assert FollowUpBenefit.objects.exists()
    assert SupportCase.objects.exclude(heard_from="").exists()
    need = SupportCase.objects.get(learning_support_need=True)
    assert need.learning_support_consent_on and need.learning_support_consent_by
    counts = (SupportCase.objects.count(), Meeting.objects.count(), FollowUp.objects.count())
    call_command("seed_demo", force=True)
    assert (SupportCase.objects.count(), Meeting.objects.count(), FollowUp.objects.count()) == (
        counts
    )
