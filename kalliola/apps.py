from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KalliolaConfig(AppConfig):
    name = "kalliola"
    verbose_name = _("Programme")

    def ready(self):
        from django.contrib.auth.models import Group

        from kalliola import audit, checks, otp, roles  # noqa: F401

        # The role groups keep their English names (code looks them up by name) and are shown
        # in the reader's language wherever a group is printed: the admin's lists, filters and
        # the user form's group choices.
        Group.__str__ = roles.group_label

        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="kalliola.sync_roles")
        user_logged_in.connect(otp.remember_on_login, dispatch_uid="kalliola.otp_on_login")
        audit.register_models(audit.AUDITED_MODELS)
