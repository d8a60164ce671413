"""Back office for peer meetings and recreation events with invitations and replies."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kalliola.roles import SUPPORT_WORKERS
from trainings import services
from trainings.admin.common import WhenFilter
from trainings.models import (
    Event,
    EventInvitation,
    InvitationAudience,
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


class EventInvitationInline(admin.TabularInline):
    model = EventInvitation
    extra = 0
    autocomplete_fields = ("family",)
    fields = ("family", "reply", "participants", "invited_at", "replied_at")
    readonly_fields = ("invited_at", "replied_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "status", "invited", "coming")
    list_filter = ("kind", WhenFilter, "status")
    search_fields = ("title", "location")
    inlines = [EventInvitationInline]
    actions = ["invite_families"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                invited_count=Count("invitations"),
                coming_count=Coalesce(
                    Sum("invitations__participants", filter=Q(invitations__reply="yes")), 0
                ),
            )
        )

    @admin.display(description=_("invited"), ordering="invited_count")
    def invited(self, obj):
        return obj.invited_count

    @admin.display(description=_("people coming"), ordering="coming_count")
    def coming(self, obj):
        return obj.coming_count

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
                    )
                    for event in events
                )
            except services.InvitationError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext("%(n)s family invited.", "%(n)s families invited.", count) % {"n": count},
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
