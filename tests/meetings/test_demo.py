from django.core.management import call_command

from meetings.models import CaseStatus, FollowUp, Meeting, MeetingRequest, SupportCase


def test_demo_has_cases_at_every_stage_and_a_second_run_changes_nothing(db):
    call_command("seed_demo", force=True)
    statuses = set(SupportCase.objects.values_list("status", flat=True))
    assert statuses == set(CaseStatus.values)
    assert MeetingRequest.objects.filter(status="waiting").exists()
    assert MeetingRequest.objects.filter(earlier_case__isnull=False).exists()
    counts = (SupportCase.objects.count(), Meeting.objects.count(), FollowUp.objects.count())
    call_command("seed_demo", force=True)
    assert (SupportCase.objects.count(), Meeting.objects.count(), FollowUp.objects.count()) == (
        counts
    )
