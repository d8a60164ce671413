"""What makes a long admin changelist cheap, shared by the big lists.

Measured on the large data set (households, children, relationships, cases, stays: thousands of
rows each), the list's own cost is rows × columns: every cell goes through Django's lookup and
escaping, and the action checkbox of each row through a form widget rendered with templates,
about a fifth of the whole list. The mixin writes the same checkbox directly, and drops the
second COUNT(*) over the whole table that Django runs beside the filtered count only to print
"(N total)" next to a filtered result.

Filter choices that need a query over the whole table (a field's distinct values, counts per
status) are cached in LIST_FIGURES until a row of the listed models changes (kalliola/signals.py),
with a short timeout for writes that send no signal.
"""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from kalliola.versioned_cache import VersionedCache

LIST_FIGURES = VersionedCache("kalliola:admin-lists", timeout=60)


def list_figures_changed() -> None:
    LIST_FIGURES.changed()


def rows_cache_key(request) -> str:
    # The user too: the action checkbox column follows their permissions.
    return ":".join(
        [
            LIST_FIGURES.version(),
            str(request.user.pk),
            get_language(),
            f"{timezone.localdate():%Y-%m-%d}",
            request.get_full_path(),
        ]
    )


class LeanChangelistMixin:
    show_full_result_count = False
    # True: the rendered rows are cached (templates/admin/change_list.html) until LIST_FIGURES
    # changes; every model the rows show must then bump it (kalliola/signals.py).
    cache_rows = False

    def changelist_view(self, request, extra_context=None):
        if self.cache_rows and request.method == "GET":
            extra_context = {**(extra_context or {}), "rows_cache_key": rows_cache_key(request)}
        return super().changelist_view(request, extra_context)

    def action_checkbox(self, obj):
        # The markup of Django's CheckboxInput for this column, without rendering a template.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


class CachedValuesFilter(admin.AllValuesFieldListFilter):
    """A field's distinct values as filter choices, from LIST_FIGURES instead of a SELECT
    DISTINCT over the whole table on every page (the model must be in kalliola/signals.py)."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        values = self.lookup_choices  # a lazy queryset: evaluated only if not cached
        self.lookup_choices = LIST_FIGURES.get_or_build(
            f"values:{model._meta.label_lower}:{field_path}", lambda: list(values)
        )
