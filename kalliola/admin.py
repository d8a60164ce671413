from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Support family programme – back office")
admin.site.site_title = _("Support family programme")
admin.site.index_title = _("Coordinators' back office")
