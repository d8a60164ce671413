import pytest
from django import forms
from django.http import HttpResponse
from django.test import RequestFactory

from kalliola.public_forms import HoneypotFormMixin, rate_limited


class ContactForm(HoneypotFormMixin, forms.Form):
    name = forms.CharField()


def test_honeypot_filled_in_is_refused():
    form = ContactForm(data={"name": "Testi", "website": "http://spam.example"})
    assert not form.is_valid()
    assert "honeypot" in [e.code for e in form.non_field_errors().as_data()]


def test_honeypot_left_empty_passes():
    assert ContactForm(data={"name": "Testi", "website": ""}).is_valid()


@pytest.fixture
def limited_view(settings):
    settings.PUBLIC_FORM_RATE_PER_MINUTE = 10

    @rate_limited("test-form")
    def view(request):
        return HttpResponse("ok")

    return view


def test_eleventh_post_in_a_minute_gets_429(limited_view, db):
    factory = RequestFactory()
    answers = [
        limited_view(factory.post("/x/", REMOTE_ADDR="203.0.113.7")).status_code for _ in range(11)
    ]
    assert answers == [200] * 10 + [429]
    # Another address is not affected, and reading the page is never limited.
    assert limited_view(factory.post("/x/", REMOTE_ADDR="203.0.113.8")).status_code == 200
    assert limited_view(factory.get("/x/", REMOTE_ADDR="203.0.113.7")).status_code == 200


def test_rate_limit_counts_the_address_our_proxy_saw_not_a_forged_one(limited_view, settings, db):
    # Behind the TLS proxy the client may put anything first in X-Forwarded-For; the proxy
    # appends the real address last, and that is what is counted.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    factory = RequestFactory()
    answers = [
        limited_view(
            factory.post("/x/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.4")
        ).status_code
        for n in range(11)
    ]
    assert answers[-1] == 429


def test_the_limit_holds_across_a_clock_minute_and_lifts_a_minute_after_the_first_post(
    limited_view, db
):
    import datetime

    import time_machine

    factory = RequestFactory()
    start = datetime.datetime(2026, 11, 25, 12, 0, 55, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            assert limited_view(factory.post("/x/", REMOTE_ADDR="203.0.113.9")).status_code == 200
        clock.shift(10)  # past the full clock minute
        answers = [
            limited_view(factory.post("/x/", REMOTE_ADDR="203.0.113.9")).status_code
            for _ in range(6)
        ]
        assert answers == [200] * 5 + [429]
        clock.shift(61)
        assert limited_view(factory.post("/x/", REMOTE_ADDR="203.0.113.9")).status_code == 200
