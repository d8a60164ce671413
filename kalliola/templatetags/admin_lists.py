"""`{% list_fragment "rows" %}…{% endlist_fragment %}`: a part of a cached admin list.

The parts of one list page (rows, filters, actions, date links) and its count are read from the
cache in one round trip when the list starts (LeanChangelistMixin.changelist_view); each part
here takes its HTML from what was read, or renders it and stores it. Outside a cached list the
part is rendered as usual.
"""

from django import template

from kalliola.admin_lists import store_list_part

register = template.Library()


class ListFragmentNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        parts = getattr(request, "list_parts", None)
        if parts is None:
            return self.nodelist.render(context)
        html = parts.get(self.name)
        if html is None:
            html = self.nodelist.render(context)
            store_list_part(request, self.name, html)
        return html


@register.tag
def list_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("list_fragment takes one quoted name")
    nodelist = parser.parse(("endlist_fragment",))
    parser.delete_first_token()
    return ListFragmentNode(bits[1][1:-1], nodelist)
