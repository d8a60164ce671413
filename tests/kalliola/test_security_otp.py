"""Two-factor sign-in (TOTP and recovery codes), required for whoever sees children's data.

These tests sign in with the password only (`real_two_factor`): the suite's other tests have
every sign-in counted as a two-factor one (tests/conftest.py).
"""

from base64 import b32encode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalliola import otp
from tests.factories.users import CoordinatorFactory, SupportWorkerFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]

PASSWORD = "test-password-123"
ADMIN_LOGIN = "/en/admin/login/"
SETUP = "/en/tyo/kaksivaiheinen/"
VERIFY = "/en/tyo/kaksivaiheinen/vahvista/"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 1) % 1000000:06d}"


def next_step(device: TOTPDevice) -> None:
    """Same secret, the next time step (a used code cannot be used twice; no sleeping)."""
    device.refresh_from_db()
    device.throttle_reset()
    device.t0 = device.t0 - device.step
    device.save()


def admin_sign_in(client, user):
    return client.post(
        f"{ADMIN_LOGIN}?next=/en/admin/",
        {"username": user.username, "password": PASSWORD, "next": "/en/admin/"},
    )


def portal_sign_in(client, user):
    return client.post("/en/tyo/kirjaudu/", {"username": user.username, "password": PASSWORD})


def enrolment_secret(client) -> TOTPDevice:
    """The secret the enrolment page showed to this client (an unsaved device to make codes)."""
    page = client.get(SETUP)
    assert page.status_code == 200
    key = client.session[otp.ENROLMENT_KEY]["key"]
    assert b32encode(bytes.fromhex(key)).decode() in page.content.decode().replace(" ", "")
    return TOTPDevice(key=key)


def enrol(client, user) -> tuple[TOTPDevice, list[str]]:
    secret = enrolment_secret(client)
    response = client.post(SETUP, {"token": current_code(secret), "next": "/en/admin/"})
    assert response.status_code == 302
    page = client.get(response.url)
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    for code in codes:
        assert code in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert device.key == secret.key
    return device, codes


@pytest.fixture
def coordinator_with_app(db):
    user = CoordinatorFactory()
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def test_a_coordinator_with_a_password_only_is_sent_to_enrolment(client, coordinator):
    assert admin_sign_in(client, coordinator).status_code == 302
    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=/en/admin/"
    # No page with data opens: a changelist, a child's page, the portal.
    assert client.get("/en/admin/families/child/").status_code == 302
    assert client.get("/en/tyo/").status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth://totp/" in html and 'id="otp-required"' in html


def test_a_support_worker_with_a_password_only_is_sent_to_enrolment(client, db):
    worker = SupportWorkerFactory()
    portal_sign_in(client, worker)
    response = client.get("/en/tyo/suhteet/")
    assert response.status_code == 302
    assert response.url.startswith(SETUP)


def test_a_superuser_must_enrol_too(client, db):
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", PASSWORD)
    admin_sign_in(client, boss)
    assert client.get("/en/admin/").url.startswith(SETUP)


def test_someone_without_a_role_sees_no_data_and_is_not_asked(client, db):
    user = UserFactory()
    portal_sign_in(client, user)
    assert client.get("/en/tyo/").status_code == 200


def test_enrolment_shows_recovery_codes_once_and_opens_the_admin(client, coordinator):
    admin_sign_in(client, coordinator)
    device, codes = enrol(client, coordinator)
    assert device.confirmed and len(codes) == 10
    assert client.get("/en/admin/").status_code == 200
    # Shown once: the page no longer lists them.
    assert codes[0] not in client.get(SETUP).content.decode()
    # The next sign-in asks for a code.
    client.post("/en/tyo/kirjaudu-ulos/")
    admin_sign_in(client, coordinator)
    response = client.get("/en/admin/")
    assert response.url.startswith(f"{VERIFY}?next=/en/admin/")


