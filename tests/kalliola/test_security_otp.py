"""Optional two-factor sign-in (TOTP) for coordinators and other staff."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories.users import CoordinatorFactory

PASSWORD = "test-password-123"
ADMIN_LOGIN = "/en/admin/login/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 1) % 1000000:06d}"


def admin_sign_in(client, user):
    return client.post(
        f"{ADMIN_LOGIN}?next=/en/admin/",
        {"username": user.username, "password": PASSWORD, "next": "/en/admin/"},
    )


@pytest.fixture
def coordinator_with_app(db):
    user = CoordinatorFactory()
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def test_coordinator_without_app_reaches_admin_with_password_only(client, coordinator):
    response = admin_sign_in(client, coordinator)
    assert response.status_code == 302
    index = client.get("/en/admin/")
    assert index.status_code == 200
    # The admin links to the page where two-factor sign-in is turned on.
    assert 'href="/en/tyo/kaksivaiheinen/"' in index.content.decode()


def test_coordinator_with_app_must_give_a_code_before_the_admin(client, coordinator_with_app):
    user, device = coordinator_with_app
    admin_sign_in(client, user)
    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/en/tyo/kaksivaiheinen/vahvista/?next=/en/admin/")
    # Every other page, a change list or the portal, asks for the code as well.
    assert client.get("/en/admin/families/child/").status_code == 302
    assert client.get("/en/tyo/").status_code == 302

    page = client.get(response.url)
    assert page.status_code == 200
    assert 'name="token"' in page.content.decode()

    wrong = client.post(response.url, {"token": wrong_code(device), "next": "/en/admin/"})
    assert wrong.status_code == 200
    assert client.get("/en/admin/").status_code == 302

    device.refresh_from_db()
    device.throttle_reset()
    right = client.post(response.url, {"token": current_code(device), "next": "/en/admin/"})
    assert right.status_code == 302
    assert right.url == "/en/admin/"
    assert client.get("/en/admin/").status_code == 200


def test_unconfirmed_app_does_not_ask_for_a_code(client, coordinator):
    TOTPDevice.objects.create(user=coordinator, name="half set up", confirmed=False)
    admin_sign_in(client, coordinator)
    assert client.get("/en/admin/").status_code == 200


def test_wrong_codes_are_throttled(client, coordinator_with_app):
    user, device = coordinator_with_app
    client.force_login(user)
    url = "/en/tyo/kaksivaiheinen/vahvista/"
    client.post(url, {"token": wrong_code(device)})
    # Right after a wrong code, even the right one waits (django-otp's growing delay).
    response = client.post(url, {"token": current_code(device)})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/en/admin/").status_code == 302


def test_verify_page_does_not_redirect_to_another_site(client, coordinator_with_app):
    user, device = coordinator_with_app
    client.force_login(user)
    response = client.post(
        "/en/tyo/kaksivaiheinen/vahvista/",
        {"token": current_code(device), "next": "https://evil.example.com/"},
    )
    assert response.status_code == 302
    assert response.url == "/en/tyo/"


def test_signing_out_works_without_a_code(client, coordinator_with_app):
    user, _device = coordinator_with_app
    client.force_login(user)
    response = client.post("/en/tyo/kirjaudu-ulos/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_up_an_app_shows_the_secret_and_turns_it_on(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/en/tyo/kaksivaiheinen/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "otpauth://totp/" in html
    assert 'id="otp-secret"' in html
    assert "<svg" in html  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.confirmed is False

    # Opening the page again shows the same secret (the app may already hold it).
    client.get("/en/tyo/kaksivaiheinen/")
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1

    response = client.post("/en/tyo/kaksivaiheinen/", {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    # This session is verified by the code it just gave; the next sign-in asks for one.
    assert client.get("/en/admin/").status_code == 200
    client.post("/en/tyo/kirjaudu-ulos/")
    admin_sign_in(client, coordinator)
    assert client.get("/en/admin/").status_code == 302


def test_wrong_code_does_not_turn_the_app_on(client, coordinator):
    client.force_login(coordinator)
    client.get("/en/tyo/kaksivaiheinen/")
    device = TOTPDevice.objects.get(user=coordinator)
    response = client.post("/en/tyo/kaksivaiheinen/", {"token": wrong_code(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed is False


def test_turning_off_needs_a_current_code(client, coordinator_with_app):
    user, device = coordinator_with_app
    client.force_login(user)
    client.post("/en/tyo/kaksivaiheinen/vahvista/", {"token": current_code(device)})

    refused = client.post("/en/tyo/kaksivaiheinen/poista/", {"token": "abc"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=user).exists()

    # The code just used cannot be used twice; wait for the next one.
    device.refresh_from_db()
    device.throttle_reset()
    device.t0 = device.t0 - device.step  # same secret, next time step (no sleeping)
    device.save()
    assert (
        client.post("/en/tyo/kaksivaiheinen/poista/", {"token": current_code(device)}).status_code
        == 302
    )
    assert not TOTPDevice.objects.filter(user=user).exists()
    client.post("/en/tyo/kirjaudu-ulos/")
    admin_sign_in(client, user)
    assert client.get("/en/admin/").status_code == 200


def test_setup_needs_sign_in(client, db):
    response = client.get("/en/tyo/kaksivaiheinen/")
    assert response.status_code == 302
    assert "/tyo/kirjaudu/" in response.url
