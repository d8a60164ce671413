from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = _("Info sessions and training")

    def ready(self):
        from families.models import FamilyStatus
        from families.retention import keep_household_records
        from families.services import register_step
        from families.services.readiness import register_checklist_items
        from trainings import retention, signals  # noqa: F401  (connects the receivers)
        from trainings.services import complete_pretraining
        from trainings.services.completion import checklist_items

        # The families app owns the pipeline and the household's data; the trainings app owns
        # what training adds to them: the rule of becoming trained, and its own records.
        register_step(FamilyStatus.TRAINED, complete_pretraining)
        keep_household_records(self.label, retention.HOUSEHOLD_RECORDS)
        register_checklist_items(checklist_items)
