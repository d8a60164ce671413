"""Forms of the families app: the public application to become a support family."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from families.models import Language, SupportFamily
from families.services.duplicates import APPLICATION_FIELDS
from kalliola.municipalities import MunicipalityChoiceField
from kalliola.public_forms import HoneypotFormMixin, PlainErrorsMixin
from kalliola.validators import normalise_email, validate_person_name

# The wished age of the support child (not the applicant's own children). Nothing is chosen
# beforehand: "I don't know yet" (any age, 0 to 17) is the first choice.
AGE_NOT_KNOWN = ""
AGE_CHOICES = [(AGE_NOT_KNOWN, _("I don't know yet")), *[(age, str(age)) for age in range(18)]]
YOUNGEST_AGE, OLDEST_AGE = 0, 17
MAX_CHILDREN_CHOICES = [(n, str(n)) for n in range(1, 5)]


class SupportFamilyApplicationForm(PlainErrorsMixin, HoneypotFormMixin, forms.ModelForm):
    """Everything the programme needs to know about a household that wants to take part.

    Saving goes through `families.services.submit_application`, never `form.save()`.
    """

    # The official list (kalliola.municipalities), declared here so that the plain messages
    # of `PlainErrorsMixin` reach it too.
    municipality = MunicipalityChoiceField(label=_("Municipality"))
    required_messages = {
        "contact_name": _("Write your name."),
        "email": _("Write your e-mail address. We send the confirmation there."),
        "street_address": _("Write your street address."),
        "postal_code": _("Write your postal code, for example 00530."),
        "municipality": _("Choose the municipality where you live."),
        "household_members": _("Tell us who lives in your home. No names are needed."),
        "languages": _("Tick at least one language."),
        "frequency": _("Choose how often a child could visit you."),
    }

    languages = forms.MultipleChoiceField(
        label=_("Languages spoken at home"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    child_age_min = forms.TypedChoiceField(
        label=_("The support child is at least (years)"),
        choices=AGE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )
    child_age_max = forms.TypedChoiceField(
        label=_("The support child is at most (years)"),
        choices=AGE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )
    max_children = forms.TypedChoiceField(
        label=_("How many children at the same time"),
        choices=MAX_CHILDREN_CHOICES,
        coerce=int,
        initial=1,
    )
    commitment = forms.BooleanField(
        label=_("We can commit to being a support family for at least one year."),
        error_messages={"required": _("Please confirm that you can commit for at least a year.")},
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that Kalliola keeps the information in this form to run the support family "
            "programme."
        ),
        error_messages={"required": _("We need your consent to handle your application.")},
    )

    class Meta:
        model = SupportFamily
        # The fields the application service may set, plus the address it is keyed by; the
        # layout below orders them.
        fields = ["email", *APPLICATION_FIELDS]
        labels = {
            "contact_name": _("Your name"),
            "email": _("Your e-mail"),
            "phone": _("Your phone number"),
            "second_adult_name": _("Name of the other adult"),
            "second_adult_email": _("E-mail of the other adult"),
            "second_adult_phone": _("Phone number of the other adult"),
            "contact_language": _("Which language should we write to you in?"),
            "street_address": _("Street address"),
            "postal_code": _("Postal code"),
            "municipality": _("Municipality"),
            "household_members": _("Who lives in your home?"),
            "has_pets": _("We have pets"),
            "pets": _("What pets?"),
            "frequency": _("How often could a child visit you?"),
            "home_accessibility": _("Is your home accessible?"),
            "wishes": _("Your own wishes"),
        }
        help_texts = {
            "phone": _("For example 040 123 4567."),
            "second_adult_name": _("Fill in if two adults live in the home."),
            "postal_code": _("Five digits, for example 00530."),
            "household_members": _(
                "For example: two adults, a 10-year-old child and a grandmother. "
                "No names are needed."
            ),
            "home_accessibility": _(
                "For example: lift, stairs, space for a wheelchair. You can leave this empty."
            ),
            "wishes": _(
                "For example the age or gender of the child, or what you like to do. "
                "You can leave this empty."
            ),
        }
        widgets = {
            "household_members": forms.Textarea(attrs={"rows": 3}),
            "wishes": forms.Textarea(attrs={"rows": 3}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "street_address": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postal_code": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("street_address", "postal_code", "household_members"):
            self.fields[name].required = True
        self.fields["municipality"].widget.attrs["autocomplete"] = "address-level2"
        for name in ("contact_name", "second_adult_name"):
            self.fields[name].validators.append(validate_person_name)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token
        self.helper.layout = Layout(
            Fieldset(
                _("1. Your household"),
                "contact_name",
                "email",
                "phone",
                "second_adult_name",
                "second_adult_email",
                "second_adult_phone",
                "contact_language",
                "street_address",
                "postal_code",
                "municipality",
                "household_members",
                "languages",
                "has_pets",
                "pets",
            ),
            Fieldset(
                _("2. What you can offer"),
                HTML(
                    '<p class="child-age-intro">'
                    + str(
                        _(
                            "What age of child could visit you? This is the support child, "
                            "not your own children."
                        )
                    )
                    + "</p>"
                ),
                "child_age_min",
                "child_age_max",
                "max_children",
                "frequency",
                "home_accessibility",
            ),
            Fieldset(_("3. Your wishes"), "wishes"),
            Fieldset(
                _("4. Commitment and consent"),
                HTML(
                    "<p><a href=\"{% url 'privacy' %}\">"
                    + str(_("Read how we handle your data."))
                    + "</a></p>"
                ),
                "commitment",
                "consent",
            ),
        )

    def clean_email(self):
        # A known address is no error: `submit_application` keeps that application apart, and
        # the form answers as for any other address.
        return normalise_email(self.cleaned_data["email"])

    def clean_postal_code(self):
        return self.cleaned_data["postal_code"].strip()

    def clean(self):
        cleaned = super().clean()
        if "child_age_min" not in self.errors and cleaned.get("child_age_min") is None:
            cleaned["child_age_min"] = YOUNGEST_AGE
        if "child_age_max" not in self.errors and cleaned.get("child_age_max") is None:
            cleaned["child_age_max"] = OLDEST_AGE
        age_min, age_max = cleaned.get("child_age_min"), cleaned.get("child_age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.add_error(
                "child_age_max",
                _("Check the ages: “at most” cannot be less than “at least”."),
            )
        has_second = cleaned.get("second_adult_email") or cleaned.get("second_adult_phone")
        if has_second and not cleaned.get("second_adult_name"):
            self.add_error("second_adult_name", _("Write the name of the other adult."))
        if cleaned.get("has_pets") and not (cleaned.get("pets") or "").strip():
            self.add_error("pets", _("Tell us what pets you have."))
        return cleaned

    def _get_validation_exclusions(self):
        # An e-mail that signed up for an info session is completed, not refused, so the model's
        # unique e-mail constraint is not asked here: duplicates are found by the service
        # (`submit_application`), races included.
        return {*super()._get_validation_exclusions(), "email"}

    def validate_unique(self):
        return None

    def application_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("commitment", "consent")}
