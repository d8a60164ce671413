"""No personal data in any cache: every admin page and every portal page, rendered as a
coordinator and as the support worker, stores no value that holds a person's name, contact
details or notes.

The world is the access matrix's (tests/privacy/test_access_matrix.py) with one object of every
admin model, plus what the dashboard lists (an application, a waiting child, a meeting request,
a follow-up due). Before anything is rendered, every personal value of every row (names, e-mail
addresses, phone numbers, addresses, notes, the family's question) is replaced by one that
carries MARKER; then every value the pages hand to the cache is pickled as it would be stored,
and none may contain it. Counts, versions, roles and permissions and the admin's list of models
are what the cache may hold.
"""

import datetime
import pickle

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from families.models import (
    CheckIn,
    Child,
    Guardian,
    Referral,
    Stay,
    SupervisionContact,
    SupportFamily,
    SupportRelationship,
)
from meetings.models import (
    Assessment,
    ContactAdult,
    FollowUp,
    Meeting,
    MeetingRequest,
    Plan,
    SupportCase,
)
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.meetings import FollowUpFactory, MeetingRequestFactory
from tests.factories.relationships import StayFactory
from tests.privacy.test_access_matrix import ADMIN_MODELS, PORTAL, World, _build
from trainings.models import HomeVisit

pytestmark = pytest.mark.django_db

MARKER = "Yksityinen"

# Every field of the test data that holds a person's name, contact details or notes.
PERSONAL_FIELDS = {
    SupportFamily: (
        "contact_name",
        "email",
        "phone",
        "second_adult_name",
        "second_adult_email",
        "second_adult_phone",
        "street_address",
        "household_members",
        "wishes",
    ),
    Child: ("first_name", "last_name", "enjoys", "needs", "practical_needs"),
    Guardian: ("name", "phone", "email"),
    Referral: ("referring_worker", "notes"),
    SupportRelationship: ("end_reason",),
    Stay: ("notes",),
    SupervisionContact: ("notes",),
    CheckIn: ("note",),
    MeetingRequest: ("name", "phone", "email", "question"),
    SupportCase: ("question",),
    ContactAdult: ("name", "phone", "email"),
    Meeting: ("notes", "tasks"),
    Assessment: ("life_situation", "family_question"),
    Plan: ("next_steps",),
    FollowUp: ("notes",),
    HomeVisit: ("notes",),
}


def _make_personal(model, field: str, pk: int) -> str:
    value = f"{MARKER}{field.replace('_', '')}{pk}"
    if field.endswith("email"):
        return f"{value}@example.org"
    return value[: model._meta.get_field(field).max_length or None]


def _mark_every_personal_value() -> int:
    """Replace every personal value in the database by one that holds MARKER; the rows changed."""
    changed = 0
    for model, fields in PERSONAL_FIELDS.items():
        for pk in model.objects.values_list("pk", flat=True):
            changed += model.objects.filter(pk=pk).update(
                **{field: _make_personal(model, field, pk) for field in fields}
            )
    return changed


class RecordedCache:
    """What the pages store in the default cache, pickled as a backend would store it."""

    def __init__(self, monkeypatch):
        self.stored: list[tuple[str, bytes]] = []
        backend = caches["default"]
        for name in ("set", "add", "get_or_set", "set_many"):
            monkeypatch.setattr(backend, name, self._recording(getattr(backend, name), name))

    def _recording(self, method, name):
        def record(*args, **kwargs):
            if name == "set_many":
                for key, value in args[0].items():
                    self.stored.append((key, pickle.dumps(value)))
            else:
                value = kwargs.get(
                    "value", kwargs.get("default", args[1] if len(args) > 1 else None)
                )
                self.stored.append((args[0], pickle.dumps(value)))
            return method(*args, **kwargs)

        return record

    def personal(self) -> list[str]:
        return [
            key
            for key, value in self.stored
            if MARKER.encode() in value or MARKER.lower() in str(key).lower()
        ]


@pytest.fixture
def world():
    world = World()
    # What the dashboard and the portal's start page list by name.
    SupportFamilyFactory(status="applied")
    SupportFamilyFactory(status="trained")
    ChildFactory(status="waiting", waiting_since=timezone.localdate())
    MeetingRequestFactory()
    FollowUpFactory(
        case__support_worker=world.worker,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    StayFactory(relationship=world.relationship, starts_at=timezone.now())
    world.admin_objects = {model: _build(world, model) for model in ADMIN_MODELS}
    return world


def _admin_pages(world) -> list[str]:
    pages = [reverse("admin:index")]
    for model, obj in world.admin_objects.items():
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    return pages


def _portal_pages(world) -> list[str]:
    pages = [reverse(name, kwargs=kwargs(world)) for name, (kwargs, _answers) in PORTAL.items()]
    cases = reverse("meetings_portal:cases")
    return [*pages, f"{cases}?tila=all", f"{cases}?tila=closed", f"{cases}?tila=all&sivu=1"]


def _render(client, user, pages) -> str:
    client.force_login(user)
    shown = []
    for page in pages:
        for _twice in range(2):  # the second time from whatever the first one cached
            response = client.get(page)
            assert response.status_code < 500, page
            shown.append(response.content.decode(errors="replace"))
    return "".join(shown)


def test_no_page_stores_a_persons_data_in_the_cache(client, world, monkeypatch):
    assert _mark_every_personal_value() >= len(PERSONAL_FIELDS)
    cache = RecordedCache(monkeypatch)
    shown = _render(client, world.coordinator, [*_admin_pages(world), *_portal_pages(world)])
    shown += _render(client, world.worker, _portal_pages(world))
    # The pages do show personal data (else the test proves nothing) ...
    assert shown.count(MARKER) > 100
    # ... and they did use the cache,
    assert cache.stored
    # ... but none of it went there.
    personal = cache.personal()
    assert not personal, "Stored with personal data:\n" + "\n".join(personal)
