"""Optional two-factor sign-in (django-otp, TOTP authenticator apps).

Whoever has confirmed an authenticator app must give its six-digit code after the password before
any other page answers (the admin, the portal); without an app the password is enough. A staff
member turns it on at /tyo/kaksivaiheinen/ by scanning the QR code (or typing the secret) and
confirming one code. A lost phone: a superuser deletes the device in the admin
(Django OTP › TOTP devices).
"""

import io
from base64 import b32encode
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

# The session remembers whether the signed-in person has a confirmed device, so the check costs
# no query on ordinary requests.
SESSION_KEY = "kalliola_otp_required"

# Pages a signed-in person who still owes a code may open.
EXEMPT_VIEWS = {
    "otp:verify",
    "portal:logout",
    "admin:logout",
    "health",
}


def otp_required(request) -> bool:
    """True when the signed-in user has a confirmed device (remembered in the session)."""
    user = request.user
    if not user.is_authenticated:
        return False
    if SESSION_KEY not in request.session:
        request.session[SESSION_KEY] = user_has_device(user, confirmed=True)
    return bool(request.session[SESSION_KEY])


def _remember(request, required: bool) -> None:
    request.session[SESSION_KEY] = required


def remember_on_login(sender, request, user, **kwargs):
    """At sign-in, note in the session whether a code will be needed (user_logged_in receiver).

    Asking here, once, keeps the question out of every later request.
    """
    if request is not None and hasattr(request, "session"):
        _remember(request, user_has_device(user, confirmed=True))


class RequireOTPMiddleware:
    """Sends a signed-in user who has an authenticator app, but gave no code yet, to the code page.

    Placed after django-otp's OTPMiddleware (which knows whether this session was verified).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in EXEMPT_VIEWS:
            return None
        if not otp_required(request) or request.user.is_verified():
            return None
        verify_url = reverse("otp:verify")
        next_url = request.get_full_path()
        return HttpResponseRedirect(f"{verify_url}?next={quote(next_url, safe='/')}")


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    error_messages = {
        "invalid": _("The code is not right. Check the app and type the newest code."),
        "throttled": _("Too many wrong codes. Wait a moment and try again."),
    }

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        # The row is locked so two tries at once cannot both slip past django-otp's throttling
        # (a growing wait after each wrong code). The error is raised after the transaction, so
        # the failure count it saved is not rolled back.
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=self.device.pk)
            allowed, _extra = device.verify_is_allowed()
            error = None
            if not allowed:
                error = "throttled"
            elif not device.verify_token(token):
                error = "invalid"
        if error:
            raise forms.ValidationError(self.error_messages[error], code=error)
        self.device = device
        return token


def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@never_cache
@login_required
def verify(request):
    """The second step of signing in: the code from the authenticator app."""
    next_url = _safe_next(request, reverse("portal:home"))
    device = confirmed_device(request.user)
    if device is None:
        _remember(request, False)
        return redirect(next_url)
    if request.user.is_verified():
        return redirect(next_url)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(next_url)
    return render(request, "kalliola/otp_verify.html", {"form": form, "next": next_url})


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    # Generated locally from our own data: plain SVG paths, no scripts or styles.
    return mark_safe(buffer.getvalue().decode())  # noqa: S308


@never_cache
@login_required
def setup(request):
    """Turn on two-factor sign-in: scan the QR code (or type the secret) and confirm one code."""
    if confirmed_device(request.user) is not None:
        return render(
            request, "kalliola/otp_setup.html", {"enabled": True, "disable_form": _disable_form()}
        )
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by(
        "pk"
    ).first() or TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device = form.device
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        otp_login(request, device)
        _remember(request, True)
        messages.success(request, gettext("Two-factor sign-in is on."))
        return redirect("otp:setup")
    secret = b32encode(device.bin_key).decode()
    context = {
        "enabled": False,
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "config_url": device.config_url,
        "qr_svg": _qr_svg(device.config_url),
    }
    return render(request, "kalliola/otp_setup.html", context)


def _disable_form(data=None):
    return TokenForm(data, device=TOTPDevice())


@never_cache
@login_required
@require_POST
def disable(request):
    """Turn two-factor sign-in off; asks for a current code so a borrowed session cannot do it."""
    device = confirmed_device(request.user)
    if device is None:
        return redirect("otp:setup")
    form = TokenForm(request.POST, device=device)
    if not form.is_valid():
        return render(
            request,
            "kalliola/otp_setup.html",
            {"enabled": True, "disable_form": form},
            status=400,
        )
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session.pop("otp_device_id", None)
    _remember(request, False)
    messages.success(request, gettext("Two-factor sign-in is off."))
    return redirect("otp:setup")


app_name = "otp"
urlpatterns = [
    path("", setup, name="setup"),
    path("vahvista/", verify, name="verify"),
    path("poista/", disable, name="disable"),
]
