from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KalliolaConfig(AppConfig):
    name = "kalliola"
    verbose_name = _("Programme")

    def ready(self):
        from kalliola import roles

        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="kalliola.sync_roles")
