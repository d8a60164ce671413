"""Demo staff accounts for a local demo. All data is fictional."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kalliola.roles import COORDINATORS, SUPPORT_WORKERS

# (username, password, first name, last name, group, is_staff)
DEMO_USERS = (
    ("koordinaattori", "demo-koordinaattori", "Kaisa", "Koordinaattori", COORDINATORS, True),
    ("tyontekija", "demo-tyontekija", "Teemu", "Tukityöntekijä", SUPPORT_WORKERS, False),
    ("tyontekija2", "demo-tyontekija2", "Tiina", "Toinen", SUPPORT_WORKERS, False),
)


def ensure_demo_users() -> dict[str, object]:
    """Create the demo staff once; a second run changes nothing (passwords included)."""
    user_model = get_user_model()
    users = {}
    for username, password, first, last, group_name, is_staff in DEMO_USERS:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": is_staff,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=group_name))
        users[username] = user
    return users
