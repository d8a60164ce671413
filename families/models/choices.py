from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """Languages spoken in a household or by a child (ISO 639-1 codes)."""

    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")
    RUSSIAN = "ru", _("Russian")
    ESTONIAN = "et", _("Estonian")
    SOMALI = "so", _("Somali")
    ARABIC = "ar", _("Arabic")
    PERSIAN = "fa", _("Persian")
    KURDISH = "ku", _("Kurdish")
    UKRAINIAN = "uk", _("Ukrainian")
    OTHER = "other", _("Other language")


class ContactLanguage(models.TextChoices):
    """The language we write to a person in: the site's three languages."""

    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")
