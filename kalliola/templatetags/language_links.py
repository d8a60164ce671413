"""The language switcher as plain links to the same page in each language.

Links rather than a POST form: they need no CSRF token, so the public pages stay the same for
every anonymous visitor and can be cached whole (kalliola.pagecache), and they work without
JavaScript or a cookie. The language is in the address (/sv/, /en/, Finnish unprefixed).
"""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def language_links(context) -> list[LanguageLink]:
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url == path and code != current:
            # A page with no counterpart (an unknown address): that language's home page.
            with translation.override(code):
                url = reverse("home")
        info = translation.get_language_info(code)
        links.append(LanguageLink(code, info["name_local"], url, code == current))
    return links
