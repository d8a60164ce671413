"""Seed the public pages' texts and a fictional coordinator contact in each language.

Coordinators replace the contact in the admin (Programme › Public page texts and contacts).
"""

from django.db import migrations

from kalliola.site_content import SEEDED_LANGUAGES, seed_site_content


def seed(apps, schema_editor):
    seed_site_content(
        apps.get_model("kalliola", "SiteContent"),
        apps.get_model("kalliola", "FaqItem"),
        schema_editor.connection.alias,
    )


def unseed(apps, schema_editor):
    apps.get_model("kalliola", "SiteContent").objects.filter(language__in=SEEDED_LANGUAGES).delete()


class Migration(migrations.Migration):
    dependencies = [("kalliola", "0003_site_content_and_accessibility_feedback")]

    operations = [migrations.RunPython(seed, unseed)]
