"""Fictional demo data for this app (called by `manage.py seed_demo`; must be idempotent).

Requests waiting, and cases at every stage: new, active, closed with a follow-up due, and
followed up; one new request links to an earlier case of the same family. Themes, how people
heard of us, one consented learning-support need and what a family got, so the yearly
statistics show them.
"""

import datetime

from django.utils import timezone

from meetings import services
from meetings.models import (
    Benefit,
    ContactAdult,
    ContactChannel,
    ContactRole,
    HeardFrom,
    MeetingMode,
    MeetingRequest,
    Outcome,
    ReferralKind,
    ReferralStatus,
    Theme,
    Topic,
)
from meetings.services.themes import set_request_themes

DEMO_DOMAIN = "@demo.example.org"


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _request(today, days_ago, themes=(), **fields) -> MeetingRequest:
    fields.setdefault("contact_channel", ContactChannel.PHONE_CALL)
    fields.setdefault("family_agreed", fields["contact_role"] == ContactRole.PROFESSIONAL)
    meeting_request = MeetingRequest.objects.create(**fields)
    set_request_themes(meeting_request, themes)
    MeetingRequest.objects.filter(pk=meeting_request.pk).update(
        received_at=_at(today - datetime.timedelta(days=days_ago), 10)
    )
    return meeting_request


def _meetings(case, by, days: list[datetime.date], topics: list[list[str]]) -> None:
    for day, day_topics in zip(days, topics, strict=True):
        services.log_meeting(
            case,
            by=by,
            starts_at=_at(day, 13),
            mode=case.preferred_mode,
            duration_minutes=60,
            topics=day_topics,
            notes="Keskusteltiin perheen tilanteesta.",
            tasks="Perhe miettii, mitä haluaa kysyä seuraavalla kerralla.",
        )


