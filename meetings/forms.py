"""Forms of support meetings: the public request form and the support workers' forms."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kalliola.municipalities import MunicipalityChoiceField
from kalliola.public_forms import HoneypotFormMixin, PlainErrorsMixin
from kalliola.validators import validate_person_name, validate_phone
from meetings.models import (
    Assessment,
    Benefit,
    ContactChannel,
    ContactRole,
    HeardFrom,
    MeetingMode,
    Outcome,
    Plan,
    ReferralKind,
    ReferralStatus,
    Theme,
    Topic,
)
from meetings.models.choices import TEXT_MAX

ROLE_CHOICES = [
    (ContactRole.PARENT, _("I am the parent")),
    (ContactRole.RELATIVE, _("I am a relative, for example a grandparent")),
    (ContactRole.PROFESSIONAL, _("I am a professional who works with the family")),
]
MODE_CHOICES = [
    (MeetingMode.FACE_TO_FACE, _("We meet face to face")),
    (MeetingMode.PHONE, _("We talk on the phone")),
    (MeetingMode.ONLINE, _("We meet online, on a video call")),
]
CHANNEL_CHOICES = [
    (ContactChannel.PHONE_CALL, _("Call me")),
    (ContactChannel.TEXT_MESSAGE, _("Send me a text message")),
    (ContactChannel.EMAIL, _("Send me an e-mail")),
]
# The public form's words for the themes and for how the person heard of us: plain language
# (many parents who ask have learning difficulties); the codes are the same as the workers'.
PLAIN_THEME_CHOICES = [
    (Theme.BABY_WISHES, _("Wish for a baby, family planning")),
    (Theme.SOCIAL_SERVICES, _("Social services: disagreements or working together")),
    (Theme.OWN_RIGHTS, _("My rights and the money I can get")),
    (Theme.PARENTING, _("Being a parent")),
    (Theme.FEELINGS, _("Feelings and things from the past")),
    (Theme.FINDING_SERVICES, _("Finding help and applying for it")),
    (Theme.PREPARING, _("Getting ready for a meeting")),
    (Theme.EVERYDAY_LIFE, _("Everyday life")),
    (Theme.OTHER, _("Something else")),
]
PLAIN_HEARD_FROM_CHOICES = [
    (HeardFrom.WEB_SEARCH, _("I searched on the internet")),
    (HeardFrom.PROFESSIONAL, _("A professional told me")),
    (HeardFrom.SOMEONE_KNOWN, _("Someone I know told me")),
    (HeardFrom.OTHER, _("Some other way")),
]


def _minutes(minutes: int) -> str:
    return gettext("%(minutes)s minutes") % {"minutes": minutes}


# Lazy: the label is read in the reader's language, not in the language the module loaded in.
DURATION_CHOICES = [(m, lazy(_minutes, str)(m)) for m in (15, 30, 45, 60, 90)]
DURATION_CHOICES += [(120, _("2 hours")), (180, _("3 hours"))]


# A way of meeting the form offers besides the three; saved as no preference.
MODE_NOT_KNOWN = "not_known"
PUBLIC_MODE_CHOICES = [*MODE_CHOICES, (MODE_NOT_KNOWN, _("I don't know yet"))]


class MeetingRequestForm(PlainErrorsMixin, HoneypotFormMixin, forms.Form):
    """The short public form. Plain words, one question per field; the professional's fields
    in their own group, shown only to a professional (static/js/forms.js; without scripts
    under the heading "Only for professionals")."""

    required_messages = {
        "contact_role": _("Choose who you are."),
        "name": _("Write your name."),
        "contact_channel": _("Choose how we contact you."),
        "preferred_mode": _("Choose how you would like to meet. Not sure? Choose the last option."),
    }

    contact_role = forms.ChoiceField(
        label=_("Who are you?"), choices=ROLE_CHOICES, widget=forms.RadioSelect
    )
    organisation = forms.CharField(
        label=_("Your workplace"),
        max_length=200,
        required=False,
    )
    family_agreed = forms.BooleanField(
        label=_("The family knows about this message and agrees to it."),
        required=False,
        help_text=_("Professionals must tick this box."),
    )
    name = forms.CharField(label=_("Your name"), max_length=200, validators=[validate_person_name])
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=32,
        required=False,
        validators=[validate_phone],
        help_text=_("For example 040 123 4567."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail"),
        required=False,
        help_text=_("If you give your e-mail, we send you a message that we got your request."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_channel = forms.ChoiceField(
        label=_("How can we contact you?"), choices=CHANNEL_CHOICES, widget=forms.RadioSelect
    )
    best_time = forms.CharField(
        label=_("When is a good time?"),
        max_length=200,
        required=False,
        help_text=_("For example: weekdays after 12."),
    )
    question = forms.CharField(
        label=_("What would you like help with?"),
        max_length=TEXT_MAX,
        required=False,
        help_text=_("You can also tell us on the phone. If you write, a few sentences are enough."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    themes = forms.MultipleChoiceField(
        label=_("What is it about?"),
        choices=PLAIN_THEME_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("You can tick many. You can also leave this empty."),
    )
    preferred_mode = forms.ChoiceField(
        label=_("How would you like to meet?"),
        choices=PUBLIC_MODE_CHOICES,
        widget=forms.RadioSelect,
    )
    municipality = MunicipalityChoiceField(
        label=_("Where does the family live?"),
        required=False,
        help_text=_("The municipality. You can leave this empty."),
    )
    heard_from = forms.ChoiceField(
        label=_("How did you hear about us?"),
        choices=PLAIN_HEARD_FROM_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("You can leave this empty."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token
        self.helper.layout = Layout(
            "contact_role",
            Fieldset(
                _("Only for professionals"),
                "organisation",
                "family_agreed",
                css_class="professional-only",
                data_shown_for="contact_role:" + ContactRole.PROFESSIONAL,
            ),
            "name",
            Fieldset(
                _("How can we reach you?"),
                HTML(
                    '<p class="contact-rule" id="contact-rule">'
                    + str(_("Give a phone number or an e-mail address. One is enough."))
                    + "</p>"
                ),
                "phone",
                "email",
                "contact_channel",
                "best_time",
                css_class="contact-details",
                aria_describedby="contact-rule",
            ),
            "question",
            "themes",
            "preferred_mode",
            "municipality",
            "heard_from",
        )

    def clean_preferred_mode(self):
        mode = self.cleaned_data["preferred_mode"]
        return "" if mode == MODE_NOT_KNOWN else mode

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("contact_role")
        if role == ContactRole.PROFESSIONAL and not cleaned.get("family_agreed"):
            self.add_error(
                "family_agreed",
                _("Please ask the family first. Then tick this box."),
            )
        if role and role != ContactRole.PROFESSIONAL:
            # Hidden from a parent or a relative: what a browser still sent is not theirs.
            cleaned["organisation"], cleaned["family_agreed"] = "", False
        phone, email = cleaned.get("phone"), cleaned.get("email")
        if not phone and not email and "phone" not in self.errors and "email" not in self.errors:
            self.add_error("phone", _("Write a phone number or an e-mail address. One is enough."))
        channel = cleaned.get("contact_channel")
        if channel == ContactChannel.EMAIL and not email and "email" not in self.errors:
            self.add_error("email", _("You asked for an e-mail. Please write your e-mail."))
        if (
            channel in (ContactChannel.PHONE_CALL, ContactChannel.TEXT_MESSAGE)
            and not phone
            and "phone" not in self.errors
        ):
            self.add_error("phone", _("You asked us to call or text. Please write your phone."))
        return cleaned


class MeetingForm(forms.Form):
    """Log or correct a meeting; big fields that work on a phone."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    mode = forms.ChoiceField(
        label=_("How we met"), choices=MeetingMode.choices, widget=forms.RadioSelect
    )
    duration_minutes = forms.TypedChoiceField(
        label=_("Duration"), choices=DURATION_CHOICES, coerce=int, initial=60
    )
    topics = forms.MultipleChoiceField(
        label=_("What we did"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tasks = forms.CharField(
        label=_("Tasks until next time"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_for(cls, meeting) -> dict:
        local = timezone.localtime(meeting.starts_at)
        return {
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "mode": meeting.mode,
            "duration_minutes": meeting.duration_minutes,
            "topics": meeting.topics,
            "notes": meeting.notes,
            "tasks": meeting.tasks,
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        starts_at = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
        return {
            "starts_at": starts_at,
            "mode": data["mode"],
            "duration_minutes": data["duration_minutes"],
            "topics": data["topics"],
            "notes": data["notes"],
            "tasks": data["tasks"],
        }


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["life_situation", "services_in_use", "family_question", "what_would_help"]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in fields}


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["next_steps", "who_does_what"]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in fields}


class ReferralForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReferralKind.choices)
    # Optional so an untouched empty row is simply skipped.
    name = forms.CharField(label=_("Service"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)


ReferralFormSet = forms.formset_factory(
    ReferralForm, extra=1, can_delete=True, max_num=20, validate_max=True
)


class CloseCaseForm(forms.Form):
    closed_on = forms.DateField(
        label=_("Closing date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    cancel_future_meetings = forms.BooleanField(
        label=_("Cancel the planned meetings ahead"),
        required=False,
        help_text=_("They stay in the case's history as cancelled."),
    )

    def __init__(self, *args, planned_ahead: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if not planned_ahead:
            del self.fields["cancel_future_meetings"]


class FollowUpForm(forms.Form):
    done_on = forms.DateField(
        label=_("Date of the follow-up"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.TypedChoiceField(
        label=_("How are things now?"),
        choices=Outcome.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    benefits = forms.MultipleChoiceField(
        label=_("What did the family get from the meetings?"),
        choices=Benefit.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick all that the family says."),
    )
    notes = forms.CharField(
        label=_("In the family's words"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    referred_again = forms.BooleanField(
        label=_("The family was referred to services again"), required=False
    )


class CaseDetailsFields(forms.Form):
    """The themes and the learning-support need with its consent, shared by the portal's
    Themes page and the case admin. The rule is `services.record_case_details`; this only
    says so on the form. (Not named after the model field: the admin's model form would
    otherwise write the need straight into the case.)"""

    themes = forms.MultipleChoiceField(
        label=_("What the case is about"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_given = forms.BooleanField(
        label=_("The client agreed that a learning-support need may be recorded"),
        required=False,
        help_text=_("Ask the client first. Untick this if the client takes the consent back."),
    )
    needs_learning_support = forms.BooleanField(
        label=_("The parent needs support in learning and understanding"), required=False
    )

    @staticmethod
    def initial_for(case, themes: list[str]) -> dict:
        return {
            "themes": themes,
            "heard_from": case.heard_from,
            "consent_given": case.learning_support_consent_on is not None,
            "consent_on": case.learning_support_consent_on,
            "needs_learning_support": case.learning_support_need,
        }

    def clean(self):
        data = super().clean()
        if data.get("needs_learning_support") and not data.get("consent_given"):
            self.add_error(
                "consent_given",
                _("The need can be recorded only if the client agreed. Tick this first."),
            )
        return data

    def details_kwargs(self, heard_from: str) -> dict:
        """The arguments of `services.record_case_details` (besides the case and who)."""
        data = self.cleaned_data
        return {
            "themes": data.get("themes", []),
            "heard_from": heard_from,
            "learning_support_need": data.get("needs_learning_support", False),
            "consent_given": data.get("consent_given", False),
            "consent_on": data.get("consent_on"),
        }


class CaseDetailsForm(CaseDetailsFields):
    """The portal's Themes page: the shared fields, how the person heard of us, the consent's
    day."""

    field_order = ["themes", "heard_from", "consent_given", "consent_on", "needs_learning_support"]

    heard_from = forms.ChoiceField(
        label=_("How the person heard of the service"),
        choices=[("", _("Not known"))] + HeardFrom.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    consent_on = forms.DateField(
        label=_("Day of the consent"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today if left empty. Kept as it is once recorded."),
    )

    def clean(self):
        data = super().clean()
        consent_on = data.get("consent_on")
        if consent_on and consent_on > timezone.localdate():
            self.add_error("consent_on", _("The day of the consent cannot be in the future."))
        return data
