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


# Built once: `Language.values` and `Language(code)` rebuild the choices on every call, which a
# list of fifty households with their languages pays a few hundred times.
_LANGUAGE_LABELS = dict(Language.choices)


def language_names(codes) -> str:
    """The names of the known languages among `codes`, in the active language, comma-separated."""
    return ", ".join(str(_LANGUAGE_LABELS[c]) for c in codes if c in _LANGUAGE_LABELS)


class ContactLanguage(models.TextChoices):
    """The language we write to a person in: the site's three languages."""

    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")
