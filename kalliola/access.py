"""Who may do what, cached until it changes.

Every signed-in request asks which roles the user has (kalliola.roles), and every admin page
which permissions and apps (two queries for the permissions alone with Django's ModelBackend).
They change only when a user, a group or a permission is saved or linked to another, and then
kalliola/signals.py bumps ACCESS, so the next request reads them afresh. The user's own row is
still read on every request: it carries `is_active` and the password hash the session is checked
against. The timeout is a backstop for writes that send no signal.
"""

from django.contrib.auth.backends import ModelBackend

from kalliola.versioned_cache import VersionedCache

ACCESS = VersionedCache("kalliola:access", timeout=60)


def access_changed() -> None:
    ACCESS.changed()


def is_sign_in_save(update_fields) -> bool:
    """True for the user save a sign-in makes (last_login only), which changes nothing shown."""
    return update_fields is not None and set(update_fields) <= {"last_login"}


def role_names(user) -> set[str]:
    """The names of the user's groups."""
    return ACCESS.get_or_build(
        f"roles:{user.pk}", lambda: set(user.groups.values_list("name", flat=True))
    )


class CachedPermissionsBackend(ModelBackend):
    """Django's ModelBackend with each user's permissions kept in ACCESS."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = ACCESS.get_or_build(
                f"permissions:{user_obj.pk}", lambda: self._all_permissions(user_obj)
            )
        return user_obj._perm_cache

    def _all_permissions(self, user_obj) -> set[str]:
        return set(super().get_all_permissions(user_obj))
