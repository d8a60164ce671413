"""sitemap.xml and robots.txt: the public pages, in Finnish, Swedish and English.

django.contrib.sitemaps writes each address once per language with its hreflang alternates
(`i18n`, `alternates`, `x_default`: Finnish, the unprefixed default). The info sessions and
training groups are those the public lists show; the sign-up thanks, cancel and reply pages
(tokens) and the portal and admin are left out, and robots.txt keeps crawlers out of the last two.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from kalliola.pagecache import cache_public_page
from trainings.models import GroupStatus, SessionStatus
from trainings.services.listings import LISTINGS, upcoming_groups, upcoming_info_sessions

PUBLIC_PAGES = (
    "home",
    "families:about",
    "trainings:info_session_list",
    "trainings:group_list",
    "families:apply",
    "meetings:request",
    "privacy",
    "accessibility",
)


class _InEveryLanguage(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    # The addresses the pages themselves name (SITE_URL), whatever host the request came to.
    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PublicPageSitemap(_InEveryLanguage):
    changefreq = "weekly"

    def items(self):
        return list(PUBLIC_PAGES)

    def location(self, item):
        return reverse(item)


class _DetailSitemap(_InEveryLanguage):
    """The detail pages of what a public list shows (the list's own queryset, one query)."""

    changefreq = "daily"
    url_name = ""

    def listed(self):
        raise NotImplementedError

    def items(self):
        return list(self.listed())

    def location(self, item):
        return reverse(self.url_name, args=[item.pk])


class InfoSessionSitemap(_DetailSitemap):
    url_name = "trainings:info_session_detail"

    def listed(self):
        return upcoming_info_sessions().filter(status=SessionStatus.SCHEDULED)


class TrainingGroupSitemap(_DetailSitemap):
    url_name = "trainings:group_detail"

    def listed(self):
        return upcoming_groups().filter(status=GroupStatus.PUBLISHED)


SITEMAPS = {
    "pages": PublicPageSitemap,
    "info_sessions": InfoSessionSitemap,
    "groups": TrainingGroupSitemap,
}


@require_GET
@cache_public_page(LISTINGS)
def sitemap_xml(request):
    """The sitemap, kept whole like the public lists (their changes bump the same version)."""
    return sitemap(request, SITEMAPS).render()


DISALLOWED = ("/admin/", "/tyo/", "/peru-ilmoittautuminen/", "/tapahtumat/vastaa/")


@require_GET
def robots_txt(request):
    """Crawlers may read the public pages, not the admin, the portal or the personal links."""
    prefixes = [""] + [f"/{code}" for code, _name in settings.LANGUAGES if code != "fi"]
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}{path}" for path in DISALLOWED for prefix in prefixes]
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
