"""The coordinators' dashboard on the admin's index page, and the statistics pages in the admin."""

from django.contrib import admin

from programme import statistics
from programme.dashboard import dashboard_context


def _with_dashboard(index):
    def index_with_dashboard(request, extra_context=None):
        return index(request, {**dashboard_context(request), **(extra_context or {})})

    return index_with_dashboard


def _with_statistics(get_urls):
    def get_urls_with_statistics():
        return statistics.urls(admin.site) + get_urls()

    return get_urls_with_statistics


admin.site.index = _with_dashboard(admin.site.index)
admin.site.get_urls = _with_statistics(admin.site.get_urls)
