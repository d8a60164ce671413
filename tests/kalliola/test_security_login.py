"""Staff sign-in: lock-out after failed passwords, strong passwords, sessions that end."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories.users import CoordinatorFactory, SupportWorkerFactory

PASSWORD = "test-password-123"
PORTAL_LOGIN = "/en/tyo/kirjaudu/"
ADMIN_LOGIN = "/en/admin/login/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Dozens of sign-ins per test: the production hasher's deliberate slowness is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _post_login(client, url, username, password, address="203.0.113.5"):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, follow=False
    )


def _fail(client, url, username, times, address="203.0.113.5"):
    for _ in range(times):
        response = _post_login(client, url, username, "wrong-password", address)
    return response


@pytest.mark.parametrize("url", [PORTAL_LOGIN, ADMIN_LOGIN])
def test_fifth_wrong_password_locks_the_user_name_out(client, db, url):
    user = CoordinatorFactory()
    last_before = _fail(client, url, user.username, 4)
    assert last_before.status_code == 200  # the form again, with an error

    locked = _fail(client, url, user.username, 1)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert 'id="locked-out"' in html
    assert "30 minutes" in html

    # Now even the right password is refused, and nobody is signed in.
    right = _post_login(client, url, user.username, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_out_is_for_the_name_from_that_address_only(client, db):
    user = CoordinatorFactory()
    other = SupportWorkerFactory()
    _fail(client, PORTAL_LOGIN, user.username, 5, address="203.0.113.5")

    # The same person from another address can still sign in ...
    from_elsewhere = _post_login(client, PORTAL_LOGIN, user.username, PASSWORD, "198.51.100.7")
    assert from_elsewhere.status_code == 302
    client.logout()
    # ... and so can another person from the locked address.
    colleague = _post_login(client, PORTAL_LOGIN, other.username, PASSWORD, "203.0.113.5")
    assert colleague.status_code == 302


def test_lock_out_ends_after_thirty_minutes(client, db):
    user = SupportWorkerFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, PORTAL_LOGIN, user.username, 5)
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert _post_login(client, PORTAL_LOGIN, user.username, PASSWORD).status_code == 429
    # A failure during the lock-out starts the 30 minutes again, so measure from the last try.
    with time_machine.travel(start + datetime.timedelta(minutes=60), tick=False):
        response = _post_login(client, PORTAL_LOGIN, user.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


def test_successful_sign_in_clears_earlier_failures(client, db):
    user = SupportWorkerFactory()
    _fail(client, PORTAL_LOGIN, user.username, 4)
    assert AccessAttempt.objects.filter(username=user.username).exists()
    assert _post_login(client, PORTAL_LOGIN, user.username, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    client.logout()
    # Four more failures do not lock: the count started again.
    assert _fail(client, PORTAL_LOGIN, user.username, 4).status_code == 200


def test_failed_sign_ins_do_not_put_names_or_addresses_in_the_logs(client, db, caplog):
    user = SupportWorkerFactory(username="maija.meikalainen")
    with caplog.at_level("DEBUG"):
        _fail(client, PORTAL_LOGIN, user.username, 6, address="203.0.113.99")
    assert caplog.records  # axes did log the failures ...
    assert "maija.meikalainen" not in caplog.text  # ... without the name
    assert "203.0.113.99" not in caplog.text  # ... or the address


def test_locked_out_page_is_in_the_site_language(client, db):
    user = SupportWorkerFactory()
    response = _fail(client, "/sv/tyo/kirjaudu/", user.username, 5)
    assert response.status_code == 429
    assert '<html lang="sv">' in response.content.decode()


def test_test_client_login_without_request_still_checks_the_password(client, db):
    user = SupportWorkerFactory()
    assert client.login(username=user.username, password=PASSWORD)
    client.logout()
    assert not client.login(username=user.username, password="wrong-password")


@pytest.mark.parametrize(
    "password",
    ["short-pw-1", "123456789012345", "password1234", "maijameikalainen1"],
)
def test_weak_staff_passwords_are_refused(db, password):
    user = SupportWorkerFactory.build(username="maijameikalainen", first_name="Maija")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_long_uncommon_password_is_accepted(db):
    user = SupportWorkerFactory.build(username="maija")
    validate_password("kolme-sinistä-kameleonttia-hyppää", user)


def test_session_ends_after_an_hour_without_activity(client, db):
    user = SupportWorkerFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(user)
        assert client.get("/en/tyo/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        response = client.get("/en/tyo/")
    assert response.status_code == 302
    assert "/tyo/kirjaudu/" in response.url


def test_activity_keeps_the_session_alive(client, db):
    user = SupportWorkerFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(user)
    # Every request renews the session, so two hours of regular work never sign anyone out.
    for minutes in (40, 80, 120):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get("/en/tyo/").status_code == 200


def test_behind_the_proxy_a_forged_forwarded_address_does_not_dodge_the_lock_out(
    client, db, settings
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    user = SupportWorkerFactory()
    for n in range(5):
        # The client writes anything it likes first; our proxy appends the address it saw.
        client.post(
            PORTAL_LOGIN,
            {"username": user.username, "password": "wrong-password"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",
            HTTP_X_FORWARDED_PROTO="https",
            secure=True,
        )
    response = client.post(
        PORTAL_LOGIN,
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.5",
        HTTP_X_FORWARDED_PROTO="https",
        secure=True,
    )
    assert response.status_code == 429


def test_nonsense_forwarded_address_is_a_wrong_password_not_an_error(client, db, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.post(
        PORTAL_LOGIN,
        {"username": "someone", "password": "wrong-password"},
        HTTP_X_FORWARDED_FOR="not-an-address'; --",
        HTTP_X_FORWARDED_PROTO="https",
        secure=True,
    )
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


def test_overlong_user_name_is_a_wrong_password_not_an_error(client, db):
    response = _post_login(client, PORTAL_LOGIN, "x" * 5000, "wrong-password")
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "x" * 255
