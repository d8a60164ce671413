from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def _weight(label, help_text):
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MaxValueValidator(100)], help_text=help_text
    )


class MatchingWeights(models.Model):
    """The matching weights coordinators have set: one row. An empty field keeps the default
    (``DEFAULT_MATCHING_WEIGHTS`` in families/matching.py, or the MATCHING_WEIGHTS setting)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    same_municipality = _weight(
        _("same municipality"), _("Points when the household lives in the child's municipality.")
    )
    neighbouring_municipality = _weight(
        _("neighbouring municipality"),
        _("Points when the household lives in a neighbouring municipality."),
    )
    shared_language = _weight(
        _("shared language"), _("Points when one of the child's languages is spoken at home.")
    )
    wishes_per_word = _weight(
        _("points per shared wish word"),
        _("Points per word the household's wishes share with the child's or guardians' wishes."),
    )
    wishes_max = _weight(_("most points for wishes"), _("Upper limit of the wish points."))
    waiting_per_month = _weight(
        _("points per month waited"),
        _("Points per full month an approved household has waited without a child."),
    )
    waiting_max = _weight(_("most points for waiting"), _("Upper limit of the waiting points."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    WEIGHT_FIELDS = (
        "same_municipality",
        "neighbouring_municipality",
        "shared_language",
        "wishes_per_word",
        "wishes_max",
        "waiting_per_month",
        "waiting_max",
    )

    class Meta:
        verbose_name = _("matching weights")
        verbose_name_plural = _("matching weights")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="matchingweights_single_row")
        ]

    def __str__(self):
        return str(_("Matching weights"))
