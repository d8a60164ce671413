"""A coordinator's payment and event journeys in Chromium on the large data set, step by step.

    .venv/bin/python bench/journeys.py --scale 1                  # recreate and seed the database
    .venv/bin/python bench/journeys.py --reuse --database kalliola_bench26

Not part of the test suite (seeding and the journeys take minutes): the browser tests
(tests/browser/test_payment_journey.py, test_event_journey.py) walk the same steps on a few rows.
Like bench/load.py it (re)creates the database (`--reuse` keeps it), runs collectstatic and
starts gunicorn with production-like settings; then Debian's Chromium, driven by Playwright at
1366×900, signed in as the seeded coordinator (a session that has seen the second factor, as in
bench/pages.py), (1) opens last month's payment page, approves every pending household after
the confirmation and waits for the result, and (2) invites every active support family to a new
event, opens the event's page and its replies and records a reply for one household. Each step
is timed in wall seconds (click to page loaded) and its outcome checked in the page and the
database. Figures go into docs/benchmarks.md by hand, with the load average it prints.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import (  # noqa: E402
    PY,
    bench_env,
    django_setup,
    fixtures,
    prepare_database,
    run,
    start_server,
    wait_for,
)
from bench.pages import sign_in_with_second_factor  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
# Targets of issue 26 at scale 1, in seconds.
TARGETS = {"approve": 5.0, "invite": 3.0, "event-page": 1.0}


class Steps:
    """Times each step and prints it as it ends; `report()` prints them all as a table."""

    def __init__(self):
        self.rows: list[tuple[str, str, float, str]] = []

    def timed(self, key: str, label: str, action):
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
        target = TARGETS.get(key)
        verdict = "" if target is None else ("met" if seconds < target else "MISSED")
        if target is not None:
            verdict = f"< {target:g} s {verdict}"
        self.rows.append((key, label, seconds, verdict))
        print(f"{seconds:7.2f} s  {label} {verdict}", flush=True)
        return result

    def report(self) -> None:
        print("\n| step | wall s | target |\n| --- | ---: | --- |")
        for _key, label, seconds, verdict in self.rows:
            print(f"| {label} | {seconds:.2f} | {verdict} |")


def posting(page):
    """Catches the POST of the step, to tell its answer (the redirect) from the page after it."""
    return page.expect_response(lambda response: response.request.method == "POST")


def print_post(post) -> None:
    response = post.value
    response.finished()
    seconds = response.request.timing["responseEnd"] / 1000
    print(f"           of which the POST answered ({response.status}) in {seconds:.2f} s")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"Check failed: {what}")
    print(f"           ok: {what}", flush=True)


def last_month() -> datetime.date:
    from django.utils import timezone

    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def pending_month(coordinator) -> tuple[datetime.date, int]:
    """Last month and its number of pending households; an earlier run's approvals are
    reopened first (not timed), so every run approves the whole month."""
    from families.services import payments

    month = last_month()
    if payments.month_summary(month).approved:
        started = time.perf_counter()
        reopened = payments.reopen_month(month, reason="Bench: journeys run again", by=coordinator)
        print(
            f"(set-up) reopened {reopened} households of {month:%Y-%m} in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
    return month, payments.month_summary(month).pending


def new_event():
    from django.utils import timezone

    from trainings.models import Event

    starts = timezone.now() + datetime.timedelta(days=45)
    return Event.objects.create(
        kind="peer",
        title=f"Bench: Chromium journey {timezone.now():%Y-%m-%d %H.%M.%S}",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )


def payment_journey(page, base: str, coordinator, steps: Steps) -> None:
    from families.models import PaymentMonth

    month, pending = pending_month(coordinator)
    print(f"Last month {month:%Y-%m}: {pending} households pending", flush=True)
    check(pending > 0, "last month has pending households")

    steps.timed(
        "month-page",
        "Payments: open last month's page",
        lambda: page.goto(f"{base}/admin/families/paymentmonth/?month={month:%Y-%m}"),
    )
    summary = page.locator("#month-summary").inner_text()
    check(f"{pending} perhettä odottaa hyväksyntää" in summary, f"the page says {pending} pending")

    def confirmation():
        with page.expect_navigation():
            page.get_by_role("link", name="Hyväksy kaikki odottavat perheet…").click()

    steps.timed("confirm-page", "Payments: “Approve all pending households…”", confirmation)
    check(f"{pending} perheen maksut" in page.locator("#content").inner_text(), "it asks first")

    def approve():
        with page.expect_navigation(), posting(page) as post:
            page.get_by_role("button", name="Kyllä, hyväksy kaikki").click()
        return post

    post = steps.timed("approve", "Payments: confirm, month approved and its page shown", approve)
    print_post(post)
    message = page.locator(".messagelist").inner_text()
    print(f"           message: {message.strip()}", flush=True)
    check(f"Hyväksytty {pending} perhettä" in message, f"the message names {pending} approved")
    summary = page.locator("#month-summary").inner_text()
    check("0 perhettä odottaa" in summary, "the summary has none pending")
    check(PaymentMonth.objects.filter(month=month).count() == pending, "stored in the database")


def event_journey(page, base: str, steps: Steps) -> None:
    from trainings.models import EventInvitation, InvitationReply
    from trainings.services import audience_families

    event = new_event()
    expected = audience_families(["active"]).count()
    print(f"Event #{event.pk}; {expected} active support families to invite", flush=True)

    steps.timed(
        "event-list",
        "Events: open the list (search for the event)",
        lambda: page.goto(f"{base}/admin/trainings/event/?q={quote_plus(event.title)}"),
    )
    page.locator(f"input[name=_selected_action][value='{event.pk}']").check()
    page.locator("select[name=action]").select_option("invite_families")

    def audiences():
        with page.expect_navigation():
            page.locator("button[name=index]").click()

    steps.timed("invite-form", "Events: action “Invite families…” (audience page)", audiences)
    page.locator("input[name=audiences][value=active]").check()

    def invite():
        with page.expect_navigation(), posting(page) as post:
            page.locator("#content form [type=submit]").click()
        return post

    post = steps.timed("invite", "Events: invite all active support families", invite)
    print_post(post)
    message = page.locator(".messagelist").inner_text()
    print(f"           message: {message.strip()}", flush=True)
    invited = EventInvitation.objects.filter(event=event).count()
    check(invited == expected, f"{invited} invitations stored, as many as active families")
    check(str(invited) in message.replace("\xa0", "").replace(" ", ""), "the message counts them")

    steps.timed(
        "event-page",
        f"Events: open the event's page ({invited} invitations)",
        lambda: page.goto(f"{base}/admin/trainings/event/{event.pk}/change/"),
    )

    def replies():
        with page.expect_navigation():
            page.locator(f"a[href*='event__id__exact={event.pk}']").click()

    steps.timed("replies", "Events: open its replies (a hundred a page)", replies)
    first = page.locator("input[name=_selected_action]").first
    invitation = EventInvitation.objects.get(pk=int(first.get_attribute("value")))
    first.check()
    page.locator("select[name=action]").select_option("record_coming")

    def record():
        with page.expect_navigation():
            page.locator("button[name=index]").click()

    steps.timed("reply", "Events: record one household's reply (coming)", record)
    invitation.refresh_from_db()
    check(invitation.reply == InvitationReply.YES, "the reply is stored")
    check(
        EventInvitation.objects.filter(event=event).exclude(reply=InvitationReply.PENDING).count()
        == 1,
        "only that household's reply changed",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database", default="kalliola_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers.")
    parser.add_argument("--reuse", action="store_true", help="Keep the database as it is.")
    parser.add_argument("--headed", action="store_true", help="Show the browser window.")
    args = parser.parse_args()
    env = bench_env(args)
    print(f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, load average {load()}")
    if not args.reuse:
        seconds = prepare_database(args, env)
        print(f"Seeded at scale {args.scale:g} in {seconds:.0f} s", flush=True)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    django_setup(env)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM beside Playwright's event loop

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connections
    from django.test import Client
    from playwright.sync_api import sync_playwright

    cache.clear()  # the bench's own Redis database
    coordinator = fixtures(argparse.Namespace(connections=0))["coordinator"]
    client = Client()
    sign_in_with_second_factor(client, coordinator)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    connections.close_all()

    base = f"http://127.0.0.1:{args.port}"
    server = start_server(env, args.port, args.workers)
    steps = Steps()
    try:
        wait_for(base)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=not args.headed, args=CHROMIUM_ARGS
            )
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fi-FI")
            context.set_default_timeout(120_000)  # the old invite-all took 22 s
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
            )
            page = context.new_page()
            # Warm the workers up (templates, translations, connections): not a step.
            for _ in range(args.workers):
                page.goto(f"{base}/admin/")
            print(f"Journeys start, load average {load()}", flush=True)
            payment_journey(page, base, coordinator, steps)
            event_journey(page, base, steps)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\nLoad average at the end: {load()}")
    steps.report()


if __name__ == "__main__":
    main()
