"""Pieces shared by the trainings back office: filters, calendar revisions."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from trainings import services
from trainings.models import HomeVisit


class AttendedField(forms.ModelMultipleChoiceField):
    """Ticks, one per household signed up for (or enrolled in) the session: who attended."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.family.contact_name


class AttendanceAdminForm(forms.ModelForm):
    """A session's admin form with the "attended" ticks (`attended_queryset` lists who can be
    ticked, `attended_initial` who attended so far).

    A change of the ticks is refused with the rule's message (`services.attendance_refusal`:
    the session has not started, or was cancelled); the admin records them through
    `record_attendance` in `AttendanceAdminMixin.save_related`.
    """

    attended = AttendedField(
        label=_("Attended"),
        queryset=None,
        required=False,
        help_text=_(
            "Tick everyone who attended. Attendance can be recorded once the session has started."
        ),
    )

    def attended_queryset(self):
        raise NotImplementedError

    def attended_initial(self, queryset):
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:  # nobody has signed up for a session being created
            self.fields.pop("attended", None)
            return
        field = self.fields["attended"]
        field.queryset = self.attended_queryset()
        self.initial["attended"] = self.attended_initial(field.queryset)

    def clean_attended(self):
        attended = self.cleaned_data["attended"]
        if self.instance.pk and "attended" in self.changed_data:
            # The session as stored: the rule reads when it starts, not a time typed now.
            stored = type(self.instance).objects.get(pk=self.instance.pk)
            if refusal := services.attendance_refusal(stored):
                raise forms.ValidationError(refusal)
        return attended


class AttendanceAdminMixin:
    """Records a changed "attended" field of `AttendanceAdminForm` through the service
    `record_attendance_with` names (a staticmethod), and says how many attended."""

    record_attendance_with = None

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None:
            fields = [f for f in fields if f != "attended"]
        return fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "attended" not in form.changed_data:
            return
        attended = list(form.cleaned_data["attended"])
        try:
            self.record_attendance_with(form.instance, attended, by=request.user)
        except services.AttendanceError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "Attendance recorded: %(n)s household attended.",
                "Attendance recorded: %(n)s households attended.",
                len(attended),
            )
            % {"n": len(attended)},
            messages.SUCCESS,
        )


# Online links are https; say so rather than let forms guess the scheme.
URL_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}
ZERO_HOURS = Value(0, output_field=DecimalField(max_digits=6, decimal_places=2))


class WhenFilter(admin.SimpleListFilter):
    """Upcoming or past by the end time; a list whose "upcoming" is a rule of its own (the one
    its dashboard item counts) names that rule's condition in `upcoming_rule`."""

    title = _("when")
    parameter_name = "when"
    field = "ends_at"
    upcoming_rule = None
    upcoming_label = _("Upcoming")

    def lookups(self, request, model_admin):
        return (("upcoming", self.upcoming_label), ("past", _("Past")))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            if self.upcoming_rule is not None:
                return queryset.filter(self.upcoming_rule(now))
            return queryset.filter(**{f"{self.field}__gte": now})
        if self.value() == "past":
            return queryset.filter(**{f"{self.field}__lt": now})
        return queryset


class InfoSessionWhenFilter(WhenFilter):
    upcoming_rule = staticmethod(services.is_planned_info_session)
    upcoming_label = _("Upcoming (scheduled, not started)")


class GroupWhenFilter(WhenFilter):
    field = "last_end"
    upcoming_rule = staticmethod(services.is_planned_group)
    upcoming_label = _("Upcoming (published, not started)")


def _places(capacity, taken):
    left = services.places_left(capacity, taken)
    return "–" if left is None else left


class CalendarRevisionMixin:
    """A change of time or link bumps SEQUENCE so calendar programs update the entry."""

    calendar_fields = ("starts_at", "ends_at", "online_link")
    formfield_overrides = URL_OVERRIDES

    def save_model(self, request, obj, form, change):
        changed = change and set(self.calendar_fields) & set(form.changed_data)
        if changed:
            obj.sequence += 1
        super().save_model(request, obj, form, change)
        if changed:
            told = services.notify_session_changed(obj)
            if told:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)s participant will get the new time by e-mail.",
                        "%(n)s participants will get the new time by e-mail.",
                        told,
                    )
                    % {"n": told},
                )


def _attended_hours_subquery():
    # The hours that count (`services.counted_attendances`), as the rule of becoming trained.
    return Coalesce(
        Subquery(
            services.counted_attendances()
            .filter(enrollment=OuterRef("pk"))
            .values("enrollment")
            .annotate(total=Sum("hours"))
            .values("total")[:1]
        ),
        ZERO_HOURS,
    )


def _home_visit_hours_subquery():
    return Coalesce(
        Subquery(
            HomeVisit.objects.filter(family=OuterRef("family"))
            .values("family")
            .annotate(total=Sum("hours"))
            .values("total")[:1]
        ),
        ZERO_HOURS,
    )
