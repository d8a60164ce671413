"""Back office for peer meetings and recreation events with invitations and replies."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kalliola.audit import AuditedViewAdminMixin
from kalliola.roles import SUPPORT_WORKERS
from trainings import services
from trainings.admin.common import WhenFilter
from trainings.models import (
    Event,
    EventInvitation,
    InvitationAudience,
    InvitationReply,
)


class InviteFamiliesForm(forms.Form):
    """Whom to invite: the audiences the coordinator ticks, with how many households each has."""

    audiences = forms.MultipleChoiceField(
        label=_("Invite"),
        choices=InvitationAudience.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[InvitationAudience.ACTIVE],
    )
    support_worker = forms.ModelChoiceField(
        label=_("Support worker"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Only when you invite the families of one support worker."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["support_worker"].queryset = (
            get_user_model()
            .objects.filter(groups__name=SUPPORT_WORKERS, is_active=True)
            .order_by("first_name", "last_name", "username")
        )
        sizes = services.audience_sizes()
        self.fields["audiences"].choices = [
            (value, f"{label} ({sizes[value]})") if value in sizes else (value, label)
            for value, label in InvitationAudience.choices
        ]

    def clean(self):
        data = super().clean()
        if InvitationAudience.WORKER in data.get("audiences", ()) and not data.get(
            "support_worker"
        ):
            self.add_error(
                "support_worker", _("Choose the support worker whose families are invited.")
            )
        return data


def _reply_counts():
    """The invitations' counts an event's list and page show, in the event's own query."""
    return {
        "invited_count": Count("invitations"),
        "coming_count": Coalesce(
            Sum("invitations__participants", filter=Q(invitations__reply=InvitationReply.YES)), 0
        ),
        "yes_count": Count("invitations", filter=Q(invitations__reply=InvitationReply.YES)),
        "no_count": Count("invitations", filter=Q(invitations__reply=InvitationReply.NO)),
        "pending_count": Count("invitations", filter=Q(invitations__reply=InvitationReply.PENDING)),
    }


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """An event's page holds the event and a summary of its replies; the replies themselves are
    their own list (`EventInvitationAdmin`), paginated and filtered, with bulk recording: never
    one form row per invitation, so an event with thousands of invitations still opens and
    saves."""

    list_display = ("title", "kind", "starts_at", "status", "invited", "coming")
    list_filter = ("kind", WhenFilter, "status")
    search_fields = ("title", "location")
    fields = (
        "kind",
        "title",
        "starts_at",
        "ends_at",
        "location",
        "description",
        "status",
        "replies",
    )
    readonly_fields = ("replies",)
    actions = ["invite_families"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**_reply_counts())

    @admin.display(description=_("invited"), ordering="invited_count")
    def invited(self, obj):
        return obj.invited_count

    @admin.display(description=_("people coming"), ordering="coming_count")
    def coming(self, obj):
        return obj.coming_count

    @admin.display(description=_("replies"))
    def replies(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        url = reverse("admin:trainings_eventinvitation_changelist")
        return format_html(
            '{} <a href="{}?event__id__exact={}">{}</a>',
            _(
                "%(invited)s invited: %(yes)s families coming (%(people)s people), %(no)s not "
                "coming, %(pending)s no reply yet."
            )
            % {
                "invited": obj.invited_count,
                "yes": obj.yes_count,
                "people": obj.coming_count,
                "no": obj.no_count,
                "pending": obj.pending_count,
            },
            url,
            obj.pk,
            _("Open the replies"),
        )

    @admin.action(description=_("Invite families…"))
    def invite_families(self, request, queryset):
        """A page to tick the audiences; on sending, the service invites each event's."""
        events = list(queryset)
        form = InviteFamiliesForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                count = sum(
                    services.invite_families(
                        event,
                        audiences=form.cleaned_data["audiences"],
                        support_worker=form.cleaned_data["support_worker"],
                        by=request.user,
                    )
                    for event in events
                )
            except services.InvitationError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "%(n)s family invited; the invitation is on its way by e-mail.",
                    "%(n)s families invited; the invitations are on their way by e-mail.",
                    count,
                )
                % {"n": count},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Invite families"),
            "events": events,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "trainings/admin/invite_families.html", context)


class EventInvitationForm(forms.ModelForm):
    class Meta:
        model = EventInvitation
        fields = ("reply", "participants")


@admin.register(EventInvitation)
class EventInvitationAdmin(AuditedViewAdminMixin, admin.ModelAdmin):
    """The replies to events: a list filtered by event and reply, a hundred a page, where a
    coordinator records a reply for one family on its page or for the ticked ones at once."""

    form = EventInvitationForm
    list_display = ("family", "event", "reply", "participants", "invited_at", "replied_at")
    list_filter = ("event", "reply")
    search_fields = ("family__contact_name", "family__email", "event__title")
    list_select_related = ("family", "event")
    list_per_page = 100
    fields = ("event", "family", "reply", "participants", "invited_at", "replied_at")
    readonly_fields = ("event", "family", "invited_at", "replied_at")
    actions = ["record_coming", "record_not_coming"]

    def has_add_permission(self, request):
        return False  # families are invited from the event list ("Invite families…")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.reply_to_invitation(
            obj, reply=obj.reply, participants=form.cleaned_data.get("participants") or 0
        )

    def _record(self, request, queryset, reply):
        count = services.record_replies(queryset, reply=reply, by=request.user)
        self.message_user(
            request,
            ngettext("%(n)s reply recorded.", "%(n)s replies recorded.", count) % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Record the reply: coming"), permissions=["change"])
    def record_coming(self, request, queryset):
        self._record(request, queryset, InvitationReply.YES)

    @admin.action(description=_("Record the reply: not coming"), permissions=["change"])
    def record_not_coming(self, request, queryset):
        self._record(request, queryset, InvitationReply.NO)