def test_enrolling_ends_the_person_s_other_sessions(coordinator):
    phone, laptop = Client(), Client()
    admin_sign_in(phone, coordinator)
    admin_sign_in(laptop, coordinator)
    enrol(laptop, coordinator)
    assert laptop.get("/en/admin/").status_code == 200
    # The session opened with the password alone is gone: back to the login page.
    response = phone.get("/en/admin/")
    assert response.status_code == 302
    assert response.url.startswith(ADMIN_LOGIN)


def test_a_recovery_code_signs_in_once(client, coordinator):
    admin_sign_in(client, coordinator)
    _device, codes = enrol(client, coordinator)
    client.post("/en/tyo/kirjaudu-ulos/")
    admin_sign_in(client, coordinator)
    response = client.post(VERIFY, {"token": codes[0], "next": "/en/admin/"})
    assert response.status_code == 302 and response.url == "/en/admin/"
    assert client.get("/en/admin/").status_code == 200
    client.post("/en/tyo/kirjaudu-ulos/")
    admin_sign_in(client, coordinator)
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 200  # used up
    assert client.get("/en/admin/").status_code == 302


def test_a_right_code_opens_the_admin_and_a_wrong_one_does_not(client, coordinator_with_app):
    user, device = coordinator_with_app
    admin_sign_in(client, user)
    response = client.get("/en/admin/")
    assert response.url.startswith(f"{VERIFY}?next=/en/admin/")
    wrong = client.post(response.url, {"token": wrong_code(device), "next": "/en/admin/"})
    assert wrong.status_code == 200
    assert client.get("/en/admin/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    right = client.post(response.url, {"token": current_code(device), "next": "/en/admin/"})
    assert right.status_code == 302 and right.url == "/en/admin/"
    assert client.get("/en/admin/").status_code == 200


def test_wrong_codes_are_throttled(client, coordinator_with_app):
    user, device = coordinator_with_app
    admin_sign_in(client, user)
    client.post(VERIFY, {"token": wrong_code(device)})
    # Right after a wrong code, even the right one waits (django-otp's growing delay).
    response = client.post(VERIFY, {"token": current_code(device)})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/en/admin/").status_code == 302


def test_verify_page_does_not_redirect_to_another_site(client, coordinator_with_app):
    user, device = coordinator_with_app
    admin_sign_in(client, user)
    response = client.post(VERIFY, {"token": current_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == "/en/tyo/"


def test_signing_out_works_without_a_code(client, coordinator_with_app):
    user, _device = coordinator_with_app
    admin_sign_in(client, user)
    response = client.post("/en/tyo/kirjaudu-ulos/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_code_does_not_turn_the_app_on(client, coordinator):
    admin_sign_in(client, coordinator)
    secret = enrolment_secret(client)
    response = client.post(SETUP, {"token": wrong_code(secret)})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=coordinator).exists()


def test_a_reset_needs_a_current_code_ends_other_sessions_and_asks_to_enrol_again(coordinator):
    phone, laptop = Client(), Client()
    admin_sign_in(laptop, coordinator)
    device, _codes = enrol(laptop, coordinator)
    admin_sign_in(phone, coordinator)
    next_step(device)
    phone.post(VERIFY, {"token": current_code(device)})
    assert phone.get("/en/admin/").status_code == 200

    assert laptop.post("/en/tyo/kaksivaiheinen/poista/", {"token": "abc"}).status_code == 400
    next_step(device)
    response = laptop.post("/en/tyo/kaksivaiheinen/poista/", {"token": current_code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    assert not StaticToken.objects.filter(device__user=coordinator).exists()
    assert phone.get("/en/admin/").url.startswith(ADMIN_LOGIN)
    assert laptop.get("/en/admin/").url.startswith(SETUP)


def test_a_superuser_resets_a_lost_phone_and_every_session_of_that_person_ends(coordinator):
    worker_client = Client()
    admin_sign_in(worker_client, coordinator)
    enrol(worker_client, coordinator)
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", PASSWORD)
    boss_client = Client()
    boss_client.force_login(boss)
    session = boss_client.session
    session["kalliola_otp_verified"] = boss.pk  # the boss gave a code
    session.save()
    response = boss_client.post(
        "/en/admin/auth/user/",
        {"action": "reset_two_factor", "_selected_action": [coordinator.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert worker_client.get("/en/admin/").url.startswith(ADMIN_LOGIN)
    owners = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(coordinator.pk) not in owners and str(boss.pk) in owners


def test_the_demo_may_switch_the_requirement_off_only_with_debug_on(client, coordinator, settings):
    settings.OTP_REQUIRED = False
    settings.DEBUG = True
    admin_sign_in(client, coordinator)
    assert client.get("/en/admin/").status_code == 200
    settings.DEBUG = False
    assert client.get("/en/admin/").status_code == 302


def test_setup_needs_sign_in(client, db):
    response = client.get(SETUP)
    assert response.status_code == 302
    assert "/tyo/kirjaudu/" in response.url


# -- one secret per enrolment attempt (issue 24, point 2) -------------------------------------


def test_a_second_session_gets_its_own_secret_and_cannot_confirm_the_first(coordinator):
    intruder, owner = Client(), Client()
    admin_sign_in(intruder, coordinator)
    admin_sign_in(owner, coordinator)
    intruders_secret = enrolment_secret(intruder)
    owners_secret = enrolment_secret(owner)
    assert owners_secret.key != intruders_secret.key
    # Nothing about the attempt is stored for anyone to read: no device row before a code.
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    # The intruder's secret is no good in the owner's session...
    response = owner.post(SETUP, {"token": current_code(intruders_secret)})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    # ...and the owner's own secret is what gets confirmed.
    enrol(owner, coordinator)
    assert TOTPDevice.objects.get(user=coordinator).key == owners_secret.key


def test_the_first_session_s_secret_cannot_be_confirmed_from_a_second(coordinator):
    first, second = Client(), Client()
    admin_sign_in(first, coordinator)
    admin_sign_in(second, coordinator)
    firsts_secret = enrolment_secret(first)
    response = second.post(SETUP, {"token": current_code(firsts_secret)})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert second.get("/en/admin/").status_code == 302


def test_an_enrolment_secret_expires(client, coordinator):
    admin_sign_in(client, coordinator)
    old = enrolment_secret(client)
    session = client.session
    session[otp.ENROLMENT_KEY] = {**session[otp.ENROLMENT_KEY], "started": 0}
    session.save()
    response = client.post(SETUP, {"token": current_code(old)})
    assert response.status_code == 200
    assert "had expired" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    new = TOTPDevice(key=client.session[otp.ENROLMENT_KEY]["key"])
    assert new.key != old.key
    assert b32encode(new.bin_key).decode() in response.content.decode().replace(" ", "")
    response = client.post(SETUP, {"token": current_code(new)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=coordinator, confirmed=True).key == new.key


def test_after_confirmation_the_person_s_other_sessions_are_signed_out(coordinator):
    other, this = Client(), Client()
    admin_sign_in(other, coordinator)
    enrolment_secret(other)
    admin_sign_in(this, coordinator)
    enrol(this, coordinator)
    assert "_auth_user_id" not in other.session
    assert other.get(SETUP).url.startswith("/en/tyo/kirjaudu/")
    assert this.get("/en/admin/").status_code == 200


def test_a_verified_session_is_asked_again_when_the_device_is_replaced(client, coordinator):
    admin_sign_in(client, coordinator)
    enrol(client, coordinator)
    assert client.get("/en/admin/").status_code == 200
    TOTPDevice.objects.filter(user=coordinator).delete()
    TOTPDevice.objects.create(user=coordinator, name="someone else's", confirmed=True)
    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    TOTPDevice.objects.filter(user=coordinator).delete()
    assert client.get("/en/admin/").url.startswith(SETUP)


@pytest.mark.parametrize("token", ["²²²²²²", "١٢٣٤٥٦", "9" * 16, "<b>1</b>", "-12345"])
def test_odd_enrolment_codes_are_a_form_error(client, coordinator, token):
    admin_sign_in(client, coordinator)
    enrolment_secret(client)
    response = client.post(SETUP, {"token": token})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
