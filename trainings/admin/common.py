"""Pieces shared by the trainings back office: filters, calendar revisions."""

from django.contrib import admin
from django.db import models
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from trainings import services
from trainings.models import HomeVisit

# Online links are https; say so rather than let forms guess the scheme.
URL_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}
ZERO_HOURS = Value(0, output_field=DecimalField(max_digits=6, decimal_places=2))


class WhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"
    field = "ends_at"

    def lookups(self, request, model_admin):
        return (("upcoming", _("Upcoming")), ("past", _("Past")))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(**{f"{self.field}__gte": now})
        if self.value() == "past":
            return queryset.filter(**{f"{self.field}__lt": now})
        return queryset


class GroupWhenFilter(WhenFilter):
    field = "last_end"


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
