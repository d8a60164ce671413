from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalliola import mail, otp
from kalliola.access import ACCESS
from kalliola.audit import AuditedViewAdminMixin
from kalliola.models import AccessibilityFeedback, FaqItem, FeedbackStatus, QueuedMail, SiteContent
from kalliola.roles import is_coordinator
from kalliola.services import mark_feedback_answered

admin.site.site_header = _("Support family programme – back office")
admin.site.site_title = _("Support family programme")
admin.site.index_title = _("Coordinators' back office")


def coordinators_only(request) -> bool:
    """The admin is for coordinators (and superusers) only: its querysets are not scoped to a
    support worker, so a support worker marked as staff by mistake must still be kept out (they
    get the admin's login page, as anyone without admin access does)."""
    user = request.user
    return user.is_active and user.is_staff and is_coordinator(user)


admin.site.has_permission = coordinators_only


# -- two-factor sign-in: reset only through kalliola.otp (it ends the person's sessions) --------
# django-otp's own device admins would delete a device and leave sessions verified by it open.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)

_User = get_user_model()
_BaseUserAdmin = type(admin.site._registry[_User])


@admin.action(description=_("Reset two-factor sign-in (a lost phone)"))
def reset_two_factor(modeladmin, request, queryset):
    if not request.user.is_superuser:
        messages.error(request, _("Only a superuser can reset two-factor sign-in."))
        return
    for user in queryset:
        otp.reset_two_factor(user)
    messages.success(
        request,
        _("Two-factor sign-in reset: they set up their app again at the next sign-in."),
    )


class UserAdmin(_BaseUserAdmin):
    actions = [*(_BaseUserAdmin.actions or []), reset_two_factor]


admin.site.unregister(_User)
admin.site.register(_User, UserAdmin)


class ReadOnlyLogEntryAdmin(LogEntryAdmin):
    """The audit trail: coordinators read it (auditlog.view_logentry, given to their group by
    kalliola.roles); nobody adds, changes or deletes entries here.

    Not even a superuser: auditlog's own admin would let a deletion of related objects cascade
    into the trail.
    """

    actions = None
    # The correlation id's column is titled in English by auditlog itself (not translatable),
    # and this site sets no correlation ids.
    list_display = [name for name in LogEntryAdmin.list_display if name != "cid_url"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ReadOnlyLogEntryAdmin)


@admin.register(QueuedMail)
class QueuedMailAdmin(admin.ModelAdmin):
    """The e-mail outbox: what was sent, what waits, what failed. Rows hold only record ids.

    Read-only; the one change is "send again" for mails given up on (after the provider is fixed).
    """

    list_display = ("mail_label", "args", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    fields = (
        "mail_label",
        "args",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("e-mail"), ordering="mail")
    def mail_label(self, obj):
        return mail.label_for(obj.mail)

    @admin.action(description=_("Send the selected failed e-mails again"), permissions=["change"])
    def send_again(self, request, queryset):
        count = mail.send_again(queryset)
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Only the list's action changes rows; a single mail's page is for reading.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class FaqItemInline(admin.StackedInline):
    model = FaqItem
    fields = ("position", "question", "answer")
    extra = 1


@admin.register(SiteContent)
class SiteContentAdmin(admin.ModelAdmin):
    """The support-family and support-meetings pages' texts, questions and the contacts, per
    language.

    Saved, they show on every public page at once (kalliola/site_content.py).
    """

    list_display = ("language", "coordinator_name", "coordinator_phone", "updated_at")
    fieldsets = (
        (None, {"fields": ("language",)}),
        (
            _("Contact on every public page"),
            {
                "fields": (
                    "coordinator_name",
                    "coordinator_title",
                    "coordinator_phone",
                    "coordinator_email",
                )
            },
        ),
        (_("The support-family page"), {"fields": ("children", "expectations", "offer")}),
        (
            _("The support-meetings page"),
            {
                "fields": (
                    "meetings_who",
                    "meetings_for_whom",
                    "meetings_privacy",
                    "meetings_phone",
                    "meetings_phone_hours",
                )
            },
        ),
    )
    inlines = [FaqItemInline]


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(AuditedViewAdminMixin, admin.ModelAdmin):
    """Feedback from the accessibility statement's form; answer each within 14 days.

    Read-only as sent; "Mark as answered" records who answered and when.
    """

    list_display = ("__str__", "answer_by", "status", "page_address", "language")
    list_filter = ("status", "language")
    list_select_related = ("answered_by",)
    date_hierarchy = "received_at"
    fields = (
        "received_at",
        "answer_by",
        "status",
        "message",
        "page_address",
        "name",
        "email",
        "language",
        "answered_at",
        "answered_by",
    )
    readonly_fields = fields
    actions = ["mark_answered"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("status", "answer_by", "pk")

    @admin.action(description=_("Mark the selected feedback as answered"), permissions=["change"])
    def mark_answered(self, request, queryset):
        count = sum(
            mark_feedback_answered(f, by=request.user)
            for f in queryset.filter(status=FeedbackStatus.NEW)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d feedback marked as answered.",
                "%(count)d feedback marked as answered.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False


# -- the list of apps and models a user may open ------------------------------------------------
# Every admin page builds it for the navigation (and the index a second time for its content):
# a permission check and two URL reversals per registered model, and on the index the two queries
# for the user's permissions, which nothing else there needs. It depends only on the user's
# permissions and the language, so it is kept per user in kalliola.access.ACCESS until they
# change; the pages themselves still check every permission on each request.


def _plain_names(app_list: list[dict]) -> list[dict]:
    # Lazy names do not pickle; the cache key carries the language they are translated to.
    for app in app_list:
        app["name"] = str(app["name"])
        for model in app["models"]:
            model["name"] = str(model["name"])
    return app_list


def _with_cached_app_list(get_app_list):
    def get_app_list_cached(request, app_label=None):
        if app_label is not None or not request.user.is_authenticated:
            return get_app_list(request, app_label)
        app_list = getattr(request, "_kalliola_app_list", None)
        if app_list is None:
            key = ACCESS.key(f"apps:{request.user.pk}:{get_language()}")
            app_list = ACCESS.fetch(key, lambda: _plain_names(get_app_list(request)))
            request._kalliola_app_list = app_list
            request._kalliola_app_list_key = key
        return app_list

    return get_app_list_cached


def _with_app_list_key(each_context):
    """The app list is rendered on every admin page: in the navigation beside it, and as the
    index's content. The templates (admin/base_site.html, admin/index.html) keep it for a minute
    under this key: the user's app list (which permission changes bump) and the page's address
    (the current model is marked)."""

    def each_context_with_app_list_key(request):
        context = each_context(request)
        key = getattr(request, "_kalliola_app_list_key", None)
        if key:
            context["app_list_cache_key"] = f"{key}:{request.path}"
        return context

    return each_context_with_app_list_key


admin.site.get_app_list = _with_cached_app_list(admin.site.get_app_list)
admin.site.each_context = _with_app_list_key(admin.site.each_context)
