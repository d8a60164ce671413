"""The coordinator's list of waiting children: the longest-waiting first, a page at a time,
searchable by name and filterable by municipality and age group (issue 26, point 4)."""

import datetime

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from families.models import Child
from families.models.child import ChildStatus
from kalliola import municipalities
from kalliola.search import fold_text

PER_PAGE = 50
UNRECOGNISED = "?"

# (value, label, youngest age, oldest age): the age groups coordinators match by.
AGE_GROUPS = (
    ("0-6", _("Under school age (0–6)"), 0, 6),
    ("7-12", _("School age (7–12)"), 7, 12),
    ("13-17", _("Teenagers (13–17)"), 13, 17),
)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_between(youngest: int, oldest: int, today: datetime.date) -> Q:
    """Children aged `youngest`..`oldest` (whole years) today, as a condition on birth dates."""
    born_after = years_before(today, oldest + 1)  # the day they would turn oldest + 1
    return Q(birth_date__gt=born_after, birth_date__lte=years_before(today, youngest))


class WaitingChildrenFilter(forms.Form):
    q = forms.CharField(label=_("Search by name"), max_length=100, required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    age = forms.ChoiceField(
        label=_("Age group"),
        required=False,
        choices=[("", _("All ages"))] + [(value, label) for value, label, *_ages in AGE_GROUPS],
    )

    def __init__(self, data, *, present: list[str]):
        super().__init__(data)
        named = sorted(
            (
                (v, municipalities.display_name(v))
                for v in present
                if municipalities.is_recognised(v)
            ),
            key=lambda pair: municipalities.sort_key(pair[1]),
        )
        self.fields["municipality"].choices = [
            ("", _("All municipalities")),
            *named,
            (UNRECOGNISED, _("Not recognised")),
        ]


def waiting_children_page(params, *, today: datetime.date, page_number):
    """(the filter form, the page of children) for the waiting-children list."""
    waiting = Child.objects.filter(status=ChildStatus.WAITING)
    present = list(
        waiting.order_by("municipality").values_list("municipality", flat=True).distinct()
    )
    form = WaitingChildrenFilter(params, present=present)
    children = waiting
    if form.is_valid():
        for word in form.cleaned_data["q"].split():
            children = children.filter(search_names__contains=fold_text(word))
        municipality = form.cleaned_data["municipality"]
        if municipality == UNRECOGNISED:
            children = children.filter(municipalities.unrecognised_q())
        elif municipality:
            children = children.filter(municipality=municipality)
        for value, _label, youngest, oldest in AGE_GROUPS:
            if form.cleaned_data["age"] == value:
                children = children.filter(age_between(youngest, oldest, today))
    # The longest-waiting first; among children waiting since the same day, the first entered.
    children = children.order_by("waiting_since", "pk").only(
        "first_name", "last_name", "birth_date", "municipality", "waiting_since", "status"
    )
    return form, Paginator(children, PER_PAGE).get_page(page_number)
