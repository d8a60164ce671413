"""The words of django-auditlog's admin (the audit trail), listed so that our catalogues carry
them: auditlog ships no Finnish or Swedish, and Django reads a text from every catalogue, ours
(LOCALE_PATHS) first. Nothing imports this module; `makemessages` reads it. When auditlog is
upgraded, compare these with its sources (admin.py, mixins.py, filters.py, models.py, apps.py).
"""

from django.utils.translation import gettext_noop

AUDITLOG_TEXTS = (
    # apps.py, the admin's list display, filters and fieldsets
    gettext_noop("Audit log"),
    gettext_noop("Audit log: %s"),
    gettext_noop("Changes"),
    gettext_noop("Created"),
    gettext_noop("User"),
    gettext_noop("Resource"),
    gettext_noop("Resource Type"),
    gettext_noop("View"),
    gettext_noop("Correlation ID"),
    gettext_noop("Click to filter by records with this correlation id"),
    # models.py: the entry's verbose names, fields and actions
    gettext_noop("log entry"),
    gettext_noop("log entries"),
    gettext_noop("content type"),
    gettext_noop("object pk"),
    gettext_noop("object id"),
    gettext_noop("object representation"),
    gettext_noop("action"),
    gettext_noop("change message"),
    gettext_noop("actor"),
    gettext_noop("actor email"),
    gettext_noop("remote address"),
    gettext_noop("remote port"),
    gettext_noop("timestamp"),
    gettext_noop("additional data"),
    gettext_noop("create"),
    gettext_noop("update"),
    gettext_noop("delete"),
    gettext_noop("access"),
    gettext_noop("Created {repr:s}"),
    gettext_noop("Updated {repr:s}"),
    gettext_noop("Deleted {repr:s}"),
    gettext_noop("Logged {repr:s}"),
    # templates
    gettext_noop("No field changes"),
    gettext_noop("No log entries found."),
    gettext_noop("system"),
)
