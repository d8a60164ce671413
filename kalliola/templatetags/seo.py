"""What search engines and link previews read from a public page.

`{% capture as name %}…{% endcapture %}` renders its content once into a variable, so the page
title a template sets in its `title` block is also the Open Graph title, and its `description`
block both the meta and the Open Graph description. `{{ value|json_ld }}` writes schema.org data
into `<script type="application/ld+json">` escaped like Django's `json_script`: no `<`, `>` or
`&` survives, so no text in the data (a group's name) can close the script element.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Set in the context level the capture tag sits in, readable after it.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token):
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.filter(is_safe=True)
def json_ld(value) -> str:
    """The value as JSON safe inside a <script> element (to wrap in type="application/ld+json")."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    return mark_safe(text.translate(_JSON_ESCAPES))
