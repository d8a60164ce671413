"""Seed the public pages' texts and a fictional coordinator contact in each language.

Coordinators replace the contact in the admin (Programme › Public page texts and contacts).
"""

from django.db import migrations
from django.utils import translation

from kalliola.site_content import (
    DEFAULT_CHILDREN,
    DEFAULT_CONTACT,
    DEFAULT_EXPECTATIONS,
    DEFAULT_FAQ,
    DEFAULT_OFFER,
)

LANGUAGES = ("fi", "sv", "en")


def seed(apps, schema_editor):
    SiteContent = apps.get_model("kalliola", "SiteContent")
    FaqItem = apps.get_model("kalliola", "FaqItem")
    for language in LANGUAGES:
        if SiteContent.objects.filter(language=language).exists():
            continue
        with translation.override(language):
            content = SiteContent.objects.create(
                language=language,
                children=str(DEFAULT_CHILDREN),
                expectations=str(DEFAULT_EXPECTATIONS),
                offer=str(DEFAULT_OFFER),
                **DEFAULT_CONTACT,
            )
            FaqItem.objects.bulk_create(
                FaqItem(content=content, question=str(q), answer=str(a), position=n)
                for n, (q, a) in enumerate(DEFAULT_FAQ, start=1)
            )


def unseed(apps, schema_editor):
    apps.get_model("kalliola", "SiteContent").objects.filter(language__in=LANGUAGES).delete()


class Migration(migrations.Migration):
    dependencies = [("kalliola", "0003_site_content_and_accessibility_feedback")]

    operations = [migrations.RunPython(seed, unseed)]
