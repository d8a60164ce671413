"""Short forms of the support workers' portal (they work on a phone)."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models import ContactMode, Going, UnavailablePeriod, UnavailableReason


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
            # Shown once the stay turned out to fall in a period without hosting.
            *(["log_anyway"] if self.show_log_anyway else []),
        )

    submit_label = _("Save the stay")
    show_log_anyway = False

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
    log_anyway = forms.BooleanField(
        label=_("Log anyway"),
        required=False,
        help_text=_(
            "The stay took place, or is agreed, although the family said it would not host."
        ),
    )

    def __init__(self, *args, **kwargs):
        # A tick sent back keeps the box on the page, so that it can be taken away again.
        self.show_log_anyway = bool(args and args[0] and args[0].get("log_anyway"))
        super().__init__(*args, **kwargs)

    def ask_to_confirm(self):
        """The service refused without confirmation: show the tick box."""
        self.show_log_anyway = True
        self.helper.layout = self.layout()

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


class UnavailablePeriodForm(_PortalForm):
    """Days on which the support family takes no child."""

    submit_label = _("Save the period")

    def layout(self):
        return Layout(
            Row(Column("start_date", css_class="col-6"), Column("end_date", css_class="col-6")),
            "reason",
            "note",
        )

    start_date = forms.DateField(label=_("First day"), widget=_DateInput())
    end_date = forms.DateField(label=_("Last day"), widget=_DateInput())
    reason = forms.ChoiceField(
        label=_("Reason"), choices=UnavailableReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=UnavailablePeriod._meta.get_field("note").max_length,
        help_text=_("A few words at most. No health or other sensitive details."),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return data


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
