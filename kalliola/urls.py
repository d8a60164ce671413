from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from kalliola import views

handler403 = "kalliola.views.error_403"
handler404 = "kalliola.views.error_404"
handler500 = "kalliola.views.error_500"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("", include("trainings.feed_urls")),
]

# Finnish is unprefixed; Swedish and English live under /sv/ and /en/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("tietosuoja/", views.privacy, name="privacy"),
    path("tyo/kaksivaiheinen/", include("kalliola.otp")),
    path("tyo/", include("kalliola.portal")),
    path("tyo/", include("families.portal_urls")),
    path("tyo/", include("meetings.portal_urls")),
    path("admin/", admin.site.urls),
    path("", include("trainings.urls")),
    path("", include("families.urls")),
    path("", include("meetings.urls")),
    prefix_default_language=False,
)
