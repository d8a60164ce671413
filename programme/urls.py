"""The site's URLs: every app's pages under one root (Finnish unprefixed, /sv/ and /en/)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from kalliola import views as core_views
from programme import views
from programme.sitemaps import robots_txt, sitemap_xml

handler400 = "kalliola.views.error_400"
handler403 = "kalliola.views.error_403"
handler404 = "kalliola.views.error_404"
handler500 = "kalliola.views.error_500"

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("", include("trainings.feed_urls")),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("tukiperheeksi/kiitos/", views.application_sent, name="application_sent"),
    path("tietosuoja/", core_views.privacy, name="privacy"),
    path("saavutettavuus/", core_views.accessibility, name="accessibility"),
    path("tyo/kaksivaiheinen/", include("kalliola.otp")),
    path("tyo/", include("programme.portal")),
    path("tyo/", include("families.portal_urls")),
    path("tyo/", include("meetings.portal_urls")),
    path("admin/", admin.site.urls),
    path("", include("trainings.urls")),
    path("", include("families.urls")),
    path("", include("meetings.urls")),
    prefix_default_language=False,
)
