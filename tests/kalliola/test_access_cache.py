"""Roles and permissions are cached per user (kalliola/access.py) and follow each change at once."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from kalliola.roles import COORDINATORS, SUPPORT_WORKERS

pytestmark = pytest.mark.django_db


def _url(name: str) -> str:
    with translation.override("en"):
        return reverse(name)


HOUSEHOLDS = "admin:families_supportfamily_changelist"


def test_a_coordinator_removed_from_the_group_loses_the_admin_at_once(client, coordinator):
    client.force_login(coordinator)
    assert client.get(_url(HOUSEHOLDS)).status_code == 200
    coordinator.groups.remove(Group.objects.get(name=COORDINATORS))
    response = client.get(_url(HOUSEHOLDS))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_someone_given_the_support_worker_role_opens_the_portal_at_once(client, django_user_model):
    person = django_user_model.objects.create_user("uusi", password="not-used-here-123")
    client.force_login(person)
    assert client.get(_url("families_portal:relationships")).status_code == 403
    Group.objects.get(name=SUPPORT_WORKERS).user_set.add(person)
    assert client.get(_url("families_portal:relationships")).status_code == 200


def test_a_permission_taken_from_the_group_is_refused_on_the_next_request(client, coordinator):
    client.force_login(coordinator)
    assert client.get(_url(HOUSEHOLDS)).status_code == 200
    Group.objects.get(name=COORDINATORS).permissions.remove(
        *Permission.objects.filter(codename__in=["view_supportfamily", "change_supportfamily"])
    )
    assert client.get(_url(HOUSEHOLDS)).status_code == 403


def test_a_deactivated_user_is_signed_out_at_once(client, support_worker):
    client.force_login(support_worker)
    assert client.get(_url("families_portal:relationships")).status_code == 200
    support_worker.is_active = False
    support_worker.save()
    assert client.get(_url("families_portal:relationships")).status_code == 302


def test_repeated_requests_read_no_roles_or_permissions(
    client, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get(_url(HOUSEHOLDS))
    with django_assert_max_num_queries(20) as ctx:
        assert client.get(_url(HOUSEHOLDS)).status_code == 200
    tables = " ".join(query["sql"] for query in ctx.captured_queries)
    assert "auth_permission" not in tables
    assert "auth_user_groups" not in tables
