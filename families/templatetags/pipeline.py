"""The pipeline's constants for templates, so no page or e-mail writes a number of its own.

{% load pipeline %}{% pretraining_hours as hours %}
{% blocktranslate %}… the {{ hours }}-hour pre-training …{% endblocktranslate %}
"""

from decimal import Decimal

from django import template

from families.services import PRETRAINING_HOURS

register = template.Library()


@register.simple_tag
def pretraining_hours() -> Decimal:
    """`PRETRAINING_HOURS`: the hours that make a household *trained*."""
    return PRETRAINING_HOURS
