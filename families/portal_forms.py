"""Short forms of the support workers' portal (they work on a phone)."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models import ContactMode, Going


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class _PortalForm(forms.Form):
    submit_label = _("Save")

    def layout(self):
        return Layout(*self.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = self.layout()
        self.helper.add_input(Submit("save", self.submit_label, css_class="btn-lg w-100"))


class StayForm(_PortalForm):
    """One stay: when the child arrived and left; notes are optional."""

    def layout(self):
        # Day and time side by side: a short form on a phone.
        return Layout(
            Row(Column("start_date", css_class="col-7"), Column("start_time", css_class="col-5")),
            Row(Column("end_date", css_class="col-7"), Column("end_time", css_class="col-5")),
            "notes",
        )

    submit_label = _("Save the stay")

    start_date = forms.DateField(label=_("Day the child arrived"), widget=_DateInput())
    start_time = forms.TimeField(
        label=_("Time the child arrived"), widget=_TimeInput(), initial=datetime.time(17)
    )
    end_date = forms.DateField(label=_("Day the child left"), widget=_DateInput())
    end_time = forms.TimeField(
        label=_("Time the child left"), widget=_TimeInput(), initial=datetime.time(17)
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        parts = ("start_date", "start_time", "end_date", "end_time")
        if all(data.get(name) for name in parts):
            tz = timezone.get_current_timezone()
            data["starts_at"] = datetime.datetime.combine(
                data["start_date"], data["start_time"], tzinfo=tz
            )
            data["ends_at"] = datetime.datetime.combine(
                data["end_date"], data["end_time"], tzinfo=tz
            )
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_date", _("The stay must end after it starts."))
        return data


class SupervisionContactForm(_PortalForm):
    submit_label = _("Save the contact")

    date = forms.DateField(label=_("Date"), widget=_DateInput(), initial=timezone.localdate)
    mode = forms.ChoiceField(label=_("How"), choices=ContactMode.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CheckInForm(_PortalForm):
    """How it goes, three questions of three plain steps, and an optional note."""

    submit_label = _("Save the check-in")

    date = forms.DateField(label=_("Date"), widget=_DateInput(), initial=timezone.localdate)
    for_child = forms.TypedChoiceField(
        label=_("How is it going for the child?"),
        choices=Going.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    for_family = forms.TypedChoiceField(
        label=_("How is it going for the support family?"),
        choices=Going.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    for_parent = forms.TypedChoiceField(
        label=_("How is it going for the child's parent?"),
        choices=Going.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
