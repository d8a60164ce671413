from django.contrib.auth.models import Group

from kalliola.roles import COORDINATORS, SUPPORT_WORKERS, is_coordinator, is_support_worker
from programme.demo import ensure_demo_users


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_both_role_groups_exist_after_migrate(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {COORDINATORS, SUPPORT_WORKERS}


def test_coordinators_manage_every_programme_model(db):
    granted = perms(COORDINATORS)
    for action in ("add", "change", "delete", "view"):
        assert f"families.{action}_supportfamily" in granted
        assert f"families.{action}_child" in granted
    assert "auth.view_user" in granted
    assert "auth.change_user" not in granted


def test_support_workers_cannot_add_or_delete_households_or_children(db):
    granted = perms(SUPPORT_WORKERS)
    assert "families.view_child" in granted
    assert "families.add_child" not in granted
    assert "families.delete_supportfamily" not in granted
    assert "families.change_supportfamily" not in granted


def test_demo_users_have_their_roles_and_can_sign_in(client, db):
    users = ensure_demo_users()
    assert is_coordinator(users["koordinaattori"])
    assert not is_coordinator(users["tyontekija"])
    assert is_support_worker(users["tyontekija"])
    assert users["koordinaattori"].is_staff
    assert client.login(username="koordinaattori", password="demo-koordinaattori")
    assert client.get("/admin/").status_code == 200


def test_seed_demo_twice_changes_nothing(db):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo", force=True)
    user_model = get_user_model()
    before = list(user_model.objects.order_by("pk").values_list("pk", "password"))
    call_command("seed_demo", force=True)
    assert list(user_model.objects.order_by("pk").values_list("pk", "password")) == before
