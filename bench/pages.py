"""Time pages in-process on the large data set: CPU and wall time per request, queries, size.

    .venv/bin/python bench/pages.py                     # every page, 20 runs each
    .venv/bin/python bench/pages.py --only portal,cases --profile

It uses the database and production-like settings of bench/load.py (`kalliola_bench`, filled by
`bench/load.py` or `python -m bench.seed_large --scale 1`; Redis cache), renders each page with
Django's test client through the whole middleware stack as the visitor the page is for
(anonymous, the busiest seeded support worker, the seeded coordinator), and prints a Markdown
table. CPU time is this process's only (PostgreSQL's work shows in the wall time), so it is
steadier than wall time on a shared machine. `--profile` prints a cProfile listing per page.
"""

import argparse
import cProfile
import datetime
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import bench_env, django_setup  # noqa: E402


def pages(fx) -> list[tuple[str, str, object]]:
    """(key, path, user or None) for every page worth watching."""
    from django.utils import timezone

    from families.models import Guardian
    from kalliola.search import normalise_phone
    from meetings.models import MeetingRequest

    worker, coordinator = fx["worker"], fx["coordinator"]
    relationship = worker.support_relationships.order_by("pk").first()
    case = worker.support_cases.order_by("pk").first()
    request = MeetingRequest.objects.order_by("pk").first()
    year = timezone.localdate().year
    # A phone number as a coordinator types it, in another format than the stored one.
    phone = "+358 " + normalise_phone(relationship.family.phone).removeprefix("0")
    guardian = Guardian.objects.exclude(phone="").order_by("pk").first()
    guardian_phone = "-".join(normalise_phone(guardian.phone)[i : i + 3] for i in (0, 3, 6))
    waiting = "/admin/families/supportrelationship/lapset/"
    last_month = f"{timezone.localdate().replace(day=1) - datetime.timedelta(days=1):%Y-%m}"
    event = event_with_invitations(EVENT_INVITATIONS)
    return [
        ("bare", "/bench-ok/", None),
        ("bare-signed-in", "/bench-ok/", worker),
        ("home", "/", None),
        ("info-sessions", "/infotilaisuudet/", None),
        ("groups", "/valmennus/", None),
        ("feed", "/kalenteri.ics", None),
        ("signup-form", fx["signup_path"], None),
        ("signup", fx["signup_path"], None),
        ("portal-home", "/tyo/", worker),
        ("portal", "/tyo/suhteet/", worker),
        ("portal-cases", "/tyo/asiakkuudet/", worker),
        ("relationship", f"/tyo/suhteet/{relationship.pk}/", worker),
        ("case", f"/tyo/asiakkuudet/{case.pk}/", worker),
        ("changelist", "/admin/families/supportfamily/", coordinator),
        ("changelist-children", "/admin/families/child/", coordinator),
        ("changelist-relationships", "/admin/families/supportrelationship/", coordinator),
        ("changelist-payments", "/admin/families/paymentmonth/", coordinator),
        # Last month's payment page (2,450 households at scale 1): its first page of 50, and a
        # search among the pending households of one support worker.
        ("payment-month", f"/admin/families/paymentmonth/?month={last_month}", coordinator),
        (
            "payment-month-search",
            f"/admin/families/paymentmonth/?month={last_month}&q=ne&state=pending"
            f"&worker={worker.pk}",
            coordinator,
        ),
        ("changelist-requests", "/admin/meetings/meetingrequest/", coordinator),
        ("changelist-cases", "/admin/meetings/supportcase/", coordinator),
        ("changelist-follow-ups", "/admin/meetings/followup/", coordinator),
        ("waiting-children", waiting, coordinator),
        ("waiting-children-filtered", f"{waiting}?municipality=Helsinki&age=7-12", coordinator),
        ("waiting-children-page-20", f"{waiting}?p=20", coordinator),
        ("phone-search", f"/admin/families/supportfamily/?q={quote_plus(phone)}", coordinator),
        (
            "phone-search-children",
            f"/admin/families/child/?q={quote_plus(guardian_phone)}",
            coordinator,
        ),
        ("name-search-folded", "/admin/families/supportfamily/?q=makinen", coordinator),
        (
            "change-family",
            f"/admin/families/supportfamily/{relationship.family_id}/change/",
            coordinator,
        ),
        ("change-child", f"/admin/families/child/{relationship.child_id}/change/", coordinator),
        (
            "change-relationship",
            f"/admin/families/supportrelationship/{relationship.pk}/change/",
            coordinator,
        ),
        ("change-request", f"/admin/meetings/meetingrequest/{request.pk}/change/", coordinator),
        ("change-case", f"/admin/meetings/supportcase/{case.pk}/change/", coordinator),
        ("change-event-5000", f"/admin/trainings/event/{event.pk}/change/", coordinator),
        (
            "changelist-event-replies",
            f"/admin/trainings/eventinvitation/?event__id__exact={event.pk}",
            coordinator,
        ),
        ("event-invite-all", "/admin/trainings/event/", coordinator),
        ("dashboard", "/admin/", coordinator),
        ("statistics", f"/admin/tilastot/?year={year}", coordinator),
        ("statistics-print", f"/admin/tilastot/tulosta/?year={year}", coordinator),
    ]


