"""A large, fictional data set for performance work (`python -m bench.seed_large`).

Everything is generated: names from short Finnish-looking syllable lists, e-mail addresses at
example.org, phone numbers 040 000 xxxx. The rows follow the models' rules: one open
relationship per child, a household never holds more open relationships than its places,
stays of one relationship never overlap, a case has at most five meetings numbered 1–5, and
every status has the status-change rows that lead to it.

Rows are written with `bulk_create` in batches, so no signals fire (the audit trail stays empty,
which is what a synthetic data set wants). Scale 1 is about 10,000 households, 5,000 children,
4,000 relationships, 200,000 stays, 5,000 support cases, 15,000 meetings, 500 info sessions
and 100 training groups.
"""

from __future__ import annotations

import datetime
import io
import random
import secrets
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from families.models import (
    Child,
    FamilyStatusChange,
    Guardian,
    ReadinessCheck,
    Referral,
    RelationshipStatusChange,
    Stay,
    SupportFamily,
    SupportRelationship,
)
from families.models.relationship import EndCause, EndInitiator, review_date_for
from families.services.readiness import extract_item
from kalliola.roles import COORDINATORS, SUPPORT_WORKERS
from meetings.models import (
    Assessment,
    CaseStatusChange,
    ContactAdult,
    FollowUp,
    Meeting,
    MeetingRequest,
    Plan,
    SupportCase,
)
from programme.dashboard import dashboard_changed
from trainings.models import (
    Enrollment,
    InfoSession,
    Registration,
    TrainingGroup,
    TrainingSession,
)
from trainings.services.listings import listings_changed

END_CAUSES = EndCause.values
END_INITIATORS = [i for i in EndInitiator.values if i != EndInitiator.NOT_RECORDED]

BATCH = 2000

FIRST_A = ["Ai", "Ee", "Ka", "Lii", "Mi", "Noo", "Sa", "Tuu", "Ve", "Ol", "Ri", "Ju", "Hei", "Ar"]
FIRST_B = ["na", "ra", "li", "kka", "nni", "tta", "ja", "mo", "si", "ko", "vi", "la", "po", "e"]
LAST_A = ["Kivi", "Mäki", "Lah", "Haa", "Kos", "Vir", "Nie", "Sal", "Rin", "Pel", "Tuo", "Ylö"]
LAST_B = ["nen", "kala", "tola", "mies", "lainen", "niemi", "vaara", "ranta", "harju", "lehto"]
MUNICIPALITIES = ["Helsinki", "Espoo", "Vantaa", "Kauniainen", "Kerava", "Järvenpää", "Tuusula"]
LANGUAGES = ["fi", "fi", "fi", "sv", "en", "ru", "et", "so", "ar", "uk"]
TOPICS = ["mapping", "services", "application", "minutes", "authorities", "parenting"]

# Household pipeline paths: each status with the chain of statuses that leads to it.
FAMILY_PATHS = {
    "applied": ["applied"],
    "info_session_attended": ["applied", "info_session_attended"],
    "in_training": ["applied", "info_session_attended", "in_training"],
    "trained": ["applied", "info_session_attended", "in_training", "trained"],
    "approved": ["applied", "info_session_attended", "in_training", "trained", "approved"],
    "active": ["applied", "info_session_attended", "in_training", "trained", "approved", "active"],
    "on_hold": [
        "applied",
        "info_session_attended",
        "in_training",
        "trained",
        "approved",
        "active",
        "on_hold",
    ],
    "ended": [
        "applied",
        "info_session_attended",
        "in_training",
        "trained",
        "approved",
        "active",
        "ended",
    ],
    "withdrawn": ["applied", "info_session_attended", "withdrawn"],
    "declined": ["applied", "info_session_attended", "in_training", "trained", "declined"],
}
# Shares of the households by status (sum 1.0); "active" ones take the open relationships.
FAMILY_MIX = [
    ("applied", 0.08),
    ("info_session_attended", 0.06),
    ("in_training", 0.05),
    ("trained", 0.04),
    ("approved", 0.10),
    ("active", 0.45),
    ("on_hold", 0.04),
    ("ended", 0.10),
    ("withdrawn", 0.05),
    ("declined", 0.03),
]


