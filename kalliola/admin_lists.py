"""What makes a long admin changelist cheap, shared by the big lists.

Measured on the large data set (households, children, relationships, cases, stays: thousands of
rows each), the list's own cost is rows × columns: every cell goes through Django's lookup and
escaping, and the action checkbox of each row through a form widget rendered with templates,
about a fifth of the whole list. The mixin writes the same checkbox directly, and drops the
second COUNT(*) over the whole table that Django runs beside the filtered count only to print
"(N total)" next to a filtered result.

Filter choices that need a query over the whole table (a field's distinct values, counts per
status) are cached in LIST_FIGURES until a row of the listed models changes (programme/signals.py),
with a short timeout for writes that send no signal. They are aggregates: municipalities and
counts, never a person's data. The rows themselves are never cached: they hold names.
"""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import get_last_value_from_parameters
from django.contrib.admin.views.main import ChangeList
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kalliola import municipalities
from kalliola.versioned_cache import VersionedCache

LIST_FIGURES = VersionedCache("kalliola:admin-lists", timeout=60)


def list_figure(name: str, build):
    """An aggregate value (counts, a field's distinct values) cached in LIST_FIGURES."""
    return LIST_FIGURES.get_or_build(name, build)


class LeanChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Not counting the whole table separately, Django would offer "N results (Show all)"
        # even on the unfiltered list; there the filtered count is the total.
        if self.full_result_count is None and not self.has_active_filters and not self.query:
            self.full_result_count = self.result_count


class LeanChangelistMixin:
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return LeanChangeList

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
    DISTINCT over the whole table on every page (the model must be in programme/signals.py).

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
            f"values:{model._meta.label_lower}:{field_path}",
            lambda: list(
                model._default_manager.distinct()
                .order_by(field.name)
                .values_list(field.name, flat=True)
            ),
        )
        admin.FieldListFilter.__init__(self, field, request, params, model, model_admin, field_path)


class MunicipalityFilter(CachedValuesFilter):
    """The official municipalities present in the list, named in the reader's language, then
    "Not recognised": the rows whose municipality, typed before the official list existed,
    matches none of them (the coordinator corrects them there)."""

    unrecognised_value = "?"

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = field.verbose_name

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if self.lookup_val and self.lookup_val[-1] == self.unrecognised_value:
            return queryset.filter(municipalities.unrecognised_q(self.field_path))
        return super().queryset(request, queryset)

    def choices(self, changelist):
        selected = self.lookup_val[-1] if self.lookup_val else None
        yield {
            "selected": selected is None,
            "query_string": changelist.get_query_string(
                remove=[self.lookup_kwarg, self.lookup_kwarg_isnull]
            ),
            "display": gettext("All"),
        }
        present = [v for v in self.lookup_choices if municipalities.is_recognised(v)]
        named = sorted(
            ((v, municipalities.display_name(v)) for v in present),
            key=lambda pair: municipalities.sort_key(pair[1]),
        )
        for value, label in named:
            yield {
                "selected": selected == value,
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg: value}, [self.lookup_kwarg_isnull]
                ),
                "display": label,
            }
        yield {
            "selected": selected == self.unrecognised_value,
            "query_string": changelist.get_query_string(
                {self.lookup_kwarg: self.unrecognised_value}, [self.lookup_kwarg_isnull]
            ),
            "display": gettext("Not recognised"),
        }


def municipality_column(field: str = "municipality"):
    """A list column showing a municipality in the reader's language, sorted by the field."""

    @admin.display(description=_("municipality"), ordering=field)
    def municipality_name(self, obj):
        return municipalities.display_name(getattr(obj, field))

    return municipality_name
