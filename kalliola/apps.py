from django import forms
from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from kalliola.validators import guard_every_date_field, guard_every_text_field

# Here, when Django first reads the app list, and not in ready(): the admin's ready() runs
# earlier and imports every forms module, whose date fields must already get the range.
guard_every_date_field(forms)
guard_every_text_field(forms)


class KalliolaConfig(AppConfig):
    name = "kalliola"
    verbose_name = _("Programme")

    def ready(self):
        from django.contrib.auth.models import Group

        from kalliola import audit, checks, roles, site_content  # noqa: F401

        # The role groups keep their English names (code looks them up by name) and are shown
        # in the reader's language wherever a group is printed: the admin's lists, filters and
        # the user form's group choices.
        Group.__str__ = roles.group_label

        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="kalliola.sync_roles")
        # Also after every flush (test runs): the public pages' rows coordinators edit.
        post_migrate.connect(
            site_content.seed_after_migrate, sender=self, dispatch_uid="kalliola.seed_site_content"
        )
        audit.register_models(audit.AUDITED_MODELS)
