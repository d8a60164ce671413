"""Model pieces shared by the apps (the kalliola app itself has no tables)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusChange(models.Model):
    """One recorded status change: who made it, when and why. Never edited.

    A subclass adds the foreign key to the record whose status changed and the `from_status` /
    `to_status` fields with that record's choices.
    """

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.get_from_status_display() or '–'} → {self.get_to_status_display()}"
