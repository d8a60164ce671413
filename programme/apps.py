from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    """The layer above the apps: what combines them. Its admin.py puts the dashboard and the
    statistics into the admin; its signals.py tells the dashboard's cache when counts change."""

    name = "programme"
    verbose_name = _("Programme overview")

    def ready(self):
        from programme import signals  # noqa: F401  (connects the receivers)
