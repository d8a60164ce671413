"""Two-factor sign-in (django-otp): an authenticator app's code after the password.

Required for everyone who can see children's or clients' data: coordinators and superusers
(the admin) and support workers (the portal). At the first sign-in such a person is sent to the
enrolment page: a QR code (or the secret typed in) for the authenticator app, one code to
confirm, then ten one-time recovery codes (django-otp's static plugin) shown once. From then on
every sign-in asks for a code (or a recovery code) before any other page answers. Enrolling,
new recovery codes and a reset end the person's other sessions, so a session opened with the
password alone before cannot go on.

Each enrolment attempt has its own secret, kept in the session that started it for
ENROLMENT_SECONDS; the device is made only when that session confirms a code, so a second
session (someone else holding the password) sees another secret and cannot confirm this one.
A session counts as verified by one device: on every request of a signed-in person the
middleware looks up their current device (one query), so a device given, replaced or removed
while someone is signed in asks for a code (or enrolment) at the next request.

A lost phone: the person signs in with a recovery code and resets, or a superuser uses the
admin action "Reset two-factor sign-in" on the user (kalliola/admin.py); either way the old
app stops working and every session of the person ends.

`OTP_REQUIRED` (settings) may switch the requirement off for the local demo only: with DEBUG
off it is on whatever the setting says (`is_required()`).
"""

import io
import time
from base64 import b32encode
from importlib import import_module
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from kalliola.roles import is_coordinator, is_support_worker

# The session holds the id of the user whose second factor it has seen and the device that gave it.
VERIFIED_KEY = "kalliola_otp_verified"
VERIFIED_DEVICE_KEY = "kalliola_otp_device"
# The secret of this session's enrolment attempt and when it was made (never a device row).
ENROLMENT_KEY = "kalliola_otp_enrolment"
ENROLMENT_SECONDS = 10 * 60
RECOVERY_CODES = 10

# Pages a signed-in person who still owes a code (or has not enrolled) may open.
EXEMPT_VIEWS = {
    "otp:verify",
    "otp:setup",
    "portal:logout",
    "portal:login",
    "admin:logout",
    "admin:login",
    "health",
}


def is_required() -> bool:
    """Whether two-factor sign-in is required: always with DEBUG off; the demo may turn it off."""
    return bool(getattr(settings, "OTP_REQUIRED", True)) or not settings.DEBUG


def must_use_two_factor(user) -> bool:
    """Whoever can see children's or clients' data: coordinators, superusers, support workers."""
    return is_required() and (is_coordinator(user) or is_support_worker(user))


