"""Public sign-up form for info sessions and training groups."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kalliola.municipalities import MunicipalityChoiceField
from kalliola.public_forms import HoneypotFormMixin, PlainErrorsMixin
from kalliola.validators import normalise_email, validate_person_name, validate_phone

# What the person agrees Kalliola saves the details for, by what they sign up to.
CONSENT_PURPOSES = {
    "info_session": _("I agree that Kalliola saves my details to arrange the info session."),
    "group": _("I agree that Kalliola saves my details to arrange the pre-training."),
}


class SignupForm(PlainErrorsMixin, HoneypotFormMixin, forms.Form):
    """The sign-up to an info session (`purpose="info_session"`) or a training group."""

    required_messages = {
        "name": _("Write your name."),
        "email": _("Write your e-mail address. We send the confirmation there."),
        "phone": _("Write your phone number."),
        "municipality": _("Write the municipality where you live."),
    }

    name = forms.CharField(label=_("Your name"), max_length=200, validators=[validate_person_name])
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        validators=[validate_phone],
        help_text=_("For example 040 123 4567."),
    )
    municipality = MunicipalityChoiceField(label=_("Municipality where you live"))
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Please accept so that we may save your details.")},
    )

    def __init__(self, *args, purpose: str = "group", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = format_html(
            '{} <a href="{}">{}</a>',
            CONSENT_PURPOSES[purpose],
            reverse("privacy"),
            _("Read the privacy notice."),
        )
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["municipality"].widget.attrs["autocomplete"] = "address-level2"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Please write your name."))
        return name

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class EventReplyForm(PlainErrorsMixin, forms.Form):
    required_messages = {"reply": _("Choose if you are coming.")}

    reply = forms.ChoiceField(
        label=_("Are you coming?"),
        choices=[("yes", _("Yes, we are coming")), ("no", _("No, we cannot come"))],
        widget=forms.RadioSelect,
    )
    participants = forms.IntegerField(
        label=_("How many of you will come, children included?"),
        min_value=0,
        max_value=20,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reply") == "yes" and not cleaned.get("participants"):
            self.add_error("participants", _("Please tell us how many of you will come."))
        return cleaned
