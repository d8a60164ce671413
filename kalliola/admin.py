from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kalliola.roles import is_coordinator

admin.site.site_header = _("Support family programme – back office")
admin.site.site_title = _("Support family programme")
admin.site.index_title = _("Coordinators' back office")


def coordinators_only(request) -> bool:
    """The admin is for coordinators (and superusers) only: its querysets are not scoped to a
    support worker, so a support worker marked as staff by mistake must still be kept out (they
    get the admin's login page, as anyone without admin access does)."""
    user = request.user
    return user.is_active and user.is_staff and is_coordinator(user)


admin.site.has_permission = coordinators_only


class ReadOnlyLogEntryAdmin(LogEntryAdmin):
    """The audit trail: coordinators read it (auditlog.view_logentry, given to their group by
    kalliola.roles); nobody adds, changes or deletes entries here.

    Not even a superuser: auditlog's own admin would let a deletion of related objects cascade
    into the trail.
    """

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ReadOnlyLogEntryAdmin)


# -- the coordinators' dashboard on the index page, and the statistics pages ----------------


def _with_dashboard(index):
    def index_with_dashboard(request, extra_context=None):
        from kalliola.dashboard import dashboard_context

        return index(request, {**dashboard_context(request), **(extra_context or {})})

    return index_with_dashboard


def _with_statistics(get_urls):
    def get_urls_with_statistics():
        from kalliola.reports.views import urls

        return urls(admin.site) + get_urls()

    return get_urls_with_statistics


admin.site.index = _with_dashboard(admin.site.index)
admin.site.get_urls = _with_statistics(admin.site.get_urls)
