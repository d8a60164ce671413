"""Audit trail: who created, changed, deleted or opened which record; readable, never editable."""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib import admin
from django.test import RequestFactory
from django.urls import path

from families.models import Child, FamilyStatusChange, Guardian, Referral, SupportFamily
from kalliola import audit
from kalliola.audit import AuditedViewAdminMixin, record_view, views_of
from programme.urls import urlpatterns as site_urlpatterns
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.users import UserFactory
from tests.helpers import ON_POSTGRESQL
from tests.kalliola.test_security_headers import inline_code

# A throwaway admin using the mixin, mounted next to the real site for these tests only.
test_site = admin.AdminSite(name="audit_test_admin")


class AuditedFamilyAdmin(AuditedViewAdminMixin, admin.ModelAdmin):
    fields = ["contact_name"]


test_site.register(SupportFamily, AuditedFamilyAdmin)
urlpatterns = [*site_urlpatterns, path("audit-test-admin/", test_site.urls)]

TRAIL = "/en/admin/auditlog/logentry/"

requires_child_rows = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="Child's birth-date CHECK constraint uses NOW(), which SQLite refuses to store; "
    "these rows can only be created on PostgreSQL (CI).",
)


@pytest.fixture
def audit_admin(settings):
    settings.ROOT_URLCONF = __name__


def entries_for(obj, action=None):
    entries = LogEntry.objects.get_for_object(obj)
    if action is not None:
        entries = entries.filter(action=action)
    return entries


def test_families_models_are_audited_but_the_status_log_is_not():
    for model in (SupportFamily, Child, Guardian, Referral):
        assert auditlog.contains(model), model
    assert not auditlog.contains(FamilyStatusChange)


def test_labels_of_models_not_built_yet_are_skipped():
    assert audit.register_models(["families.NoSuchModel", "noapp.Thing"]) == []
    # Registering twice is harmless and returns the model.
    assert audit.register_models(["families.SupportFamily"]) == [SupportFamily]


def test_create_change_and_delete_are_recorded_with_who(db, coordinator):
    with set_actor(coordinator):
        family = SupportFamilyFactory(contact_name="Virtanen")
        family.contact_name = "Virtanen-Korhonen"
        family.save()
        pk = family.pk
        family.delete()

    entries = LogEntry.objects.filter(
        content_type__model="supportfamily", object_pk=str(pk)
    ).order_by("pk")
    assert [e.action for e in entries] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert {e.actor for e in entries} == {coordinator}
    assert entries[1].changes_dict["contact_name"] == ["Virtanen", "Virtanen-Korhonen"]
    # The time stamp that changes on every save is not noise in the trail.
    assert "updated_at" not in entries[1].changes_dict


def test_saving_without_changes_adds_nothing(db):
    family = SupportFamilyFactory()
    before = entries_for(family).count()
    family.save()
    assert entries_for(family).count() == before


def test_change_through_the_admin_records_the_signed_in_user(client, coordinator, audit_admin):
    family = SupportFamilyFactory(contact_name="Virtanen")
    client.force_login(coordinator)
    response = client.post(
        f"/audit-test-admin/families/supportfamily/{family.pk}/change/",
        {"contact_name": "Laine"},
    )
    assert response.status_code == 302
    update = entries_for(family, LogEntry.Action.UPDATE).get()
    assert update.actor == coordinator
    assert update.changes_dict["contact_name"] == ["Virtanen", "Laine"]


