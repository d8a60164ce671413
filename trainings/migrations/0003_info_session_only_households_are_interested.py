"""A household that only signed up for an info session was stored as *applied* and listed as a
new application; it is *interested* (issue 16). The step is recorded in its history."""

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone

NOTE = "Vain infotilaisuuteen ilmoittautuminen, ei hakemusta."


def mark_interested(apps, schema_editor):
    SupportFamily = apps.get_model("families", "SupportFamily")
    FamilyStatusChange = apps.get_model("families", "FamilyStatusChange")
    Registration = apps.get_model("trainings", "Registration")
    Enrollment = apps.get_model("trainings", "Enrollment")
    households = SupportFamily.objects.filter(
        status="applied", application_submitted_at__isnull=True, anonymised_at__isnull=True
    ).filter(
        Exists(Registration.objects.filter(family=OuterRef("pk"))),
        ~Exists(Enrollment.objects.filter(family=OuterRef("pk"))),
    )
    now = timezone.now()
    for family in households:
        FamilyStatusChange.objects.create(
            family=family, from_status="applied", to_status="interested", note=NOTE
        )
        family.status = "interested"
        family.status_changed_at = now
        family.save(update_fields=["status", "status_changed_at", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0002_group_format_and_location"),
        ("families", "0011_interested_and_accepted_statuses"),
    ]

    operations = [migrations.RunPython(mark_interested, migrations.RunPython.noop)]
