"""The admin's list of apps (index and navigation) is cached per user and follows permissions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from kalliola.roles import COORDINATORS

pytestmark = pytest.mark.django_db


def url(name):
    with translation.override("en"):
        return reverse(name)


HOUSEHOLDS = url("admin:families_supportfamily_changelist")
CHILDREN = url("admin:families_child_changelist")
FOLLOW_UPS = url("admin:meetings_followup_changelist")


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def sidebar(client, address) -> str:
    html = client.get(address).content.decode()
    start = html.index('<nav class="sticky" id="nav-sidebar"')
    return html[start : html.index("</nav>", start)]


def test_the_navigation_marks_the_page_it_is_on(admin_client):
    households = sidebar(admin_client, HOUSEHOLDS)
    assert f'<a href="{HOUSEHOLDS}" aria-current="page">' in households
    children = sidebar(admin_client, CHILDREN)
    assert f'<a href="{CHILDREN}" aria-current="page">' in children
    assert f'<a href="{HOUSEHOLDS}" aria-current="page">' not in children
    assert f'<a href="{HOUSEHOLDS}" aria-current="page">' in sidebar(admin_client, HOUSEHOLDS)


def test_the_navigation_follows_the_groups_permissions(admin_client):
    assert f'href="{FOLLOW_UPS}"' in sidebar(admin_client, HOUSEHOLDS)
    group = Group.objects.get(name=COORDINATORS)
    group.permissions.remove(*Permission.objects.filter(codename__endswith="_followup"))
    assert f'href="{FOLLOW_UPS}"' not in sidebar(admin_client, HOUSEHOLDS)


def test_each_user_has_their_own_app_list(client, admin_client, coordinator):
    assert f'href="{FOLLOW_UPS}"' in sidebar(admin_client, HOUSEHOLDS)
    superuser = type(coordinator).objects.create_superuser("root", "root@example.org", "x")
    Group.objects.get(name=COORDINATORS).user_set.add(superuser)  # the admin is for coordinators
    client.force_login(superuser)
    assert f'href="{url("admin:auth_group_changelist")}"' in sidebar(client, HOUSEHOLDS)
    admin_client.force_login(coordinator)
    assert f'href="{url("admin:auth_group_changelist")}"' not in sidebar(admin_client, HOUSEHOLDS)
