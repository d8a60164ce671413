"""Admin for relationships and their stays (rates and payment reports: families/admin/payments.py).

Relationships are created from a waiting child's suggestion list (a custom admin view), so the
rules of `create_relationship` always apply; stays are logged in the portal (coordinators see
every relationship there) and shown here inline with their amounts.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from families import matching
from families.admin.waiting import waiting_children_page
from families.models import (
    REVIEW_DUE_DAYS,
    CheckIn,
    Child,
    EndCause,
    EndInitiator,
    Rate,
    RelationshipStatus,
    RelationshipStatusChange,
    Stay,
    SupervisionContact,
    SupportRelationship,
)
from families.models.child import ChildStatus
from families.services import check_ins as check_in_services
from families.services import relationships as relationship_services
from families.services import reviews
from families.services import stays as stay_services
from families.services.readiness import required_items
from kalliola.admin_inlines import ReadOnlyTableInline
from kalliola.admin_lists import LeanChangelistMixin
from kalliola.audit import AuditedViewAdminMixin
from kalliola.roles import SUPPORT_WORKERS, StaffChoiceField, staff_name
from kalliola.subqueries import count_of


def support_workers():
    return (
        get_user_model()
        .objects.filter(groups__name=SUPPORT_WORKERS, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class SupportWorkerFilter(admin.SimpleListFilter):
    title = _("support worker")
    parameter_name = "worker"

    def lookups(self, request, model_admin):
        return [(str(u.pk), staff_name(u)) for u in support_workers()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(support_worker_id=int(self.value()))
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    """The dashboard's "reviews due" links to "due": the rules of `families.services.reviews`."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("due", _("Overdue or due within %(days)s days") % {"days": REVIEW_DUE_DAYS}),
            (reviews.OVERDUE, _("Overdue")),
            (reviews.COMING_UP, _("Due within %(days)s days") % {"days": REVIEW_DUE_DAYS}),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "due":
            return reviews.reviews_due(queryset, today)
        if self.value() in reviews.RULES:
            return queryset.filter(reviews.RULES[self.value()](today))
        return queryset


class AttentionFilter(admin.SimpleListFilter):
    """The dashboard's "needing attention" item links here: the same rules, one per choice."""

    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("any", _("For any reason")),
            *((key, check_in_services.reason_text(key)) for key in check_in_services.REASONS),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        rules = {
            "any": check_in_services.needs_attention,
            check_in_services.NO_STAYS: check_in_services.no_recent_stay,
            check_in_services.CHECK_IN_OVERDUE: check_in_services.check_in_overdue,
            check_in_services.SCALE_FELL: lambda today: check_in_services.scale_fell(),
        }
        if self.value() in rules:
            return queryset.filter(rules[self.value()](today))
        return queryset


class CheckInInline(ReadOnlyTableInline):
    model = CheckIn
    fields = ("date", "for_child", "for_family", "for_parent", "note", "created_by")
    select_related = ("created_by",)


class StayInline(ReadOnlyTableInline):
    model = Stay
    fields = ("starts_at", "ends_at", "nights", "fee_shown", "reimbursement_shown", "approved")
    select_related = ("payment_month",)

    def get_queryset(self, request):
        self._rates = list(Rate.objects.all())
        self._priced = {}
        return super().get_queryset(request)

    def _amounts(self, stay):
        # Two columns show each stay's amounts: priced once.
        priced = getattr(self, "_priced", {})
        if stay.pk not in priced:
            priced[stay.pk] = stay_services.amounts_of(stay, getattr(self, "_rates", None))
        return priced[stay.pk]

    @admin.display(description=_("fee"))
    def fee_shown(self, stay):
        return stay_services.money(self._amounts(stay).fee)

    @admin.display(description=_("expense reimbursement"))
    def reimbursement_shown(self, stay):
        return stay_services.money(self._amounts(stay).reimbursement)

    @admin.display(description=_("approved"), boolean=True)
    def approved(self, stay):
        return stay.is_approved


class SupervisionContactInline(ReadOnlyTableInline):
    model = SupervisionContact
    fields = ("date", "mode", "notes", "created_by")
    select_related = ("created_by",)


class StatusChangeInline(ReadOnlyTableInline):
    model = RelationshipStatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by", "note")
    select_related = ("changed_by",)


class EndRelationshipForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), initial=timezone.localdate)
    cause = forms.ChoiceField(
        label=_("Why does the relationship end?"),
        choices=EndCause.choices,
        widget=forms.RadioSelect,
    )
    initiator = forms.ChoiceField(
        label=_("Who proposed ending it?"),
        choices=[c for c in EndInitiator.choices if c[0] != EndInitiator.NOT_RECORDED],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Not shown in the statistics."),
    )
    household_on_hold = forms.BooleanField(
        label=_("Put the household on hold (otherwise it is free for a new child)"),
        required=False,
    )
    child_waits_again = forms.BooleanField(
        label=_("The child still needs a support family (back to waiting)"), required=False
    )


class CreateRelationshipForm(forms.Form):
    support_worker = StaffChoiceField(label=_("Support worker"), queryset=None)
    start_date = forms.DateField(label=_("Start date"), initial=timezone.localdate)
    rhythm = forms.CharField(
        label=_("Agreed rhythm"),
        max_length=200,
        required=False,
        initial=_("One weekend a month"),
    )
    family = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["support_worker"].queryset = support_workers()


@admin.register(SupportRelationship)
class SupportRelationshipAdmin(AuditedViewAdminMixin, LeanChangelistMixin, admin.ModelAdmin):
    list_display = (
        "child",
        "family",
        "worker_name",
        "status",
        "start_date",
        "review_date",
        "stays_count",
    )
    list_filter = ("status", SupportWorkerFilter, ReviewDueFilter, AttentionFilter)
    list_select_related = ("child", "family", "support_worker")
    search_fields = ("child__first_name", "child__last_name", "family__contact_name")
    readonly_fields = (
        "child",
        "family",
        "start_date",
        "status",
        "end_date",
        "end_cause",
        "end_initiator",
        "end_reason",
        "review_reminded_for",
        "created_by",
        "created_at",
        "end_link",
    )
    fields = (
        "child",
        "family",
        "support_worker",
        "start_date",
        "rhythm",
        "review_date",
        "status",
        "end_date",
        "end_cause",
        "end_initiator",
        "end_reason",
        "end_link",
        "review_reminded_for",
        "created_by",
        "created_at",
    )
    inlines = (CheckInInline, StayInline, SupervisionContactInline, StatusChangeInline)
    actions = ("pause_selected", "resume_selected")
    change_list_template = "families/admin/relationship_change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("child", "family", "support_worker")
            .annotate(_stays=count_of(Stay.objects.filter(relationship=OuterRef("pk"))))
        )

    @admin.display(description=_("support worker"), ordering="support_worker__first_name")
    def worker_name(self, obj):
        return staff_name(obj.support_worker)

    @admin.display(description=_("stays"), ordering="_stays")
    def stays_count(self, obj):
        return obj._stays

    @admin.display(description=_("end"))
    def end_link(self, obj):

        if obj is None or obj.pk is None or obj.status == RelationshipStatus.ENDED:
            return "–"
        url = reverse("admin:families_supportrelationship_end", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("End…"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "support_worker":
            kwargs["queryset"] = support_workers()
            kwargs["form_class"] = StaffChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        # New relationships come from a waiting child's suggestions (see suggestions_view).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _can_create(self, request) -> bool:
        return request.user.has_perm("families.add_supportrelationship")

    @admin.action(description=_("Pause the selected relationships"))
    def pause_selected(self, request, queryset):
        self._each(request, queryset, relationship_services.pause_relationship)

    @admin.action(description=_("Resume the selected relationships"))
    def resume_selected(self, request, queryset):
        self._each(request, queryset, relationship_services.resume_relationship)

    def _each(self, request, queryset, operation):
        done = 0
        for relationship in queryset:
            try:
                operation(relationship, by=request.user)
                done += 1
            except relationship_services.RelationshipError as error:
                self.message_user(request, f"{relationship}: {error}", messages.WARNING)
        if done:
            self.message_user(
                request, gettext("%(n)s relationships changed.") % {"n": done}, messages.SUCCESS
            )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("lapset/", wrap(self.waiting_children_view), name="families_waiting_children"),
            path(
                "lapset/<int:child_id>/ehdotukset/",
                wrap(self.suggestions_view),
                name="families_child_suggestions",
            ),
            path("<int:pk>/paata/", wrap(self.end_view), name="families_supportrelationship_end"),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def waiting_children_view(self, request):
        if not self._can_create(request):
            raise PermissionDenied
        today = timezone.localdate()
        form, page = waiting_children_page(
            request.GET, today=today, page_number=request.GET.get("p")
        )
        query = request.GET.copy()
        query.pop("p", None)
        return TemplateResponse(
            request,
            "families/admin/waiting_children.html",
            self._context(
                request,
                gettext("Waiting children"),
                form=form,
                page=page,
                children=[
                    (child, child.age_on(today), (today - child.waiting_since).days)
                    for child in page
                ],
                query=query.urlencode(),
            ),
        )

    def suggestions_view(self, request, child_id):
        """The suggestions, then a confirmation page, then `create_relationship` (which tells
        the support family and the support worker by e-mail)."""
        if not self._can_create(request):
            raise PermissionDenied
        child = get_object_or_404(Child, pk=child_id)
        form = CreateRelationshipForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid() and form.cleaned_data.get("family"):
                family_id = form.cleaned_data["family"]
                today = timezone.localdate()
                family = matching.candidates(child, today=today).filter(pk=family_id).first()
                if family is None:
                    messages.error(request, gettext("That household is not a suitable match."))
                elif not request.POST.get("confirm"):
                    return self._confirm_relationship(request, child, family, form)
                else:
                    try:
                        relationship = relationship_services.create_relationship(
                            child=child,
                            family=family,
                            support_worker=form.cleaned_data["support_worker"],
                            start_date=form.cleaned_data["start_date"],
                            rhythm=form.cleaned_data["rhythm"],
                            by=request.user,
                        )
                    except relationship_services.RelationshipError as error:
                        messages.error(request, str(error))
                    else:
                        messages.success(
                            request,
                            gettext(
                                "The support relationship is created. The support family and "
                                "the support worker were told by e-mail."
                            ),
                        )
                        return redirect(
                            "admin:families_supportrelationship_change", relationship.pk
                        )
            elif form.is_valid():
                messages.error(request, gettext("Choose a household from the list."))
        suggestions, blocked_count, blocked = [], 0, []
        if child.status == ChildStatus.WAITING:
            today = timezone.localdate()
            items = required_items()
            suggestions = matching.suggest(child, today=today, items=items)
            blocked_count, blocked = matching.blocked_for(child, today=today, items=items)
        return TemplateResponse(
            request,
            "families/admin/suggestions.html",
            self._context(
                request,
                gettext("Support families for %(child)s") % {"child": child},
                child=child,
                form=form,
                suggestions=suggestions,
                blocked=blocked,
                blocked_count=blocked_count,
                is_waiting=child.status == ChildStatus.WAITING,
            ),
            status=400 if request.method == "POST" else 200,
        )

    def _confirm_relationship(self, request, child, family, form):
        """What is about to be created, and who will be told, before anything is saved."""
        data = form.cleaned_data
        return TemplateResponse(
            request,
            "families/admin/confirm_relationship.html",
            self._context(
                request,
                gettext("Create the support relationship?"),
                child=child,
                family=family,
                worker_name=staff_name(data["support_worker"]),
                start_date=data["start_date"],
                rhythm=data["rhythm"],
                form=form,
            ),
        )

    def end_view(self, request, pk):
        if not request.user.has_perm("families.change_supportrelationship"):
            raise PermissionDenied
        relationship = get_object_or_404(
            SupportRelationship.objects.select_related("child", "family"), pk=pk
        )
        form = EndRelationshipForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                relationship_services.end_relationship(
                    relationship,
                    end_date=form.cleaned_data["end_date"],
                    cause=form.cleaned_data["cause"],
                    initiator=form.cleaned_data["initiator"],
                    note=form.cleaned_data["note"],
                    household_on_hold=form.cleaned_data["household_on_hold"],
                    child_waits_again=form.cleaned_data["child_waits_again"],
                    by=request.user,
                )
            except relationship_services.RelationshipError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("The support relationship has ended."))
                return redirect("admin:families_supportrelationship_change", relationship.pk)
        return TemplateResponse(
            request,
            "families/admin/end_relationship.html",
            self._context(
                request,
                gettext("End the support relationship"),
                relationship=relationship,
                form=form,
                original=relationship,
            ),
        )