def sign_in_with_second_factor(client, user) -> None:
    """Sign `user` in as after a two-factor code: staff pages otherwise redirect to the code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kalliola import otp

    client.force_login(user)
    device = otp.confirmed_device(user) or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = client.session
    session[otp.VERIFIED_KEY] = user.pk
    session[otp.VERIFIED_DEVICE_KEY] = device.pk
    session.save()


EVENT_INVITATIONS = 5000
BENCH_EVENT = "Bench: an event with 5,000 invitations"


def event_with_invitations(count: int):
    """The bench's event with `count` invitations (made once, kept for later runs)."""
    import datetime

    from django.utils import timezone

    from families.models import SupportFamily
    from trainings.models import Event, EventInvitation

    starts = timezone.now() + datetime.timedelta(days=60)
    event, _created = Event.objects.get_or_create(
        title=BENCH_EVENT,
        defaults={
            "kind": "peer",
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=2),
        },
    )
    missing = count - event.invitations.count()
    if missing > 0:
        invited = event.invitations.values("family_id")
        families = SupportFamily.objects.exclude(pk__in=invited).order_by("pk")[:missing]
        EventInvitation.objects.bulk_create(
            [EventInvitation(event=event, family=family) for family in families], batch_size=1000
        )
    return event


def invite_all_post(client, path: str):
    """A function inviting every active support family to a new event ("Invite families…"),
    as the coordinator does; `cleanup()` removes the events, invitations and mails it made."""
    import datetime

    from auditlog.models import LogEntry
    from django.utils import timezone

    from kalliola.models import QueuedMail
    from trainings.models import Event

    made = []
    first_mail = (QueuedMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_entry = (LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    def post(path):
        starts = timezone.now() + datetime.timedelta(days=90)
        event = Event.objects.create(
            kind="peer",
            title="Bench: invite all",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
        )
        made.append(event.pk)
        return client.post(
            path,
            {
                "action": "invite_families",
                "_selected_action": [event.pk],
                "apply": "1",
                "audiences": ["active"],
            },
        )

    def cleanup():
        Event.objects.filter(pk__in=made).delete()
        QueuedMail.objects.filter(pk__gte=first_mail).delete()
        LogEntry.objects.filter(pk__gte=first_entry).delete()

    post.cleanup = cleanup
    return post


def signup_post(client, path: str, run_id: str):
    """A function posting the sign-up form at `path`, with a new e-mail address on every call."""
    counter = iter(range(10**9))

    def post(path):
        data = {
            "name": "Testi Kuormittaja",
            "email": f"bench-pages-{run_id}-{next(counter)}@example.org",
            "phone": "040 000 1234",
            "municipality": "Helsinki",
            "consent": "on",
            "website": "",
        }
        return client.post(path, data)

    return post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", default="", help="Comma-separated page keys.")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-lines", type=int, default=30)
    parser.add_argument("--database", default="kalliola_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    env = bench_env(argparse.Namespace(database=args.database, redis=args.redis, port=8150))
    env["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    django_setup(env)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.load import fixtures

    fx = fixtures(argparse.Namespace(connections=0))
    only = {k for k in args.only.split(",") if k}
    run_id = str(int(time.time()))
    print(f"{args.runs} runs per page after one warm-up\n")
    print("| page | SQL queries | CPU ms (median) | wall ms (median) | wall ms (max) | KB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for key, path, user in pages(fx):
        if only and key not in only:
            continue
        client = Client()
        if user is not None:
            sign_in_with_second_factor(client, user)
        if key == "signup":
            request = signup_post(client, path, run_id)
        elif key == "event-invite-all":
            request = invite_all_post(client, path)
        else:
            request = client.get
        response = request(path)
        assert response.status_code in (200, 302), (path, response.status_code)
        if user is not None and key != "event-invite-all":
            assert response.status_code == 200, (
                path,
                response.status_code,
                response.get("Location"),
            )
        cpu, wall = [], []
        profile = cProfile.Profile() if args.profile else None
        # Inviting all makes thousands of rows a run: a few runs tell its time.
        runs = min(args.runs, 3) if key == "event-invite-all" else args.runs
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started_cpu, started = time.process_time(), time.perf_counter()
                if profile:
                    profile.enable()
                response = request(path)
                if profile:
                    profile.disable()
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        if hasattr(request, "cleanup"):
            request.cleanup()
        size = len(response.content) / 1024
        print(
            f"| {key} `{path}` | {len(queries)} | {statistics.median(cpu):.2f} | "
            f"{statistics.median(wall):.2f} | {max(wall):.1f} | {size:.0f} |",
            flush=True,
        )
        if profile:
            pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(
                args.profile_lines
            )


if __name__ == "__main__":
    main()