@dataclass
class Counts:
    households: int
    children: int
    relationships: int
    stays: int
    cases: int
    meetings: int
    info_sessions: int
    groups: int
    workers: int

    @classmethod
    def for_scale(cls, scale: float) -> Counts:
        def n(base: int) -> int:
            return max(1, round(base * scale))

        return cls(
            households=n(10_000),
            children=n(5_000),
            relationships=n(4_000),
            stays=n(200_000),
            cases=n(5_000),
            meetings=n(15_000),
            info_sessions=n(500),
            groups=n(100),
            workers=max(2, round(40 * scale)),
        )


class Progress:
    """A plain progress bar on stderr: one line per step, redrawn in place."""

    def __init__(self, total: int, stream=None, width: int = 30):
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.label = ""

    def step(self, label: str) -> None:
        self.label = label
        self._draw()

    def advance(self, n: int) -> None:
        self.done = min(self.done + n, self.total)
        self._draw()

    def _draw(self) -> None:
        filled = int(self.width * self.done / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\r[{bar}] {100 * self.done / self.total:5.1f} % {elapsed:6.1f} s  "
            f"{self.label[:34]:<34}"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.done = self.total
        self._draw()
        self.stream.write("\n")
        self.stream.flush()


@dataclass
class Result:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    busy_worker: str = ""
    coordinator: str = ""


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Generator:
    def __init__(self, scale: float, seed: int = 2026, progress: Progress | None = None):
        self.scale = scale
        self.n = Counts.for_scale(scale)
        self.rng = random.Random(seed)
        self.seed = seed
        self.run = secrets.token_hex(3)  # keeps e-mail addresses unique when run twice
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        total = (
            self.n.households * 2
            + self.n.children * 2
            + self.n.relationships * 2
            + self.n.stays
            + self.n.cases * 4
            + self.n.meetings
            + self.n.info_sessions * 11
            + self.n.groups * 12
        )
        self.progress = progress or Progress(total, stream=io.StringIO())
        self.progress.total = total
        self.result = Result()

    # -- helpers --------------------------------------------------------------------------------

    def first_name(self) -> str:
        return self.rng.choice(FIRST_A) + self.rng.choice(FIRST_B)

    def last_name(self) -> str:
        return self.rng.choice(LAST_A) + self.rng.choice(LAST_B)

    def phone(self) -> str:
        return f"040 000 {self.rng.randrange(10_000):04d}"

    def at(self, day: datetime.date, hour: int = 17, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def insert(self, model, objs: Iterable, weight: int = 1) -> list:
        """bulk_create in batches; returns the saved objects (with primary keys)."""
        saved = []
        self.progress.step(model._meta.verbose_name_plural)
        for batch in _batched(objs, BATCH):
            saved.extend(model.objects.bulk_create(batch))
            self.progress.advance(len(batch) * weight)
        self.result.counts[model.__name__] = self.result.counts.get(model.__name__, 0) + len(saved)
        return saved

    # -- the data -------------------------------------------------------------------------------

    def users(self):
        User = get_user_model()
        prefix = f"large-{self.run}"
        coordinator = User(
            username=f"{prefix}-coordinator",
            first_name=self.first_name(),
            last_name=self.last_name(),
            email=f"{prefix}-coordinator@example.org",
            is_staff=True,
        )
        coordinator.set_unusable_password()
        workers = []
        for i in range(self.n.workers):
            worker = User(
                username=f"{prefix}-worker-{i:03d}",
                first_name=self.first_name(),
                last_name=self.last_name(),
                email=f"{prefix}-worker-{i:03d}@example.org",
            )
            worker.set_unusable_password()
            workers.append(worker)
        saved = User.objects.bulk_create([coordinator, *workers])
        self.coordinator, self.workers = saved[0], saved[1:]
        Group.objects.get(name=COORDINATORS).user_set.add(self.coordinator)
        Group.objects.get(name=SUPPORT_WORKERS).user_set.add(*self.workers)
        # The first worker is the busiest: 2.5 % of all relationships and cases (about 75 open
        # relationships and 125 cases at scale 1, a heavy but real case load).
        self.busy_worker = self.workers[0]
        self.result.busy_worker = self.busy_worker.username
        self.result.coordinator = self.coordinator.username

    def pick_worker(self):
        if self.rng.random() < 0.025 or len(self.workers) == 1:
            return self.busy_worker
        return self.rng.choice(self.workers[1:])

    def households(self):
        statuses = []
        for status, share in FAMILY_MIX:
            statuses += [status] * round(share * self.n.households)
        while len(statuses) < self.n.households:
            statuses.append("active")
        statuses = statuses[: self.n.households]
        self.rng.shuffle(statuses)

        def rows():
            for i, status in enumerate(statuses):
                first, last = self.first_name(), self.last_name()
                low = self.rng.choice([0, 0, 3, 6])
                high = self.rng.choice([12, 15, 17, 17])
                checked = status in ("approved", "active", "on_hold", "ended")
                yield SupportFamily(
                    status=status,
                    contact_name=f"{first} {last}",
                    email=f"perhe.{self.run}.{i}@example.org",
                    phone=self.phone(),
                    contact_language=self.rng.choice(["fi", "fi", "fi", "sv", "en"]),
                    street_address=f"{self.last_name()}tie {self.rng.randint(1, 80)}",
                    postal_code=f"0{self.rng.randint(1000, 9999)}",
                    municipality=self.rng.choice(MUNICIPALITIES),
                    languages=sorted({"fi", self.rng.choice(LANGUAGES)}),
                    has_pets=self.rng.random() < 0.3,
                    child_age_min=low,
                    child_age_max=high,
                    max_children=self.rng.choice([1, 1, 1, 2, 2, 3]),
                    frequency=self.rng.choice(["weekend_month", "two_weekends_month", "flexible"]),
                    commitment_acknowledged=True,
                    consent_given_at=self.now - datetime.timedelta(days=self.rng.randint(30, 2000)),
                    application_submitted_at=self.now
                    - datetime.timedelta(days=self.rng.randint(30, 2000)),
                    criminal_record_checked_on=self.days_ago(30, 1500) if checked else None,
                    criminal_record_checked_by=self.coordinator if checked else None,
                )

        self.families = self.insert(SupportFamily, rows())
        self.spread_waiting_times()
        # The readiness checklist reads its checks, not the household's extract fields.
        extract = extract_item()
        self.insert(
            ReadinessCheck,
            (
                ReadinessCheck(
                    family=family,
                    item=extract,
                    checked_on=family.criminal_record_checked_on,
                    checked_by=family.criminal_record_checked_by,
                )
                for family in self.families
                if family.criminal_record_checked_on
            ),
            weight=0,
        )

        def changes():
            for family in self.families:
                path = FAMILY_PATHS[family.status]
                previous = ""
                for step in path:
                    yield FamilyStatusChange(
                        family=family,
                        from_status=previous,
                        to_status=step,
                        changed_by=None if step == "applied" else self.coordinator,
                    )
                    previous = step

        self.insert(FamilyStatusChange, changes(), weight=0)
        self.progress.advance(self.n.households)

    def spread_waiting_times(self):
        """bulk_create stamps every household's `status_changed_at` with the seed's moment
        (auto_now_add), so every approved household would have waited no time at all, the same
        for all: spread them over two and a half years, as a programme's are (the suggestions
        rank equal scores by it). One UPDATE per day; a stream of its own, so the rest of the
        data stays the same for the same seed."""
        rng = random.Random(f"waiting-{self.seed}")
        by_day: dict[int, list[int]] = {}
        for family in self.families:
            by_day.setdefault(rng.randint(7, 900), []).append(family.pk)
        for days, pks in by_day.items():
            SupportFamily.objects.filter(pk__in=pks).update(
                status_changed_at=self.now - datetime.timedelta(days=days)
            )

    def children(self):
        n = self.n.children
        n_rel = self.n.relationships
        # Open relationships: 75 % of all; the rest ended. A tenth of the children with an open
        # relationship had an earlier, ended one; children whose only relationship ended are
        # "ended"; the others wait.
        self.n_open = round(n_rel * 0.75)
        n_ended = n_rel - self.n_open
        self.n_open = min(self.n_open, n)
        earlier = min(round(self.n_open * 0.2), n_ended)
        ended_only = min(n_ended - earlier, n - self.n_open)
        statuses = (
            ["matched"] * self.n_open
            + ["ended"] * ended_only
            + ["waiting"] * (n - self.n_open - ended_only)
        )
        self.n_earlier = earlier

        def rows():
            for status in statuses:
                age_days = self.rng.randint(365 * 2, 365 * 16)
                birth = self.today - datetime.timedelta(days=age_days)
                waiting = birth + datetime.timedelta(days=self.rng.randint(365, age_days))
                if status == "waiting":
                    waiting = max(birth, self.days_ago(0, 400))
                else:
                    waiting = min(waiting, self.today - datetime.timedelta(days=1400))
                    waiting = max(waiting, birth)
                yield Child(
                    first_name=self.first_name(),
                    last_name=self.last_name(),
                    birth_date=birth,
                    municipality=self.rng.choice(MUNICIPALITIES),
                    languages=["fi"] if self.rng.random() < 0.8 else ["fi", "ru"],
                    enjoys=self.rng.choice(["Pallopelit", "Piirtäminen", "Luonto", "Lukeminen"]),
                    has_animal_allergy=self.rng.random() < 0.1,
                    status=status,
                    waiting_since=waiting,
                )

        self.children_rows = self.insert(Child, rows())

        def guardians():
            for child in self.children_rows:
                yield Guardian(
                    child=child,
                    name=f"{self.first_name()} {child.last_name}",
                    relation="Äiti" if self.rng.random() < 0.6 else "Isä",
                    phone=self.phone(),
                )

        self.insert(Guardian, guardians(), weight=0)

        def referrals():
            for child in self.children_rows:
                yield Referral(
                    child=child,
                    source=self.rng.choice(["child_welfare", "preventive", "family"]),
                    referred_on=child.waiting_since,
                    guardians_consent=True,
                )

        self.insert(Referral, referrals(), weight=0)
        self.progress.advance(self.n.children)

    def relationships(self):
        # Places: active households hold open relationships up to their max_children.
        active = [f for f in self.families if f.status == "active"]
        places = []
        for family in active:
            places += [family] * family.max_children
        self.rng.shuffle(places)
        ended_families = [f for f in self.families if f.status in ("active", "ended", "on_hold")]
        matched = [c for c in self.children_rows if c.status == "matched"]
        ended_children = [c for c in self.children_rows if c.status == "ended"]
        stays_per = self.n.stays / max(self.n.relationships, 1)
        interval_days = 21
        span_days = int(stays_per * interval_days) + 30

        plan = []  # (child, family, status, start, end)
        for i, child in enumerate(matched):
            family = places[i % len(places)] if places else self.rng.choice(active)
            start = self.today - datetime.timedelta(days=span_days + self.rng.randint(0, 60))
            status = "paused" if self.rng.random() < 0.05 else "active"
            if i < self.n_earlier:
                earlier_start = start - datetime.timedelta(days=span_days + 60)
                plan.append(
                    (
                        child,
                        self.rng.choice(ended_families),
                        "ended",
                        earlier_start,
                        start - datetime.timedelta(days=30),
                    )
                )
            plan.append((child, family, status, start, None))
        for child in ended_children:
            start = self.today - datetime.timedelta(days=2 * span_days + self.rng.randint(0, 90))
            plan.append(
                (
                    child,
                    self.rng.choice(ended_families),
                    "ended",
                    start,
                    start + datetime.timedelta(days=span_days),
                )
            )

        def rows():
            for child, family, status, start, end in plan:
                yield SupportRelationship(
                    child=child,
                    family=family,
                    support_worker=self.pick_worker(),
                    start_date=start,
                    review_date=review_date_for(start),
                    rhythm="Yksi viikonloppu kuukaudessa",
                    status=status,
                    end_date=end,
                    end_reason="Lapsen tilanne muuttui." if status == "ended" else "",
                    end_cause=self.rng.choice(END_CAUSES) if status == "ended" else "",
                    end_initiator=self.rng.choice(END_INITIATORS) if status == "ended" else "",
                    created_by=self.coordinator,
                )

        self.relationships_rows = self.insert(SupportRelationship, rows())

        def changes():
            for rel in self.relationships_rows:
                yield RelationshipStatusChange(
                    relationship=rel, from_status="", to_status="active", changed_by=rel.created_by
                )
                if rel.status != "active":
                    yield RelationshipStatusChange(
                        relationship=rel,
                        from_status="active",
                        to_status=rel.status,
                        changed_by=self.coordinator,
                        note=rel.end_reason,
                    )

        self.insert(RelationshipStatusChange, changes(), weight=0)
        self.progress.advance(len(self.relationships_rows))
        self.interval_days = interval_days

    def stays(self):
        rels = self.relationships_rows
        total = self.n.stays
        base, extra = divmod(total, len(rels))

        def rows():
            for index, rel in enumerate(rels):
                count = base + (1 if index < extra else 0)
                last_day = rel.end_date or (self.today - datetime.timedelta(days=3))
                # Weekends backwards from the last day, every three weeks: never overlapping.
                day = last_day - datetime.timedelta(days=(last_day.weekday() - 4) % 7 + 2)
                for _ in range(count):
                    if day < rel.start_date:
                        break
                    starts = self.at(day, 17)
                    nights = self.rng.choice([1, 2, 2, 2])
                    yield Stay(
                        relationship=rel,
                        starts_at=starts,
                        ends_at=self.at(day + datetime.timedelta(days=nights), 16),
                        nights=nights,
                        logged_by=rel.support_worker,
                    )
                    day -= datetime.timedelta(days=self.interval_days)

        self.insert(Stay, rows())

    def cases(self):
        n = self.n.cases
        statuses = self.rng.choices(
            ["new", "active", "closed", "followed_up"], weights=[5, 15, 35, 45], k=n
        )
        # Meetings: none for new cases, 1–5 for the others, about `meetings` in all.
        with_meetings = sum(1 for s in statuses if s != "new")
        mean = self.n.meetings / max(with_meetings, 1)
        self.case_plan = []
        for status in statuses:
            meetings = 0 if status == "new" else max(1, min(5, round(self.rng.gauss(mean, 1.1))))
            self.case_plan.append((status, meetings))

        def requests():
            for i, (_status, _m) in enumerate(self.case_plan):
                role = self.rng.choice(["parent", "parent", "relative", "professional"])
                yield MeetingRequest(
                    status="case_opened",
                    contact_role=role,
                    name=f"{self.first_name()} {self.last_name()}",
                    phone=self.phone(),
                    email=f"pyynto.{self.run}.{i}@example.org",
                    contact_channel="call",
                    municipality=self.rng.choice(MUNICIPALITIES),
                    question="Haluamme apua arjen järjestämiseen.",
                    preferred_mode=self.rng.choice(["face_to_face", "phone", "online"]),
                    family_agreed=True,
                    handled_by=self.coordinator,
                    handled_at=self.now,
                )

        self.requests_rows = self.insert(MeetingRequest, requests())

        def rows():
            plans = zip(self.requests_rows, self.case_plan, strict=True)
            for request, (status, _meetings) in plans:
                if status in ("new", "active"):
                    opened = self.days_ago(1, 120)
                    closed = None
                elif status == "closed":
                    opened = self.days_ago(120, 300)
                    closed = opened + datetime.timedelta(days=self.rng.randint(30, 100))
                else:
                    opened = self.days_ago(300, 1400)
                    closed = opened + datetime.timedelta(days=self.rng.randint(30, 100))
                yield SupportCase(
                    status=status,
                    opened_on=opened,
                    closed_on=closed,
                    opened_by=self.coordinator,
                    request=request,
                    source=request.contact_role,
                    support_worker=self.pick_worker(),
                    question=request.question,
                    preferred_mode=request.preferred_mode,
                    municipality=request.municipality,
                )

        self.cases_rows = self.insert(SupportCase, rows())

        def contacts():
            for case, request in zip(self.cases_rows, self.requests_rows, strict=True):
                yield ContactAdult(
                    case=case, name=request.name, relation="Äiti", phone=request.phone
                )

        self.insert(ContactAdult, contacts(), weight=0)

        def changes():
            paths = {
                "new": ["new"],
                "active": ["new", "active"],
                "closed": ["new", "active", "closed"],
                "followed_up": ["new", "active", "closed", "followed_up"],
            }
            for case in self.cases_rows:
                previous = ""
                for step in paths[case.status]:
                    yield CaseStatusChange(
                        case=case, from_status=previous, to_status=step, changed_by=self.coordinator
                    )
                    previous = step

        self.insert(CaseStatusChange, changes(), weight=0)
        self.progress.advance(n)

    def meetings(self):
        def rows():
            for case, (_status, count) in zip(self.cases_rows, self.case_plan, strict=True):
                last = case.closed_on or self.today
                span = max((last - case.opened_on).days, count)
                for number in range(1, count + 1):
                    day = case.opened_on + datetime.timedelta(days=span * (number - 1) // count)
                    yield Meeting(
                        case=case,
                        number=number,
                        starts_at=self.at(day, self.rng.choice([9, 10, 13, 15])),
                        mode=case.preferred_mode,
                        duration_minutes=self.rng.choice([45, 60, 90]),
                        topics=self.rng.sample(TOPICS, 2),
                        notes="Käytiin tilanne läpi yhdessä.",
                        logged_by=case.support_worker,
                    )

        self.insert(Meeting, rows())

        with_meetings = [c for c, (_s, m) in zip(self.cases_rows, self.case_plan) if m]  # noqa: B905
        self.insert(
            Assessment,
            (
                Assessment(
                    case=case,
                    life_situation="Perheessä on kaksi lasta.",
                    family_question=case.question,
                    written_by=case.support_worker,
                )
                for case in with_meetings
            ),
            weight=0,
        )
        closed = [c for c in self.cases_rows if c.status in ("closed", "followed_up")]
        self.insert(
            Plan,
            (
                Plan(
                    case=case,
                    next_steps="Perhe hakee kotipalvelua.",
                    written_by=case.support_worker,
                )
                for case in closed
            ),
            weight=0,
        )

        def follow_ups():
            for case in closed:
                done = case.status == "followed_up"
                yield FollowUp(
                    case=case,
                    due_on=case.closed_on + datetime.timedelta(days=182),
                    done_on=case.closed_on + datetime.timedelta(days=190) if done else None,
                    outcome=self.rng.randint(2, 4) if done else None,
                    recorded_by=case.support_worker if done else None,
                )

        self.insert(FollowUp, follow_ups(), weight=0)
        self.progress.advance(self.n.cases * 2)

    def trainings(self):
        n = self.n.info_sessions

        def sessions():
            # Weekly, from about four years ago to a year ahead; every twentieth cancelled.
            first = self.today - datetime.timedelta(weeks=max(n - 52, 0))
            for i in range(n):
                day = first + datetime.timedelta(weeks=i)
                starts = self.at(day, 18)
                yield InfoSession(
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=1, minutes=30),
                    online_link="https://meet.example.org/info",
                    capacity=self.rng.choice([None, 30, 40]),
                    language=self.rng.choice(["fi", "fi", "fi", "sv", "en"]),
                    status="cancelled" if i % 20 == 19 else "scheduled",
                )

        self.sessions = self.insert(InfoSession, sessions())
        candidates = list(self.families)

        def registrations():
            for session in self.sessions:
                k = min(10, len(candidates))
                for family in self.rng.sample(candidates, k):
                    yield Registration(
                        session=session,
                        family=family,
                        attended=session.starts_at < self.now and self.rng.random() < 0.8,
                        status="registered" if self.rng.random() < 0.9 else "cancelled",
                    )

        self.insert(Registration, registrations())

        g = self.n.groups

        def groups():
            for i in range(g):
                yield TrainingGroup(
                    name=f"Valmennusryhmä {self.run}-{i + 1}",
                    capacity=8,
                    language=self.rng.choice(["fi", "fi", "sv"]),
                    status="cancelled" if i % 25 == 24 else "published",
                )

        self.groups = self.insert(TrainingGroup, groups())
        first = self.today - datetime.timedelta(weeks=max(2 * g - 20, 0))

        def group_sessions():
            for i, group in enumerate(self.groups):
                day = first + datetime.timedelta(weeks=2 * i)
                for k in range(3):
                    starts = self.at(day + datetime.timedelta(days=7 * k), 17, 30)
                    yield TrainingSession(
                        group=group,
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=3),
                        status="cancelled" if group.status == "cancelled" else "scheduled",
                    )

        self.insert(TrainingSession, group_sessions())
        trained = [
            f for f in self.families if f.status in ("trained", "approved", "active", "ended")
        ]
        learners = [f for f in self.families if f.status == "in_training"]

        def enrollments():
            for i, group in enumerate(self.groups):
                past = first + datetime.timedelta(weeks=2 * i + 3) < self.today
                pool = trained if past else learners
                if group.status == "cancelled" or not pool:
                    continue
                for family in self.rng.sample(pool, min(8, len(pool))):
                    yield Enrollment(
                        group=group,
                        family=family,
                        status="completed" if past else "enrolled",
                        status_changed_by=self.coordinator if past else None,
                    )

        self.insert(Enrollment, enrollments(), weight=0)
        self.progress.advance(g * 8)

    def run_all(self) -> Result:
        started = time.monotonic()
        steps: list[Callable[[], None]] = [
            self.users,
            self.households,
            self.children,
            self.relationships,
            self.stays,
            self.cases,
            self.meetings,
            self.trainings,
        ]
        with transaction.atomic():
            for step in steps:
                step()
            # Bulk inserts send no signals: forget the cached public lists and the dashboard's
            # counts.
            listings_changed()
            dashboard_changed()
        self.progress.finish()
        self.result.seconds = time.monotonic() - started
        return self.result


def generate(scale: float, *, seed: int = 2026, progress: Progress | None = None) -> Result:
    """Write the data set; returns counts per model, the time taken and the users' names."""
    return Generator(scale, seed=seed, progress=progress).run_all()
