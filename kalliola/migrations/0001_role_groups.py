from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_role_groups(apps, schema_editor):
    from kalliola.roles import sync_role_groups

    # Permissions are normally created after the whole migrate run; make those of the models
    # migrated so far now, so the groups hold them. Later models reach the groups through
    # kalliola.roles.sync_after_migrate.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_role_groups(apps, schema_editor):
    from kalliola.roles import COORDINATORS, SUPPORT_WORKERS

    apps.get_model("auth", "Group").objects.filter(name__in=[COORDINATORS, SUPPORT_WORKERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