def seed(*, today, users) -> None:
    if ContactAdult.objects.filter(email__endswith=DEMO_DOMAIN).exists():
        return
    coordinator, worker, worker2 = (
        users["koordinaattori"],
        users["tyontekija"],
        users["tyontekija2"],
    )
    days = datetime.timedelta

    # Waiting requests.
    _request(
        today,
        2,
        contact_role=ContactRole.PARENT,
        name="Sanna Esimerkki",
        phone="040 000 0001",
        email="sanna" + DEMO_DOMAIN,
        best_time="Arkisin iltapäivällä",
        question="Haluan apua päiväkotipaikan hakemiseen.",
        preferred_mode=MeetingMode.PHONE,
        municipality="Vantaa",
        themes=[Theme.FINDING_SERVICES, Theme.EVERYDAY_LIFE],
        heard_from=HeardFrom.WEB_SEARCH,
    )
    _request(
        today,
        9,
        contact_role=ContactRole.PROFESSIONAL,
        name="Olli Ohjaaja",
        phone="040 000 0002",
        email="olli" + DEMO_DOMAIN,
        organisation="Perhekeskus (kuvitteellinen)",
        question="Perhe tarvitsee tukea palaveriin valmistautumiseen sosiaalitoimen kanssa.",
        preferred_mode=MeetingMode.FACE_TO_FACE,
        municipality="Espoo",
        themes=[Theme.PREPARING, Theme.SOCIAL_SERVICES],
    )

    # A new case after a phone call.
    services.open_case(
        by=coordinator,
        support_worker=worker,
        source=ContactRole.RELATIVE,
        question="Isoäiti toivoo tukea tyttärensä perheelle arjen rutiineihin.",
        preferred_mode=MeetingMode.FACE_TO_FACE,
        opened_on=today - days(3),
        contacts=[
            {"name": "Maija Mummo", "relation": "isoäiti", "phone": "040 000 0003"},
            {"name": "Laura Lahtinen", "relation": "äiti", "email": "laura" + DEMO_DOMAIN},
        ],
        municipality="Helsinki",
        themes=[Theme.EVERYDAY_LIFE, Theme.PARENTING],
        heard_from=HeardFrom.SOMEONE_KNOWN,
    )

    # An active case with an assessment and a meeting coming up.
    request = _request(
        today,
        30,
        contact_role=ContactRole.PARENT,
        name="Jari Järvinen",
        phone="040 000 0004",
        email="jari" + DEMO_DOMAIN,
        question="En ymmärrä lastensuojelun kirjettä. Haluan apua sen lukemiseen.",
        preferred_mode=MeetingMode.FACE_TO_FACE,
        themes=[Theme.SOCIAL_SERVICES, Theme.OWN_RIGHTS],
        heard_from=HeardFrom.WEB_SEARCH,
    )
    active = services.open_case_from_request(
        request, by=coordinator, support_worker=worker, opened_on=today - days(28)
    )
    # The father agreed at the first meeting that his need of support in reading is recorded.
    services.record_case_details(
        active,
        by=worker,
        themes=[Theme.SOCIAL_SERVICES, Theme.OWN_RIGHTS, Theme.PREPARING],
        heard_from=HeardFrom.WEB_SEARCH,
        learning_support_need=True,
        consent_given=True,
        consent_on=today - days(21),
    )
    _meetings(
        active,
        worker,
        [today - days(21), today + days(2)],
        [[Topic.MAPPING, Topic.MINUTES], [Topic.AUTHORITIES]],
    )
    services.save_assessment(
        active,
        by=worker,
        life_situation="Yksinhuoltaja, kaksi lasta. Arki sujuu, paperityöt ovat vaikeita.",
        services_in_use="Lastensuojelun avohuolto. Yhteydenpito on ollut vaikeaa.",
        family_question="Miten voin valmistautua seuraavaan palaveriin?",
        what_would_help="Papereiden läpikäynti yhdessä ja tuki palaverissa.",
    )

    # Tiina's active case, online.
    online = services.open_case(
        by=coordinator,
        support_worker=worker2,
        source=ContactRole.PARENT,
        question="Pohdimme, olemmeko valmiita toiseen lapseen.",
        preferred_mode=MeetingMode.ONLINE,
        opened_on=today - days(14),
        contacts=[{"name": "Pekka Pohjola", "relation": "isä", "phone": "040 000 0005"}],
        themes=[Theme.BABY_WISHES, Theme.FEELINGS],
        heard_from=HeardFrom.OTHER,
    )
    _meetings(online, worker2, [today - days(7)], [[Topic.MAPPING, Topic.OTHER_FAMILIES]])

    # A case closed over six months ago: its follow-up is due.
    closed = services.open_case(
        by=coordinator,
        support_worker=worker,
        source=ContactRole.PROFESSIONAL,
        question="Perhe tarvitsee apua palveluiden löytämiseen.",
        preferred_mode=MeetingMode.FACE_TO_FACE,
        opened_on=today - days(260),
        contacts=[{"name": "Hanna Honkanen", "relation": "äiti", "email": "hanna" + DEMO_DOMAIN}],
        municipality="Helsinki",
        themes=[Theme.FINDING_SERVICES, Theme.PARENTING],
        heard_from=HeardFrom.PROFESSIONAL,
    )
    _meetings(
        closed,
        worker,
        [today - days(250), today - days(236), today - days(222), today - days(208)],
        [
            [Topic.MAPPING],
            [Topic.FINDING_SERVICES],
            [Topic.APPLICATION],
            [Topic.PARENTING_TASKS],
        ],
    )
    services.save_plan(
        closed,
        by=worker,
        next_steps="Perhe aloittaa perhetyön ja käy vertaisryhmässä.",
        who_does_what="Äiti soittaa perhetyöhön. Työntekijä lähettää ryhmän tiedot.",
        referrals=[
            {
                "kind": ReferralKind.MUNICIPAL,
                "name": "Kotiin annettava perhetyö",
                "status": ReferralStatus.RECEIVED,
            },
            {
                "kind": ReferralKind.NGO,
                "name": "Vertaisryhmä vanhemmille",
                "status": ReferralStatus.APPLIED,
            },
        ],
    )
    services.close_case(closed, by=worker, closed_on=today - days(200))

    # A case followed up; the same family got in touch again.
    done = services.open_case(
        by=coordinator,
        support_worker=worker2,
        source=ContactRole.PARENT,
        question="Riita sosiaalitoimen kanssa tapaamisjärjestelyistä.",
        preferred_mode=MeetingMode.PHONE,
        opened_on=today - days(400),
        contacts=[{"name": "Tero Toivonen", "relation": "isä", "phone": "040 000 0006"}],
        themes=[Theme.SOCIAL_SERVICES, Theme.FEELINGS],
        heard_from=HeardFrom.PROFESSIONAL,
    )
    _meetings(
        done,
        worker2,
        [today - days(395), today - days(380)],
        [[Topic.CONFLICT], [Topic.AUTHORITIES, Topic.CONFLICT]],
    )
    services.save_plan(
        done,
        by=worker2,
        next_steps="Isä pyytää uuden palaverin ja ottaa tukihenkilön mukaan.",
        who_does_what="",
        referrals=[
            {
                "kind": ReferralKind.OTHER,
                "name": "Oikeusaputoimisto",
                "status": ReferralStatus.SUGGESTED,
            }
        ],
    )
    services.close_case(done, by=worker2, closed_on=today - days(370))
    services.record_follow_up(
        done,
        by=worker2,
        done_on=today - days(180),
        outcome=Outcome.SOMEWHAT_BETTER,
        notes="Palaverit sujuvat nyt paremmin.",
        referred_again=False,
        benefits=[Benefit.SOCIAL_SERVICES_SUPPORT, Benefit.HEARD, Benefit.TASKS],
    )
    _request(
        today,
        1,
        contact_role=ContactRole.PARENT,
        name="Tero Toivonen",
        phone="040 000 0006",
        question="Tarvitsisin taas apua. Lapsen koulunkäynti mietityttää.",
        preferred_mode=MeetingMode.PHONE,
        earlier_case=done,
        themes=[Theme.PARENTING],
        heard_from=HeardFrom.SOMEONE_KNOWN,
    )
