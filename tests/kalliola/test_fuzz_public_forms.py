"""Robustness: hostile and random values posted to forms never give a 500 or a half-saved record.

`post_hostile_values()` is the harness; every public form gets one short test calling it, e.g.

    def test_signup_form_survives_hostile_input(client, db, session):
        post_hostile_values(
            client,
            reverse("trainings:signup", args=[session.pk]),
            ["first_name", "last_name", "email", "phone", "website"],
            count_records=lambda: Registration.objects.count(),
            check_record=lambda: ...,          # optional: the newest record is whole
        )

Each example posts one dictionary of hostile values (very long strings, unicode, NUL bytes,
HTML/SQL/template fragments, out-of-range numbers and impossible dates, repeated fields). The rules:
- no 5xx (the test client re-raises a view's exception, so a crash fails with its traceback);
- an answer that is not a redirect (the form again with errors, 400, 403, 404, 429) leaves the
  record count unchanged: nothing half-saved;
- a redirect (success) adds at most one record, and `check_record` may inspect it;
- a redirect never leads to another site.
"""

import string
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories.users import CoordinatorFactory

FRAGMENTS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil",  # right-to-left override
    "\ufeff",
    "\ud7ff\ue000",
    "😀" * 50,
    "Ääkköset ja ÅÖ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE auth_user; --",
    "' OR '1'='1",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${7*7}",
    "../../../../etc/passwd",
    "%00%0d%0aSet-Cookie: x=1",
    "\r\nLocation: https://evil.example.com/",
    "https://evil.example.com/",
    "//evil.example.com/",
    "javascript:alert(1)",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "1e309",
    "99999999999999999999999999999",
    "-99999999999999999999999999999",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "-0001-01-01",
    "31.12.9999",
    "1.1.1",
    "2026-13-45T25:61",
    "null",
    "true",
    "[]",
    "{}",
]


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(max_size=40),
        st.text(alphabet=string.printable, max_size=40),
        # Long values: past every max_length, and big enough to stress parsing.
        st.integers(min_value=255, max_value=100_000).map(lambda n: "x" * n),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.dates().map(str),
        st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
    )


def hostile_value() -> st.SearchStrategy:
    # A field sent several times, or not at all, is hostile too.
    return st.one_of(
        hostile_text(),
        st.lists(hostile_text(), min_size=2, max_size=3),
    )


def hostile_form_data(fields: Iterable[str]) -> st.SearchStrategy[dict]:
    fields = list(fields)
    return st.fixed_dictionaries(
        {}, optional={name: hostile_value() for name in fields}
    ) | st.fixed_dictionaries({name: hostile_value() for name in fields})


def _is_off_site(location: str) -> bool:
    parts = urlsplit(location)
    if parts.netloc or location.startswith("//"):
        return True
    return parts.scheme not in ("", "http", "https")


def post_hostile_values(
    client,
    url: str,
    fields: Iterable[str],
    *,
    count_records: Callable[[], int] = lambda: 0,
    check_record: Callable[[], None] | None = None,
    fixed_data: Mapping[str, str] | None = None,
    check_response: Callable[[object], None] | None = None,
    max_examples: int = 40,
) -> None:
    """Post `max_examples` hostile versions of a form to `url` and check the rules above.

    `fields` are the form's field names; `fixed_data` is sent with every post (a valid hidden
    value the test does not want to vary). `count_records` counts the records the form creates.
    The rate-limit counters are cleared before every post, so each example reaches the form.
    """
    fields = list(fields)

    @hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(data=hostile_form_data(fields))
    def run(data):
        cache.clear()
        before = count_records()
        response = client.post(url, {**(fixed_data or {}), **data})
        assert response.status_code < 500, (response.status_code, data)
        after = count_records()
        if response.status_code in (301, 302, 303, 307, 308):
            assert after - before in (0, 1), (before, after, data)
            assert not _is_off_site(response["Location"]), response["Location"]
            if after > before and check_record is not None:
                check_record()
        else:
            assert after == before, (response.status_code, before, after, data)
        if check_response is not None:
            check_response(response)

    run()


# The harness itself.


def test_off_site_detection():
    assert _is_off_site("https://evil.example.com/")
    assert _is_off_site("//evil.example.com/")
    assert _is_off_site("javascript:alert(1)")
    assert not _is_off_site("/en/tyo/")
    assert not _is_off_site("/")


def test_harness_catches_a_half_saved_record(client, db):
    # A "form" that always saves something yet answers 200 must fail the harness.
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    calls = []

    def count():
        calls.append(1)
        return users.count() + len(calls) // 2  # grows on every post

    with pytest.raises(AssertionError):
        post_hostile_values(client, "/en/tyo/kirjaudu/", ["username"], count_records=count)


# The public forms on this branch. The lead adds the other apps' forms here after merging.


def test_language_switch_survives_hostile_input(client, db):
    post_hostile_values(client, "/i18n/setlang/", ["language", "next"])


def _nobody_signed_in(client):
    def check(response):
        assert "_auth_user_id" not in client.session

    return check


def test_portal_login_survives_hostile_input(client, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    CoordinatorFactory(username="koordinaattori")
    post_hostile_values(
        client,
        "/en/tyo/kirjaudu/",
        ["username", "password", "next"],
        count_records=users.count,
        check_response=_nobody_signed_in(client),
    )


def test_admin_login_survives_hostile_input(client, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    post_hostile_values(
        client,
        "/en/admin/login/",
        ["username", "password", "next"],
        count_records=users.count,
        check_response=_nobody_signed_in(client),
        max_examples=30,
    )


@pytest.mark.real_two_factor
def test_two_factor_code_form_survives_hostile_input(client, db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = CoordinatorFactory()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)

    def still_unverified(response):
        assert "kalliola_otp_verified" not in client.session

    post_hostile_values(
        client,
        "/en/tyo/kaksivaiheinen/vahvista/",
        ["token", "next"],
        count_records=TOTPDevice.objects.count,
        check_response=still_unverified,
        max_examples=30,
    )
