"""Template helpers of the public forms' error summary."""

from django import forms, template

register = template.Library()


@register.filter
def error_target(bound_field) -> str:
    """The id an error summary's link goes to: the field, or a group's first choice (a group of
    radio buttons or check boxes has no element of its own to focus)."""
    if isinstance(bound_field.field.widget, forms.RadioSelect):  # check boxes too, a subclass
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label
