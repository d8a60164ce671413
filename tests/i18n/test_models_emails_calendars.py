"""Model names and choices, e-mails and calendar files speak the reader's language."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import mail
from django.utils import translation
from icalendar import Calendar

from tests.factories.trainings import InfoSessionFactory
from trainings import services

APPS = ("families", "trainings", "meetings")
# Words spelled the same in English and Swedish or Finnish: not missing translations.
SAME_WORD = {
    "sv": {"status", "plan", "start", "e-post", "online", "id", "organisation"},
    "fi": {"id"},
}


def _texts() -> dict[str, str]:
    """Names, field names and choice labels of every model people see in the admin."""
    texts = {}
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if not admin.site.is_registered(model):
                continue  # internal bookkeeping (e.g. sent reminders) nobody sees
            meta = model._meta
            texts[f"{meta.label}"] = str(meta.verbose_name)
            texts[f"{meta.label} (plural)"] = str(meta.verbose_name_plural)
            for field in meta.get_fields():
                if not hasattr(field, "verbose_name") or field.auto_created:
                    continue
                texts[f"{meta.label}.{field.name}"] = str(field.verbose_name)
                for value, label in getattr(field, "flatchoices", None) or []:
                    if value not in ("", None):
                        texts[f"{meta.label}.{field.name}={value}"] = str(label)
    return texts


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_model_names_fields_and_choices_are_translated(language):
    with translation.override("en"):
        english = _texts()
    with translation.override(language):
        translated = _texts()
    same = [
        f"{key}: {text}"
        for key, text in translated.items()
        if text == english[key] and text.lower() not in SAME_WORD[language] and text.strip()
    ]
    assert same == [], "\n".join(same)


def _signup(language: str):
    session = InfoSessionFactory()
    mail.outbox.clear()
    with translation.override(language):
        services.register_for_info_session(
            session,
            name="Testi",
            email=f"{language}@example.org",
            phone="040 123 4567",
            municipality="Vaasa",
            language=language,
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    ics = next(content for name, content, _type in message.attachments if name.endswith(".ics"))
    summary = str(Calendar.from_ical(ics).walk("VEVENT")[0]["SUMMARY"])
    return message, summary


@pytest.mark.django_db(transaction=True)
def test_confirmation_email_and_its_calendar_file_are_in_the_recipients_language():
    english, english_summary = _signup("en")
    swedish, swedish_summary = _signup("sv")
    finnish, finnish_summary = _signup("fi")
    assert english.subject == "You have signed up for the support family info session"
    assert swedish.subject != english.subject and finnish.subject != english.subject
    assert swedish.subject != finnish.subject
    assert "info session" not in swedish.body and "info session" not in finnish.body
    assert english_summary == "Support family info session"
    assert swedish_summary not in (english_summary, finnish_summary)
    assert finnish_summary != english_summary