def current_device_pk(request) -> int | None:
    """The signed-in person's confirmed device now (one query, asked once per request)."""
    if not hasattr(request, "_kalliola_otp_device"):
        request._kalliola_otp_device = (
            TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
    return request._kalliola_otp_device


def is_verified(request) -> bool:
    """This session gave a code of the person's current device (checked on every request)."""
    user = request.user
    if not user.is_authenticated or request.session.get(VERIFIED_KEY) != user.pk:
        return False
    return request.session.get(VERIFIED_DEVICE_KEY) == current_device_pk(request)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def mark_verified(request, device: TOTPDevice) -> None:
    """This session has seen the second factor (a new session key: the old one is worthless)."""
    request.session.cycle_key()
    request.session[VERIFIED_KEY] = request.user.pk
    request.session[VERIFIED_DEVICE_KEY] = device.pk
    request._kalliola_otp_device = device.pk


def end_other_sessions(user, keep_session_key: str | None = None) -> int:
    """End every session of `user` except `keep_session_key`; returns how many ended.

    Sessions last SESSION_COOKIE_AGE (an hour) after the last activity, so only a few live
    rows are read. Each is deleted through the session engine (also from the cache).
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    user_id = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep_session_key:
            continue
        if session.get_decoded().get("_auth_user_id") == user_id:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def reset_two_factor(user, keep_session_key: str | None = None) -> None:
    """Remove the person's authenticator app and recovery codes and end their sessions.

    At the next sign-in they enrol again. Used by the person (with a current code) and by a
    superuser in the admin (a lost phone).
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    end_other_sessions(user, keep_session_key)


def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with ten new one-time codes; returns them."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="recovery", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


class RequireOTPMiddleware:
    """Sends a signed-in person who owes a second factor to the code page (or to enrolment).

    Placed after the authentication middleware. Every request of a signed-in person asks for
    their current device (one query), so what the session was verified by is compared with the
    database, not remembered from the sign-in; the role question is asked only without a device.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in EXEMPT_VIEWS:
            return None
        if not request.user.is_authenticated or is_verified(request):
            return None
        if current_device_pk(request) is not None:
            target = reverse("otp:verify")
        elif must_use_two_factor(request.user):
            target = reverse("otp:setup")
        else:
            return None
        next_url = request.get_full_path()
        return HttpResponseRedirect(f"{target}?next={quote(next_url, safe='/')}")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    error_messages = {
        "invalid": _("The code is not right. Check the app and type the newest code."),
        "throttled": _("Too many wrong codes. Wait a moment and try again."),
    }

    def __init__(self, *args, device: TOTPDevice, allow_recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.allow_recovery = allow_recovery

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if token.isdigit() and len(token) == self.device.digits:
            self._check(TOTPDevice, self.device.pk, token)
        elif self.allow_recovery and token.isalnum() and len(token) == 8:
            recovery = StaticDevice.objects.filter(user_id=self.device.user_id).first()
            if recovery is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            self._check(StaticDevice, recovery.pk, token.lower())
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return token

    def _check(self, model, pk, token):
        # The row is locked so two tries at once cannot both slip past django-otp's throttling
        # (a growing wait after each wrong code). The error is raised after the transaction, so
        # the failure count it saved is not rolled back.
        with transaction.atomic():
            device = model.objects.select_for_update().get(pk=pk)
            allowed, _extra = device.verify_is_allowed()
            error = None
            if not allowed:
                error = "throttled"
            elif not device.verify_token(token):
                error = "invalid"
        if error:
            raise forms.ValidationError(self.error_messages[error], code=error)


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
    """The second step of signing in: the code from the authenticator app (or a recovery code)."""
    next_url = _safe_next(request, reverse("portal:home"))
    if is_verified(request):
        return redirect(next_url)
    device = confirmed_device(request.user)
    if device is None:
        if must_use_two_factor(request.user):
            return redirect(f"{reverse('otp:setup')}?next={quote(next_url, safe='/')}")
        return redirect(next_url)
    form = TokenForm(request.POST or None, device=device, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        mark_verified(request, device)
        return redirect(next_url)
    return render(request, "kalliola/otp_verify.html", {"form": form, "next": next_url})


def enrolment_device(request) -> tuple[TOTPDevice, bool]:
    """This session's enrolment attempt as an unsaved device: its own secret, for a while.

    The secret lives in this session only, for ENROLMENT_SECONDS; after that (or in another
    session) a new one is made. Nothing is stored about the person until a code confirms it.
    Returns the device and whether an earlier attempt of this session had expired.
    """
    attempt = request.session.get(ENROLMENT_KEY)
    now = int(time.time())
    expired = False
    if not (
        isinstance(attempt, dict)
        and isinstance(attempt.get("key"), str)
        and isinstance(attempt.get("started"), int)
        and 0 <= now - attempt["started"] < ENROLMENT_SECONDS
    ):
        expired = attempt is not None
        attempt = {"key": default_key(), "started": now}
        request.session[ENROLMENT_KEY] = attempt
    device = TOTPDevice(
        user=request.user, name="authenticator", key=attempt["key"], confirmed=False
    )
    return device, expired


def confirm_enrolment(device: TOTPDevice) -> list[str] | None:
    """Save the confirmed device of an enrolment attempt and make recovery codes.

    The person's row is locked so two sessions confirming at once make one device; returns
    None when the person has a confirmed device already. Leftover unconfirmed devices (made by
    earlier versions, shown to whoever opened the page) are removed.
    """
    user = device.user
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return None
        TOTPDevice.objects.filter(user=user).delete()
        device.confirmed = True
        device.save()
        codes = new_recovery_codes(user)
    return codes


class EnrolmentForm(TokenForm):
    """The first code of a new app, checked against this session's secret (no device row yet)."""

    error_messages = {
        **TokenForm.error_messages,
        "expired": _(
            "The code on this page had expired. Add the new code below to the app and type "
            "its newest code."
        ),
    }

    def __init__(self, *args, expired: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.expired = expired

    def clean_token(self):
        if self.expired:
            raise forms.ValidationError(self.error_messages["expired"], code="expired")
        token = "".join(self.cleaned_data["token"].split())
        device = self.device
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        plain_digits = token.isascii() and token.isdigit() and len(token) == device.digits
        if not plain_digits or not totp.verify(int(token), tolerance=device.tolerance):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        device.last_t = totp.t()
        return token


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    # Generated locally from our own data: plain SVG paths, no scripts or styles.
    return mark_safe(buffer.getvalue().decode())  # noqa: S308


@never_cache
@login_required
def setup(request):
    """Enrol: scan the QR code (or type the secret), confirm one code, keep the recovery codes.

    Once enrolled, the page says so and offers new recovery codes and a reset; those need a
    verified session (a code given in this session).
    """
    next_url = _safe_next(request, reverse("portal:home"))
    if confirmed_device(request.user) is not None:
        if not is_verified(request):
            return redirect(f"{reverse('otp:verify')}?next={quote(request.path, safe='/')}")
        return render(
            request,
            "kalliola/otp_setup.html",
            {
                "enabled": True,
                "reset_form": _reset_form(request.user),
                "required": must_use_two_factor(request.user),
                "codes": request.session.pop("kalliola_otp_new_codes", None),
                "next": next_url,
            },
        )
    device, expired = enrolment_device(request)
    form = EnrolmentForm(request.POST or None, device=device, expired=expired)
    if request.method == "POST" and form.is_valid():
        codes = confirm_enrolment(device)
        if codes is None:  # another session of the person enrolled a moment ago
            return redirect(f"{reverse('otp:verify')}?next={quote(next_url, safe='/')}")
        request.session.pop(ENROLMENT_KEY, None)
        mark_verified(request, device)
        end_other_sessions(request.user, keep_session_key=request.session.session_key)
        request.session["kalliola_otp_new_codes"] = codes
        messages.success(request, gettext("Two-factor sign-in is on."))
        return redirect(f"{reverse('otp:setup')}?next={quote(next_url, safe='/')}")
    secret = b32encode(device.bin_key).decode()
    context = {
        "enabled": False,
        "required": must_use_two_factor(request.user),
        "form": form,
        "next": next_url,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "config_url": device.config_url,
        "qr_svg": _qr_svg(device.config_url),
    }
    return render(request, "kalliola/otp_setup.html", context)


def _reset_form(user, data=None):
    return TokenForm(data, device=confirmed_device(user) or TOTPDevice(user=user))


@never_cache
@login_required
@require_POST
def recovery_codes(request):
    """New recovery codes (the old ones stop working); other sessions end."""
    if confirmed_device(request.user) is None or not is_verified(request):
        return redirect("otp:setup")
    request.session["kalliola_otp_new_codes"] = new_recovery_codes(request.user)
    end_other_sessions(request.user, keep_session_key=request.session.session_key)
    messages.success(request, gettext("New recovery codes made; the old ones no longer work."))
    return redirect("otp:setup")


@never_cache
@login_required
@require_POST
def disable(request):
    """Reset two-factor sign-in; asks for a current code so a borrowed session cannot do it.

    Every session of the person ends but this one; whoever must use two-factor sign-in enrols
    again right away.
    """
    device = confirmed_device(request.user)
    if device is None:
        return redirect("otp:setup")
    form = TokenForm(request.POST, device=device)
    if not form.is_valid():
        return render(
            request,
            "kalliola/otp_setup.html",
            {
                "enabled": True,
                "reset_form": form,
                "required": must_use_two_factor(request.user),
            },
            status=400,
        )
    reset_two_factor(request.user, keep_session_key=request.session.session_key)
    request.session.pop(VERIFIED_KEY, None)
    messages.success(request, gettext("Two-factor sign-in is off."))
    return redirect("otp:setup")


app_name = "otp"
urlpatterns = [
    path("", setup, name="setup"),
    path("vahvista/", verify, name="verify"),
    path("varakoodit/", recovery_codes, name="recovery_codes"),
    path("poista/", disable, name="disable"),
]
