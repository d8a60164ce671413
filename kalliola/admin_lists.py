"""What makes a long admin changelist cheap, shared by the big lists.

Measured on the large data set (households, children, relationships, cases, stays: thousands of
rows each), the list's own cost is rows × columns: every cell goes through Django's lookup and
escaping, and the action checkbox of each row through a form widget rendered with templates,
about a fifth of the whole list. The mixin writes the same checkbox directly, and drops the
second COUNT(*) over the whole table that Django runs beside the filtered count only to print
"(N total)" next to a filtered result.

Filter choices that need a query over the whole table (a field's distinct values, counts per
status) are cached in LIST_FIGURES until a row of the listed models changes (kalliola/signals.py),
with a short timeout for writes that send no signal. A list that sets `cache_list` also keeps its
rendered rows, filters, actions and date links and its result count there, per user, language,
day and query string, all read in one round trip (templatetags/admin_lists.py); its page fetches
its rows only when they are rendered.
"""

import hashlib

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import get_last_value_from_parameters
from django.contrib.admin.views.main import ChangeList
from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from kalliola.versioned_cache import VersionedCache

LIST_FIGURES = VersionedCache("kalliola:admin-lists", timeout=60)


def list_figures_changed() -> None:
    LIST_FIGURES.changed()


def list_figure(request, name: str, build):
    """A value cached in LIST_FIGURES, under the version a cached list read once for the whole
    request (LeanChangelistMixin.changelist_view) or else the current one."""
    key = LIST_FIGURES.key(name, getattr(request, "list_figures_version", None))
    return LIST_FIGURES.fetch(key, build)


# The parts of a cached list page, read together (templates/admin/change_list.html).
LIST_PARTS = ("count", "actions", "rows", "filters", "dates")


def list_part_key(request, name: str) -> str:
    return f"{LIST_FIGURES.prefix}:part:{name}:{request.list_cache_key}"


def read_list_parts(request) -> dict:
    keys = {list_part_key(request, name): name for name in LIST_PARTS}
    return {keys[key]: value for key, value in cache.get_many(keys).items()}


def store_list_part(request, name: str, value) -> None:
    cache.set(list_part_key(request, name), value, LIST_FIGURES.timeout)


def list_cache_key(request) -> str:
    # The user too: the action checkbox column follows their permissions. The address is hashed:
    # a long search would make a key longer than caches accept.
    address = hashlib.md5(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    return ":".join(
        [
            request.list_figures_version,
            str(request.user.pk),
            get_language(),
            f"{timezone.localdate():%Y-%m-%d}",
            address,
        ]
    )


class _PageRows:
    """The rows of one page, which know how many they are without fetching them.

    With the rendered rows in the cache, Django only counts them ("0 of 50 selected"); they are
    fetched when something iterates over them (the rows' template on a cache miss, an export).
    """

    def __init__(self, queryset, length: int):
        self._queryset = queryset
        self._length = length
        self._rows = None

    def __len__(self):
        return self._length

    def __iter__(self):
        return iter(self._fetch())

    def __getitem__(self, index):
        return self._fetch()[index]

    def _fetch(self) -> list:
        if self._rows is None:
            self._rows = list(self._queryset)
        return self._rows


class CachedListPaginator(Paginator):
    """The filtered COUNT(*) cached with the rows it belongs to, and pages that fetch their rows
    only when they are iterated."""

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    @cached_property
    def count(self) -> int:
        count = self.request.list_parts.get("count")
        if count is None:
            count = self.object_list.count()
            store_list_part(self.request, "count", count)
        return count

    def page(self, number):
        page = super().page(number)
        page.object_list = _PageRows(page.object_list, page.end_index() - page.start_index() + 1)
        return page


class LeanChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Not counting the whole table separately, Django would offer "N results (Show all)"
        # even on the unfiltered list; there the filtered count is the total.
        if self.full_result_count is None and not self.has_active_filters and not self.query:
            self.full_result_count = self.result_count


class LeanChangelistMixin:
    show_full_result_count = False
    # True: the rendered rows, filters, actions and date links and the count are cached
    # (templates/admin/change_list.html) until LIST_FIGURES changes; every model the rows show
    # must then be in kalliola/signals.LIST_MODELS.
    cache_list = False

    def changelist_view(self, request, extra_context=None):
        if self.cache_list and request.method == "GET":
            request.list_figures_version = LIST_FIGURES.version()
            request.list_cache_key = list_cache_key(request)
            request.list_parts = read_list_parts(request)
            extra_context = {**(extra_context or {}), "cached_list": True}
        return super().changelist_view(request, extra_context)

    def get_changelist(self, request, **kwargs):
        return LeanChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if getattr(request, "list_parts", None) is not None and not self.list_editable:
            return CachedListPaginator(
                queryset, per_page, orphans, allow_empty_first_page, request=request
            )
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

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
    DISTINCT over the whole table on every page (the model must be in kalliola/signals.py).

    Only for a field of the list's own model whose admin queryset is not narrowed: the parent's
    __init__ is not called, since it builds the admin's queryset (with its annotations) only to
    read the values this filter takes from the cache.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = field_path
        self.lookup_kwarg_isnull = f"{field_path}__isnull"
        self.lookup_val = params.get(self.lookup_kwarg)
        self.lookup_val_isnull = get_last_value_from_parameters(params, self.lookup_kwarg_isnull)
        self.empty_value_display = model_admin.get_empty_value_display()
        self.lookup_choices = list_figure(
            request,
            f"values:{model._meta.label_lower}:{field_path}",
            lambda: list(
                model._default_manager.distinct()
                .order_by(field.name)
                .values_list(field.name, flat=True)
            ),
        )
        admin.FieldListFilter.__init__(self, field, request, params, model, model_admin, field_path)
