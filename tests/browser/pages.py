"""Every public and portal page, with the data that makes each one show its real content.

Shared by the axe tests (browser), the HTML-validity test (Nu checker) and the translation tests,
so a new page added here is checked by all three.
"""

from django.utils import timezone

from families.models import CheckIn
from families.portal_views import RELATIONSHIPS_PER_PAGE
from tests.factories.families import SupportFamilyFactory
from tests.factories.meetings import ClosedCaseFactory, MeetingFactory, SupportCaseFactory
from tests.factories.relationships import (
    RelationshipFactory,
    StayFactory,
    UnavailablePeriodFactory,
)
from tests.factories.trainings import (
    EventFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from trainings.models import EventInvitation
from trainings.tokens import INVITATION, REGISTRATION, cancel_token, make_token

LANGUAGE_PREFIXES = ["", "/sv", "/en"]

# Public forms: (page, CSS selector of the form). Sent empty they show the error state.
PUBLIC_FORMS = {
    "info_session": "form.signup-form",
    "group": "form.signup-form",
    "application": "form.application-form",
    "meetings_request": "form.request-form",
    "accessibility": "form.feedback-form",
    "login": "main form",
}


def public_pages() -> dict[str, str]:
    """Make the data public pages show and return {name: path without language prefix}."""
    session = InfoSessionFactory(days_ahead=5)
    InfoSessionFactory(days_ahead=40, language="sv")
    group = TrainingGroupFactory()
    TrainingGroupFactory(attendance="in_person", location="Kalliolan setlementti, Sturenkatu 11")
    registration = RegistrationFactory(session=InfoSessionFactory(days_ahead=12))
    event = EventFactory()
    invitation = EventInvitation.objects.create(event=event, family=SupportFamilyFactory())
    return {
        "home": "/",
        "privacy": "/tietosuoja/",
        "accessibility": "/saavutettavuus/",
        "support_families": "/tukiperhetoiminta/",
        "info_session_list": "/infotilaisuudet/",
        "info_session": f"/infotilaisuudet/{session.pk}/",
        "group_list": "/valmennus/",
        "group": f"/valmennus/{group.pk}/",
        "application": "/tukiperheeksi/",
        "application_thanks": "/tukiperheeksi/kiitos/",
        "meetings_request": "/tukitapaamiset/",
        "cancel_signup": f"/peru-ilmoittautuminen/{cancel_token(REGISTRATION, registration.pk)}/",
        "event_reply": f"/tapahtumat/vastaa/{make_token(INVITATION, invitation.pk)}/",
        "login": "/tyo/kirjaudu/",
    }


NOT_FOUND_PATH = "/ei-tallaista-sivua/"


def portal_pages(worker) -> dict[str, str]:
    """Make a support worker's relationship and cases; return {name: path} of the portal."""
    relationship = RelationshipFactory(support_worker=worker)
    stay = StayFactory(relationship=relationship)
    period = UnavailablePeriodFactory(family=relationship.family)
    # Two check-ins, the latest lower: the page shows the table and what needs attention.
    for days_ago, child in ((30, 3), (2, 1)):
        CheckIn.objects.create(
            relationship=relationship,
            date=timezone.localdate() - timezone.timedelta(days=days_ago),
            for_child=child,
            for_family=3,
            for_parent=2,
            note="Kuulumiset",
        )
    # Enough for a second page: the page links are checked too.
    RelationshipFactory.create_batch(RELATIONSHIPS_PER_PAGE, support_worker=worker)
    case = SupportCaseFactory(support_worker=worker, status="active")
    MeetingFactory(case=case, number=1, starts_at=timezone.now() - timezone.timedelta(days=3))
    closed = ClosedCaseFactory(support_worker=worker)
    r, c = relationship.pk, case.pk
    return {
        "portal_home": "/tyo/",
        "relationships": "/tyo/suhteet/",
        "relationships_page_2": "/tyo/suhteet/?sivu=2",
        "relationship": f"/tyo/suhteet/{r}/",
        "stay_form": f"/tyo/suhteet/{r}/kaynti/",
        "stay_edit": f"/tyo/suhteet/{r}/kaynti/{stay.pk}/",
        "contact_form": f"/tyo/suhteet/{r}/yhteydenpito/",
        "periods": f"/tyo/suhteet/{r}/tauot/",
        "period_edit": f"/tyo/suhteet/{r}/tauot/{period.pk}/",
        "check_in_form": f"/tyo/suhteet/{r}/kuulumiset/",
        "cases": "/tyo/asiakkuudet/",
        "case": f"/tyo/asiakkuudet/{c}/",
        "meeting_form": f"/tyo/asiakkuudet/{c}/tapaaminen/",
        "meeting_edit": f"/tyo/asiakkuudet/{c}/tapaaminen/1/",
        "case_details": f"/tyo/asiakkuudet/{c}/teemat/",
        "assessment": f"/tyo/asiakkuudet/{c}/arvio/",
        "plan": f"/tyo/asiakkuudet/{c}/suunnitelma/",
        "close": f"/tyo/asiakkuudet/{c}/sulje/",
        "closed_case": f"/tyo/asiakkuudet/{closed.pk}/",
        "follow_up": f"/tyo/asiakkuudet/{closed.pk}/seuranta/",
        "calendar": "/tyo/kalenteri/",
        "two_factor_setup": "/tyo/kaksivaiheinen/",
    }
