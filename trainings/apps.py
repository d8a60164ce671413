from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = _("Info sessions and training")

    def ready(self):
        from trainings import signals  # noqa: F401  (connects the receivers)
