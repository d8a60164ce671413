"""Themes, how the person heard of us, the learning-support need (only with consent) and what
the family got: recorded beside the free text, on the public form, in the portal and the admin."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings import services
from meetings.models import (
    CaseStatus,
    CaseTheme,
    FollowUpBenefit,
    MeetingRequest,
    RequestTheme,
    SupportCase,
)
from meetings.services.themes import set_request_themes
from tests.factories.meetings import FollowUpFactory, MeetingRequestFactory, SupportCaseFactory

pytestmark = pytest.mark.django_db

FORM = "/en/tukitapaamiset/"
PORTAL = "/en/tyo/asiakkuudet/"


def request_post(**overrides):
    data = {
        "contact_role": "parent",
        "name": "Testi Vanhempi",
        "phone": "040 123 4567",
        "email": "",
        "contact_channel": "call",
        "question": "We need help with a letter from social services.",
        "preferred_mode": "phone",
    }
    data.update(overrides)
    return data


def themes_of(case) -> list[str]:
    return list(CaseTheme.objects.filter(case=case).values_list("theme", flat=True))


# -- the public form ------------------------------------------------------------------------


def test_public_form_asks_the_themes_and_how_they_heard_in_plain_words(client):
    page = client.get(FORM).content.decode()
    assert 'name="themes" value="baby_wishes"' in page
    assert page.count('type="checkbox" class="form-check-input"  name="themes"') == 9
    assert "Wish for a baby, family planning" in page
    assert 'name="heard_from" value="web_search"' in page
    assert "I searched on the internet" in page


def test_themes_and_heard_from_are_saved_with_the_request(client):
    response = client.post(
        FORM, request_post(themes=["parenting", "social_services"], heard_from="web_search")
    )
    assert response.status_code == 302
    saved = MeetingRequest.objects.get()
    assert saved.heard_from == "web_search"
    assert set(RequestTheme.objects.filter(request=saved).values_list("theme", flat=True)) == {
        "parenting",
        "social_services",
    }


def test_themes_and_heard_from_are_optional(client):
    assert client.post(FORM, request_post()).status_code == 302
    saved = MeetingRequest.objects.get()
    assert saved.heard_from == ""
    assert not RequestTheme.objects.exists()


def _has_nul(data: dict) -> bool:
    return any(
        "\x00" in "".join([value] if isinstance(value, str) else value) for value in data.values()
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"themes": ["everything"]},
        {"themes": ["parenting\x00"]},
        {"heard_from": "=HYPERLINK(1)"},
        {"heard_from": "x" * 5000},
    ],
)
def test_unknown_codes_are_a_form_error(client, bad):
    response = client.post(FORM, request_post(**bad))
    # A NUL byte is refused before any view runs (kalliola.security.RejectNulBytesMiddleware).
    assert response.status_code == (400 if _has_nul(bad) else 200)
    assert not MeetingRequest.objects.exists()


def test_a_case_opened_from_a_request_takes_its_themes_and_heard_from(support_worker):
    meeting_request = MeetingRequestFactory(heard_from="professional")
    set_request_themes(meeting_request, ["feelings", "other"])
    case = services.open_case_from_request(
        meeting_request, by=support_worker, support_worker=support_worker
    )
    assert case.heard_from == "professional"
    assert set(themes_of(case)) == {"feelings", "other"}


# -- the rule: the learning-support need only with recorded consent -------------------------


def details(case, by, **overrides):
    data = {
        "themes": ["parenting"],
        "heard_from": "someone_known",
        "learning_support_need": False,
        "consent_given": False,
    }
    data.update(overrides)
    return services.record_case_details(case, by=by, **data)


def test_need_without_consent_is_refused_and_nothing_changes(support_worker):
    case = SupportCaseFactory(support_worker=support_worker)
    with pytest.raises(services.ConsentMissing):
        details(case, support_worker, learning_support_need=True)
    case.refresh_from_db()
    assert (case.learning_support_need, case.heard_from) == (False, "")
    assert themes_of(case) == []


def test_consent_is_recorded_with_its_day_and_who(support_worker, other_support_worker):
    case = SupportCaseFactory(support_worker=support_worker)
    day = timezone.localdate() - datetime.timedelta(days=3)
    details(case, support_worker, learning_support_need=True, consent_given=True, consent_on=day)
    case.refresh_from_db()
    assert case.learning_support_need is True
    assert case.learning_support_consent_on == day
    assert case.learning_support_consent_by == support_worker
    # Saved again later by someone else: the consent keeps its day and who.
    details(case, other_support_worker, learning_support_need=True, consent_given=True)
    case.refresh_from_db()
    assert case.learning_support_consent_on == day
    assert case.learning_support_consent_by == support_worker


def test_consent_today_when_no_day_is_given_and_never_in_the_future(support_worker):
    case = SupportCaseFactory(support_worker=support_worker)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(services.ConsentDateInvalid):
        details(case, support_worker, consent_given=True, consent_on=tomorrow)
    details(case, support_worker, learning_support_need=True, consent_given=True)
    case.refresh_from_db()
    assert case.learning_support_consent_on == timezone.localdate()
    other = SupportCaseFactory(support_worker=support_worker)
    details(other, support_worker, consent_given=True, consent_on=timezone.localdate())
    other.refresh_from_db()
    assert other.learning_support_consent_on == timezone.localdate()


def test_withdrawn_consent_erases_the_need(support_worker):
    case = SupportCaseFactory(support_worker=support_worker)
    details(case, support_worker, learning_support_need=True, consent_given=True)
    details(case, support_worker, learning_support_need=False, consent_given=False)
    case.refresh_from_db()
    assert case.learning_support_need is False
    assert case.learning_support_consent_on is None
    assert case.learning_support_consent_by is None


def test_the_database_refuses_a_need_without_consent(support_worker):
    case = SupportCaseFactory(support_worker=support_worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportCase.objects.filter(pk=case.pk).update(learning_support_need=True)


def test_themes_are_replaced_not_added(support_worker):
    case = SupportCaseFactory(support_worker=support_worker)
    details(case, support_worker, themes=["parenting", "feelings"])
    details(case, support_worker, themes=["feelings", "everyday_life", "nonsense"])
    assert sorted(themes_of(case)) == ["everyday_life", "feelings"]


def test_the_database_refuses_an_unknown_theme(support_worker):
    case = SupportCaseFactory(support_worker=support_worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseTheme.objects.create(case=case, theme="nonsense")


# -- the portal -------------------------------------------------------------------------------


def test_worker_records_themes_and_consented_need_in_the_portal(
    client, support_worker, django_assert_max_num_queries
):
    case = SupportCaseFactory(support_worker=support_worker)
    client.force_login(support_worker)
    url = f"{PORTAL}{case.pk}/teemat/"
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    assert "Baby wishes and family planning" in page.content.decode()
    response = client.post(
        url,
        {
            "themes": ["baby_wishes", "own_rights"],
            "heard_from": "web_search",
            "consent_given": "on",
            "needs_learning_support": "on",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert sorted(themes_of(case)) == ["baby_wishes", "own_rights"]
    assert case.learning_support_need and case.learning_support_consent_by == support_worker
    detail = client.get(f"{PORTAL}{case.pk}/").content.decode()
    assert "Baby wishes and family planning, Own rights and benefits" in detail
    assert "Web search" in detail


def test_portal_form_says_consent_first(client, support_worker):
    case = SupportCaseFactory(support_worker=support_worker)
    client.force_login(support_worker)
    response = client.post(f"{PORTAL}{case.pk}/teemat/", {"needs_learning_support": "on"})
    assert response.status_code == 200
    assert "only if the client agreed" in response.content.decode()
    case.refresh_from_db()
    assert case.learning_support_need is False


@pytest.mark.parametrize(
    "bad",
    [
        {"consent_given": "on", "consent_on": "9999-12-31"},
        {"consent_given": "on", "consent_on": "2026-02-30"},
        {"themes": ["x\x00"]},
        {"heard_from": "<script>"},
    ],
)
def test_portal_form_bad_input_is_a_form_error(client, support_worker, bad):
    case = SupportCaseFactory(support_worker=support_worker)
    client.force_login(support_worker)
    expected = 400 if _has_nul(bad) else 200
    assert client.post(f"{PORTAL}{case.pk}/teemat/", bad).status_code == expected
    case.refresh_from_db()
    assert case.learning_support_consent_on is None


def test_another_workers_case_is_404(client, support_worker, other_support_worker):
    case = SupportCaseFactory(support_worker=other_support_worker)
    client.force_login(support_worker)
    assert client.get(f"{PORTAL}{case.pk}/teemat/").status_code == 404
    assert client.post(f"{PORTAL}{case.pk}/teemat/", {"themes": ["other"]}).status_code == 404
    assert themes_of(case) == []


def test_follow_up_records_what_the_family_got_beside_the_scale(client, support_worker):
    follow_up = FollowUpFactory(case__support_worker=support_worker)
    client.force_login(support_worker)
    response = client.post(
        f"{PORTAL}{follow_up.case.pk}/seuranta/",
        {
            "done_on": timezone.localdate().isoformat(),
            "outcome": "4",
            "benefits": ["heard", "municipal"],
            "notes": "",
        },
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.outcome == 4
    benefits = FollowUpBenefit.objects.filter(follow_up=follow_up)
    assert sorted(benefits.values_list("benefit", flat=True)) == ["heard", "municipal"]
    detail = client.get(f"{PORTAL}{follow_up.case.pk}/").content.decode()
    assert "Referred to municipal services, Felt heard and met" in detail


# -- the admin --------------------------------------------------------------------------------


def admin_case_post(case, **overrides):
    data = {
        "opened_on": case.opened_on.isoformat(),
        "source": case.source,
        "support_worker": str(case.support_worker_id),
        "question": case.question,
        "preferred_mode": case.preferred_mode,
        "municipality": "",
        "heard_from": "professional",
        "earlier_case": "",
        "themes": ["preparing"],
    }
    for inline in ("contacts", "meetings", "status_changes"):
        data[f"{inline}-TOTAL_FORMS"] = "0"
        data[f"{inline}-INITIAL_FORMS"] = "0"
    data.update(overrides)
    return data


def test_coordinator_records_themes_and_the_need_in_the_admin(client, coordinator):
    case = SupportCaseFactory(status=CaseStatus.NEW)
    client.force_login(coordinator)
    url = f"/en/admin/meetings/supportcase/{case.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Feelings and the past" in page.content.decode()
    refused = client.post(url, admin_case_post(case, needs_learning_support="on"))
    assert refused.status_code == 200
    case.refresh_from_db()
    assert case.learning_support_need is False
    response = client.post(
        url, admin_case_post(case, needs_learning_support="on", consent_given="on")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert themes_of(case) == ["preparing"]
    assert case.heard_from == "professional"
    assert case.learning_support_need
    assert case.learning_support_consent_by == coordinator
    assert case.learning_support_consent_on == timezone.localdate()


def test_coordinator_corrects_what_the_family_got_in_the_admin(client, coordinator):
    follow_up = FollowUpFactory(done_on=timezone.localdate(), outcome=3)
    client.force_login(coordinator)
    url = f"/en/admin/meetings/followup/{follow_up.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"benefits": ["tasks", "ngo"]}).status_code == 302
    benefits = FollowUpBenefit.objects.filter(follow_up=follow_up)
    assert sorted(benefits.values_list("benefit", flat=True)) == ["ngo", "tasks"]
