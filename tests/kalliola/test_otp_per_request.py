"""Whether a signed-in person owes a second factor is looked up on every request (issue 24).

These tests use the suite's ordinary sign-in (tests/conftest.py counts it as one that gave its
second factor, with the device the person had then): what changes afterwards must count.
"""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

VERIFY = "/en/tyo/kaksivaiheinen/vahvista/"


def test_a_person_given_a_device_while_signed_in_is_asked_for_a_code_at_the_next_request(
    client, coordinator
):
    client.force_login(coordinator)
    assert client.get("/en/admin/").status_code == 200
    TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert response.url.startswith(f"{VERIFY}?next=/en/admin/")
    assert client.get("/en/tyo/").url.startswith(VERIFY)


def test_a_support_worker_given_a_device_in_the_portal_is_asked_too(client, support_worker):
    client.force_login(support_worker)
    assert client.get("/en/tyo/").status_code == 200
    TOTPDevice.objects.create(user=support_worker, name="phone", confirmed=True)
    assert client.get("/en/tyo/suhteet/").url.startswith(VERIFY)


def test_an_unconfirmed_device_asks_nothing(client, coordinator):
    client.force_login(coordinator)
    TOTPDevice.objects.create(user=coordinator, name="half-made", confirmed=False)
    assert client.get("/en/admin/").status_code == 200