def test_delete_through_the_admin_records_the_signed_in_user(client, coordinator, audit_admin):
    family = SupportFamilyFactory()
    pk = family.pk
    client.force_login(coordinator)
    response = client.post(
        f"/audit-test-admin/families/supportfamily/{pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not SupportFamily.objects.filter(pk=pk).exists()
    deleted = LogEntry.objects.get(
        content_type__model="supportfamily", object_pk=str(pk), action=LogEntry.Action.DELETE
    )
    assert deleted.actor == coordinator


def test_opening_a_change_page_records_a_view(client, coordinator, audit_admin):
    family = SupportFamilyFactory()
    client.force_login(coordinator)
    url = f"/audit-test-admin/families/supportfamily/{family.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    views = views_of(family)
    assert views.count() == 2
    assert {v.actor for v in views} == {coordinator}


def test_lists_and_add_pages_record_no_view(client, coordinator, audit_admin):
    SupportFamilyFactory()
    client.force_login(coordinator)
    assert client.get("/audit-test-admin/families/supportfamily/").status_code == 200
    assert client.get("/audit-test-admin/families/supportfamily/add/").status_code == 200
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_record_view_writes_an_access_entry_for_the_user(db, support_worker):
    family = SupportFamilyFactory()
    request = RequestFactory().get("/tyo/")
    request.user = support_worker
    entry = record_view(request, family)
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.actor == support_worker
    assert entry.object_id == family.pk
    assert list(views_of(family)) == [entry]


@requires_child_rows
def test_children_guardians_and_referrals_are_recorded(db, coordinator):
    with set_actor(coordinator):
        child = ChildFactory(first_name="Aino")
        guardian = Guardian.objects.create(child=child, name="Liisa", relation="äiti")
        referral = Referral.objects.create(
            child=child, source="child_welfare", referred_on=datetime.date(2026, 1, 5)
        )
        child.needs = "Aikuinen, joka ehtii kuunnella."
        child.save()
        guardian.delete()
    assert entries_for(child, LogEntry.Action.CREATE).get().actor == coordinator
    assert "needs" in entries_for(child, LogEntry.Action.UPDATE).get().changes_dict
    assert entries_for(referral, LogEntry.Action.CREATE).exists()
    assert LogEntry.objects.filter(
        content_type__model="guardian", action=LogEntry.Action.DELETE
    ).exists()


# The trail in the admin: coordinators read it, nobody edits it.


@pytest.fixture
def entry(db, coordinator):
    with set_actor(coordinator):
        family = SupportFamilyFactory()
    return entries_for(family, LogEntry.Action.CREATE).get()


def test_coordinator_reads_the_trail(client, coordinator, entry):
    client.force_login(coordinator)
    listing = client.get(TRAIL)
    assert listing.status_code == 200
    assert entry.object_repr in listing.content.decode()
    detail = client.get(f"{TRAIL}{entry.pk}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert 'name="_save"' not in html
    assert "deletelink" not in html
    # The change table auditlog draws works under our Content-Security-Policy.
    assert inline_code(html) == []
    assert inline_code(listing.content.decode()) == []


@pytest.mark.parametrize("role", ["coordinator", "superuser"])
def test_nobody_adds_changes_or_deletes_trail_entries(client, coordinator, entry, role):
    user = coordinator if role == "coordinator" else UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    assert client.get(f"{TRAIL}add/").status_code == 403
    assert client.post(f"{TRAIL}add/", {"action": 0}).status_code == 403
    assert client.post(f"{TRAIL}{entry.pk}/change/", {"object_repr": "x"}).status_code == 403
    assert client.get(f"{TRAIL}{entry.pk}/delete/").status_code == 403
    assert client.post(f"{TRAIL}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(
        TRAIL, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.object_repr != "x"
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_support_workers_do_not_see_the_trail(client, support_worker, entry):
    support_worker.is_staff = True  # even with admin access
    support_worker.save()
    client.force_login(support_worker)
    # The admin lets in coordinators only (kalliola/admin.py): its login page, not even a 403.
    for url in (TRAIL, f"{TRAIL}{entry.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("rows", [10, 200])
def test_trail_list_query_count_does_not_grow(
    client, coordinator, django_assert_max_num_queries, rows
):
    with set_actor(coordinator):
        families = SupportFamilyFactory.create_batch(rows // 2)
        for family in families:
            family.contact_name += " muutettu"
            family.save()
    assert LogEntry.objects.count() >= rows
    client.force_login(coordinator)
    # 15: includes the two-factor device looked up on every signed-in request (kalliola.otp).
    with django_assert_max_num_queries(15):
        response = client.get(TRAIL)
    assert response.status_code == 200


def test_detail_view_mixin_records_gets_only(db, support_worker):
    from django.http import Http404
    from django.views.generic import DetailView

    from kalliola.audit import RecordViewMixin

    class FamilyDetail(RecordViewMixin, DetailView):
        model = SupportFamily
        template_name = "kalliola/privacy.html"

        def get_queryset(self):
            return SupportFamily.objects.filter(contact_name__startswith="Oma")

    own = SupportFamilyFactory(contact_name="Oma perhe")
    other = SupportFamilyFactory(contact_name="Toinen perhe")
    factory = RequestFactory()

    request = factory.get("/")
    request.user = support_worker
    assert FamilyDetail.as_view()(request, pk=own.pk).status_code == 200
    assert views_of(own).get().actor == support_worker

    with pytest.raises(Http404):
        FamilyDetail.as_view()(request, pk=other.pk)
    assert not views_of(other).exists()

    post = factory.post("/")
    post.user = support_worker
    view = FamilyDetail()
    view.setup(post, pk=own.pk)
    view.get_object()
    assert views_of(own).count() == 1
