"""The two staff roles and what each may do.

Groups are created by a data migration and kept in step after every `migrate`, so permissions of
models added later reach the groups without hand work. Object-level scoping (a support worker
sees only their own relationships and cases) is enforced in querysets, not here.
"""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AnonymousUser, Group
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kalliola.access import role_names

# The stored group names, which code looks up; people see them translated (group_label).
COORDINATORS = "Coordinators"
SUPPORT_WORKERS = "Support workers"
ROLE_LABELS = {COORDINATORS: _("Coordinators"), SUPPORT_WORKERS: _("Support workers")}

# Coordinators run the programme: every permission on the programme's own apps.
COORDINATOR_APPS = ("families", "trainings", "meetings", "kalliola")
COORDINATOR_EXTRA = ("auth.view_user", "auditlog.view_logentry")

# Support workers log their own visits, stays and meetings; they never add or delete households,
# children or cases and never see the programme's other records.
SUPPORT_WORKER_PERMISSIONS = (
    "families.view_supportrelationship",
    "families.view_child",
    "families.view_supportfamily",
    "families.view_stay",
    "families.add_stay",
    "families.change_stay",
    "families.view_supervisioncontact",
    "families.add_supervisioncontact",
    "families.view_checkin",
    "families.add_checkin",
    "meetings.view_supportcase",
    "meetings.change_supportcase",
    "meetings.view_meeting",
    "meetings.add_meeting",
    "meetings.change_meeting",
    "meetings.view_assessment",
    "meetings.add_assessment",
    "meetings.change_assessment",
    "meetings.view_plan",
    "meetings.add_plan",
    "meetings.change_plan",
    "meetings.view_servicereferral",
    "meetings.add_servicereferral",
    "meetings.change_servicereferral",
    "meetings.view_followup",
    "meetings.change_followup",
)


def _split(dotted: str) -> tuple[str, str]:
    app_label, codename = dotted.split(".", 1)
    return app_label, codename


def permissions_for(role: str, permission_model) -> list:
    """The permissions a role should hold, of those that exist now."""
    from django.db.models import Q

    if role == COORDINATORS:
        query = Q(content_type__app_label__in=COORDINATOR_APPS)
        wanted = COORDINATOR_EXTRA
    elif role == SUPPORT_WORKERS:
        query = Q(pk__in=[])
        wanted = SUPPORT_WORKER_PERMISSIONS
    else:
        raise ValueError(role)
    for dotted in wanted:
        app_label, codename = _split(dotted)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(permission_model.objects.filter(query))


def sync_role_groups(group_model, permission_model) -> None:
    """Create both groups and give each exactly its permissions (idempotent)."""
    for role in (COORDINATORS, SUPPORT_WORKERS):
        group, _created = group_model.objects.get_or_create(name=role)
        group.permissions.set(permissions_for(role, permission_model))


def sync_after_migrate(sender, **kwargs):
    if sender.label not in COORDINATOR_APPS:
        return
    from django.contrib.auth.models import Permission

    sync_role_groups(Group, Permission)


def group_label(group) -> str:
    """A group's name as people read it: a role in the reader's language (Group.__str__)."""
    return str(ROLE_LABELS.get(group.name, group.name))


def create_staff_user(
    *,
    username: str,
    role: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
):
    """A coordinator (staff, in Coordinators) or a support worker (not staff, in Support workers).

    The password must pass AUTH_PASSWORD_VALIDATORS, judged against this user's own name and
    e-mail; a taken user name is refused. No two-factor device is made: the person enrols an
    authenticator app at the first sign-in. Raises ValidationError with every reason.
    """
    if role not in ROLE_LABELS:
        raise ValueError(role)
    user_model = get_user_model()
    user = user_model(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == COORDINATORS,
    )
    if email:
        validate_email(email)
    user.full_clean(exclude=["password"])  # the user name's form, and that it is free
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
    return user


def is_coordinator(user) -> bool:
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return False
    return user.is_superuser or _in_group(user, COORDINATORS)


def is_support_worker(user) -> bool:
    if not user.is_authenticated:
        return False
    return _in_group(user, SUPPORT_WORKERS)


def _in_group(user, name: str) -> bool:
    # Kept on the user object too, so templates and views can ask many times in one request.
    names = getattr(user, "_role_names", None)
    if names is None:
        names = user._role_names = role_names(user)
    return name in names


def staff_members(*groups: str):
    """Active members of the staff roles (both when none is named), ordered by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=groups or (COORDINATORS, SUPPORT_WORKERS))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def staff_name(user) -> str:
    """How a staff member is named in every list, dropdown and filter: the full name, or the
    user name when no name is stored. "–" for nobody."""
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()


class StaffChoiceField(forms.ModelChoiceField):
    """A dropdown of staff members shown by `staff_name`."""

    def label_from_instance(self, obj):
        return staff_name(obj)
