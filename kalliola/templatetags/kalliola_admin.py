from django import template

register = template.Library()


@register.simple_tag
def readonly_table(inline_admin_formset) -> dict:
    """The table of a `kalliola.admin_inlines.ReadOnlyTableInline`."""
    return inline_admin_formset.opts.table(inline_admin_formset.formset)
