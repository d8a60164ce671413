"""Read-only history tables (status changes, stays, contacts) inside an admin change page.

Django's tabular inline renders every cell of every row through a form field and a widget
template; for a relationship with a year of stays that was most of the page's time. These rows
are never edited here (services own them), so `ReadOnlyTableInline` shows them as a plain table,
each cell formatted as the admin's change lists format theirs.
"""

from django.contrib import admin
from django.contrib.admin.utils import (
    display_for_field,
    display_for_value,
    label_for_field,
    lookup_field,
)
from django.core.exceptions import ObjectDoesNotExist


class ReadOnlyTableInline(admin.TabularInline):
    """Rows a coordinator reads, never adds, changes or deletes on this page."""

    extra = 0
    can_delete = False
    show_change_link = False
    template = "admin/kalliola/readonly_table_inline.html"
    # Foreign keys the table shows (who changed it, ...), read in the same query.
    select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def get_readonly_fields(self, request, obj=None):
        # Every column is read-only: the table shows `fields`, the formset edits none of them.
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def table(self, formset) -> dict:
        """Column labels, the formatted cells of each row, and each row's id as the formset
        expects it back when the page is saved (the forms themselves are never built)."""
        objects = list(formset.get_queryset())
        pk_name = self.model._meta.pk.name
        ids = [(f"{formset.prefix}-{i}-{pk_name}", obj.pk) for i, obj in enumerate(objects)]
        names = list(self.fields)
        labels = [label_for_field(name, self.model, self) for name in names]
        empty = self.get_empty_value_display()
        rows = []
        for obj in objects:
            cells = []
            for name in names:
                try:
                    field, attr, value = lookup_field(name, obj, self)
                except (AttributeError, ObjectDoesNotExist):
                    cells.append(empty)
                    continue
                if field is None:
                    boolean = getattr(attr, "boolean", False)
                    cells.append(display_for_value(value, empty, boolean))
                elif field.is_relation:
                    cells.append(empty if value is None else str(value))
                else:
                    cells.append(display_for_field(value, field, empty))
            rows.append(cells)
        return {"labels": labels, "rows": rows, "ids": ids}
