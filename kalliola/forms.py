"""The core's public forms: accessibility feedback on the accessibility statement's page, and
the support workers' sign-in."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kalliola.public_forms import HoneypotFormMixin, PlainErrorsMixin
from kalliola.validators import validate_person_name


class AccessibilityFeedbackForm(PlainErrorsMixin, HoneypotFormMixin, forms.Form):
    required_messages = {"message": _("Write what you found hard to use.")}

    message = forms.CharField(
        label=_("What did you find hard to use?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("You can also ask for content in a form that suits you."),
    )
    page_address = forms.CharField(
        label=_("Which page or which part of the site?"), max_length=500, required=False
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        validators=[validate_person_name],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail"),
        required=False,
        help_text=_("Give your e-mail if you want an answer. We answer within 14 days."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class StaffLoginForm(PlainErrorsMixin, AuthenticationForm):
    """The support workers' sign-in, a public page too: in the site's own words."""

    required_messages = {
        "username": _("Write your user name."),
        "password": _("Write your password."),
    }
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name or the password is wrong. Check both and try again. Capital and small "
            "letters are different."
        ),
        "inactive": _("This account is not in use. Ask a coordinator."),
    }
