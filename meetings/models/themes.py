"""What people came with, how they found us and what they got: codes beside the free text.

Each "several of" list is a small table of (row, code) pairs rather than a database array, so
it works alike on SQLite and PostgreSQL, a code is checked by a constraint, and the statistics
count codes with one GROUP BY. The codes' words live in the choices below (translated).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Theme(models.TextChoices):
    """What a request or a case is about (several)."""

    BABY_WISHES = "baby_wishes", _("Baby wishes and family planning")
    SOCIAL_SERVICES = "social_services", _("Social services: conflicts and co-operation")
    OWN_RIGHTS = "own_rights", _("Own rights and benefits")
    PARENTING = "parenting", _("Parenting skills")
    FEELINGS = "feelings", _("Feelings and the past")
    FINDING_SERVICES = "finding_services", _("Finding and applying for services")
    PREPARING = "preparing", _("Preparing for meetings")
    EVERYDAY_LIFE = "everyday_life", _("Everyday life")
    OTHER = "other", _("Other")


class HeardFrom(models.TextChoices):
    """How the person heard of the support meetings (one)."""

    WEB_SEARCH = "web_search", _("Web search")
    PROFESSIONAL = "professional", _("A professional")
    SOMEONE_KNOWN = "someone_known", _("Someone I know")
    OTHER = "other", _("Other")


class Benefit(models.TextChoices):
    """What the family got from the meetings, asked at the follow-up (several)."""

    MUNICIPAL_SERVICES = "municipal", _("Referred to municipal services")
    NGO_SERVICES = "ngo", _("Referred to NGO services")
    SOCIAL_SERVICES_SUPPORT = "social_services", _("Got support in dealing with social services")
    TASKS = "tasks", _("Benefited from the tasks")
    HEARD = "heard", _("Felt heard and met")
    OTHER = "other", _("Other")


def labels_of(codes, choices) -> list[str]:
    """The words of the given codes, in the list's own order (unknown codes left out)."""
    given = set(codes)
    return [str(label) for value, label in choices.choices if value in given]


def _code_field(choices, verbose_name):
    return models.CharField(verbose_name, max_length=32, choices=choices.choices)


def _code_constraints(owner: str, code: str, choices, prefix: str) -> list:
    return [
        models.UniqueConstraint(fields=[owner, code], name=f"{prefix}_once"),
        models.CheckConstraint(
            condition=Q(**{f"{code}__in": choices.values}), name=f"{prefix}_valid"
        ),
    ]


class RequestTheme(models.Model):
    request = models.ForeignKey(
        "meetings.MeetingRequest",
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="theme_rows",
    )
    theme = _code_field(Theme, _("theme"))

    class Meta:
        ordering = ["request", "theme"]
        verbose_name = _("theme of a request")
        verbose_name_plural = _("themes of requests")
        constraints = _code_constraints("request", "theme", Theme, "meetings_requesttheme")

    def __str__(self):
        return str(Theme(self.theme).label)


class CaseTheme(models.Model):
    case = models.ForeignKey(
        "meetings.SupportCase",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="theme_rows",
    )
    theme = _code_field(Theme, _("theme"))

    class Meta:
        ordering = ["case", "theme"]
        verbose_name = _("theme of a case")
        verbose_name_plural = _("themes of cases")
        constraints = _code_constraints("case", "theme", Theme, "meetings_casetheme")

    def __str__(self):
        return str(Theme(self.theme).label)


class FollowUpBenefit(models.Model):
    follow_up = models.ForeignKey(
        "meetings.FollowUp",
        verbose_name=_("follow-up"),
        on_delete=models.CASCADE,
        related_name="benefit_rows",
    )
    benefit = _code_field(Benefit, _("what the family got"))

    class Meta:
        ordering = ["follow_up", "benefit"]
        verbose_name = _("what a family got")
        verbose_name_plural = _("what families got")
        constraints = _code_constraints("follow_up", "benefit", Benefit, "meetings_followupbenefit")

    def __str__(self):
        return str(Benefit(self.benefit).label)
