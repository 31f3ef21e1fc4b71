"""Page latency benchmark: every daily page against a bare signed-in view, warm and after a write.

Starts the real server (`knotless serve`, granian) on a scratch database (a fresh SQLite data
folder, or a PostgreSQL database the bench creates and drops) holding two signed-in users:

- heavy: two years of a realistic account, seeded in bulk (5 knots with 3 check-ins a day each,
  6 drinks a day, a 10-minute session a day with its exercises, verdicts and pain before/after,
  6 desk work blocks a day, the safety answers for every knot, and bench/training.py's two
  years of training: three gym sessions a week of five lifts in three sets, and two runs);
- empty: one knot with a single check-in (the knot page needs a knot) and its safety answers.

The server runs with bench/bare_settings.py (the product's settings plus `/_bench/bare`, a view
that loads only the session and the user), so the floor passes through the same middleware.

Warm: after a warm-up, each round requests, for every page, the bare view, the heavy account's
page, the empty account's page and the heavy page again with a query key no view reads (so the
per-person page cache, src/knotless/pagecache.py, misses and the page is drawn afresh:
"drawn"), over one keep-alive connection per user, sending `Accept-Encoding: gzip` as a browser
does. Cold after a write: the heavy account checks in on its
first knot (POST with the CSRF token from the knot page's form and the csrftoken cookie), then
the next GET of the knot page is timed, then a bare request. Sizes are taken once per page with
and without gzip.

Ratios are to the bare requests of the same phase, measured in one run, so a busy machine slows
both alike. Targets (issue 13): each page <= 2x the bare median and <= 3x the bare p99; the knot
page right after a check-in <= 3x the bare median.

    uv run python bench/pages.py [--requests 300] [--database-url postgresql://...] [--json]
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import harness  # noqa: E402  (bench/harness.py, found through the line above)
import training  # noqa: E402  (bench/training.py: two years of gym work and runs)

SETTINGS = "bare_settings"
BARE = "/_bench/bare"
PASSWORD = "a-long-benchmark-passphrase"
DAYS = 730
PLACES = [
    ("medial-border-of-scapula", "right", "rhomboids"),
    ("top-of-shoulder", "left", "upper-trapezius"),
    ("back-of-neck", "left", ""),
    ("low-back", "right", "quadratus-lumborum"),
    ("temple", "left", "temporalis"),
]
SESSION_SLUGS = [
    "upper-trapezius-side-bend-stretch",
    "chin-tuck",
    "doorway-chest-stretch",
    "band-pull-apart",
]


def pages(knot_id: int) -> dict[str, str]:
    return {
        "today": "/",
        "knot": f"/knots/{knot_id}/",
        "finder": "/find/",
        "plan": "/plan/",
        "water": "/water/",
        "desk": "/desk/",
        "exercise": "/library/chin-tuck/",
        "atlas": "/atlas/",
        "muscle": "/atlas/rhomboids/",
        "journal": "/journal/",
        "sessions": "/sessions/",
        # The pages of this wave (issues 14 and 15).
        "training": "/training/",
        "training load": "/training/load/",
        "what helped": "/insights/",
    }


# --- seeding (in this process, straight into the scratch database) -------------------------------


def sign_in(user: Any) -> str:
    return harness.session_cookie(user)


def seed_heavy(days: int = DAYS) -> tuple[str, int, int]:
    """The two-year account (the lead's profiler's data); its cookie, first knot, row count."""
    from knotless.accounts.services import create_user
    from knotless.desk.models import DeskEvent
    from knotless.hydration.models import Drink
    from knotless.journal.models import CheckIn, Knot
    from knotless.practice.models import Session, SessionExercise, SessionKnot
    from knotless.safety.policy import knot_areas
    from knotless.safety.screening import record

    user = create_user("heavy", PASSWORD, time_zone="Europe/Berlin")
    rng = random.Random(3)
    start = datetime.now(UTC) - timedelta(days=days)
    rows = 0
    knots = []
    for region, side, muscle in PLACES:
        knot = Knot.objects.create(
            user=user, region=region, side=side, muscle=muscle, first_felt=start.date()
        )
        knots.append(knot)
        record(user, knot_areas(knot), [], knot=knot)
        pain = 6
        checkins = []
        for day in range(days):
            for hour in (8, 13, 20):
                pain = min(10, max(0, pain + rng.choice((-1, 0, 0, 1))))
                moment = start + timedelta(days=day, hours=hour, minutes=rng.randint(0, 59))
                checkins.append(CheckIn(knot=knot, moment=moment, pain=pain))
        rows += len(CheckIn.objects.bulk_create(checkins, batch_size=2000))
    drinks = [
        Drink(user=user, moment=start + timedelta(days=day, hours=hour), ml=250)
        for day in range(days)
        for hour in (8, 10, 12, 14, 16, 18)
    ]
    rows += len(Drink.objects.bulk_create(drinks, batch_size=2000))
    sessions = []
    for day in range(days):
        began = start + timedelta(days=day, hours=18)
        sessions.append(
            Session(
                user=user,
                started_at=began,
                ended_at=began + timedelta(minutes=10),
                status="saved",
                planned_seconds=600,
                played_seconds=600,
            )
        )
    sessions = Session.objects.bulk_create(sessions, batch_size=1000)
    if any(s.pk is None for s in sessions):  # a database that returns no ids from bulk inserts
        sessions = list(Session.objects.filter(user=user).order_by("started_at"))
    exercises = [
        SessionExercise(
            session=s, position=i, slug=slug, verdict=rng.choice(["", "helped", "hurt"])
        )
        for s in sessions
        for i, slug in enumerate(SESSION_SLUGS)
    ]
    rows += len(sessions) + len(SessionExercise.objects.bulk_create(exercises, batch_size=2000))
    befores = [SessionKnot(session=s, knot=knots[0], pain_before=6, pain_after=4) for s in sessions]
    rows += len(SessionKnot.objects.bulk_create(befores, batch_size=2000))
    desk = [
        DeskEvent(
            user=user,
            kind="work",
            outcome="worked",
            start=start + timedelta(days=day, hours=hour),
            end=start + timedelta(days=day, hours=hour, minutes=50),
        )
        for day in range(days)
        for hour in (9, 10, 11, 14, 15, 16)
    ]
    rows += len(DeskEvent.objects.bulk_create(desk, batch_size=2000))
    rows += sum(training.seed_training(user, days))
    return sign_in(user), knots[0].pk, rows


def seed_empty() -> tuple[str, int]:
    from knotless.accounts.services import create_user
    from knotless.journal.models import CheckIn, Knot
    from knotless.safety.policy import knot_areas
    from knotless.safety.screening import record

    user = create_user("empty", PASSWORD, time_zone="Europe/Berlin")
    now = datetime.now(UTC)
    region, side, muscle = PLACES[0]
    knot = Knot.objects.create(
        user=user, region=region, side=side, muscle=muscle, first_felt=now.date()
    )
    record(user, knot_areas(knot), [], knot=knot)
    CheckIn.objects.create(knot=knot, moment=now - timedelta(hours=1), pain=6)
    return sign_in(user), knot.pk


# --- the client -----------------------------------------------------------------------------------


class Client:
    """One keep-alive connection for one signed-in user, keeping the cookies it is given."""

    def __init__(self, port: int, cookie: str) -> None:
        self.conn = http.client.HTTPConnection(harness.HOST, port, timeout=60)
        name, _, value = cookie.partition("=")
        self.cookies = {name: value}

    def request(
        self, method: str, path: str, *, fields: dict[str, str] | None = None, gzip: bool = True
    ) -> tuple[float, http.client.HTTPResponse, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if gzip:
            headers["Accept-Encoding"] = "gzip"
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        content = response.read()
        took = time.perf_counter() - began
        for header in response.headers.get_all("Set-Cookie") or []:
            for morsel in http.cookies.SimpleCookie(header).values():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(morsel.key, None)
                else:
                    self.cookies[morsel.key] = morsel.value
        if response.will_close:
            self.conn.close()
        return took, response, content

    def get(self, path: str, *, want: int = 200) -> float:
        took, response, content = self.request("GET", path)
        if response.status != want:
            raise SystemExit(f"GET {path} answered {response.status}: {content[:200]!r}")
        return took

    def close(self) -> None:
        self.conn.close()


# --- measuring ------------------------------------------------------------------------------------


@dataclass
class Stats:
    median: float
    p99: float

    @classmethod
    def of(cls, values: list[float]) -> Stats:
        ordered = sorted(values)
        return cls(statistics.median(ordered) * 1000, harness.percentile(ordered, 0.99) * 1000)


def sizes(client: Client, path: str) -> dict[str, Any]:
    _, plain, raw = client.request("GET", path, gzip=False)
    _, packed, sent = client.request("GET", path, gzip=True)
    assert plain.status == packed.status == 200, path
    return {
        "raw_bytes": len(raw),
        "sent_bytes": len(sent),
        "content_encoding": packed.getheader("Content-Encoding") or "none",
    }


def nonce(path: str, n: int) -> str:
    """The path with a query key no view reads, so the page cache (pagecache.py) misses."""
    return f"{path}{'&' if '?' in path else '?'}bench-render={n}"


def warm(
    heavy: Client, empty: Client, heavy_pages: dict[str, str], empty_pages: dict[str, str], n: int
) -> tuple[list[float], dict[str, list[float]], dict[str, list[float]], dict[str, list[float]]]:
    for _ in range(5):  # connections, template and URL caches, first plan of the day
        heavy.get(BARE)
        for name in heavy_pages:
            heavy.get(heavy_pages[name])
            empty.get(empty_pages[name])
    bare: list[float] = []
    hot: dict[str, list[float]] = {name: [] for name in heavy_pages}
    cold: dict[str, list[float]] = {name: [] for name in heavy_pages}
    rendered: dict[str, list[float]] = {name: [] for name in heavy_pages}
    for i in range(n):
        for name in heavy_pages:
            bare.append(heavy.get(BARE))
            hot[name].append(heavy.get(heavy_pages[name]))
            cold[name].append(empty.get(empty_pages[name]))
            # The same page drawn afresh: what the first view after a write costs.
            rendered[name].append(heavy.get(nonce(heavy_pages[name], i)))
    return bare, hot, cold, rendered


def after_write(client: Client, knot_path: str, n: int) -> tuple[list[float], list[float]]:
    """Check in, then time the next GET of the knot page (with the message the redirect left)."""
    bare: list[float] = []
    knot: list[float] = []
    _, response, page = client.request("GET", knot_path)
    form = re.search(
        rb'<form method="post" action="' + re.escape(knot_path.encode()) + rb'checkin/".*?</form>',
        text_of(response, page),
        re.S,
    )
    if form is None:
        raise SystemExit("the knot page has no check-in form")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0))
    if token is None or "csrftoken" not in client.cookies:
        raise SystemExit("the knot page gave no CSRF token or csrftoken cookie")
    fields = {"csrfmiddlewaretoken": token.group(1).decode(), "pain": "", "moment": "", "note": ""}
    for i in range(n):
        fields["pain"] = str(3 + i % 5)
        _, posted, content = client.request("POST", f"{knot_path}checkin/", fields=fields)
        if posted.status != 302:
            raise SystemExit(f"the check-in answered {posted.status}: {content[:200]!r}")
        knot.append(client.get(knot_path))
        bare.append(client.get(BARE))
    return bare, knot


def text_of(response: http.client.HTTPResponse, body: bytes) -> bytes:
    if response.getheader("Content-Encoding") == "gzip":
        import gzip

        return gzip.decompress(body)
    return body


# --- the run --------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        data_dir = Path(tempfile.mkdtemp(prefix="knotless-pages-"))
        stack.callback(shutil.rmtree, data_dir, True)
        url = ""
        if args.database_url:
            url = stack.enter_context(harness.scratch_postgres(args.database_url, "knotless_pages"))
        harness.use_database(data_dir, url)
        os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(BENCH_DIR), os.environ.get("PYTHONPATH", "")) if p
        )
        began = time.monotonic()
        harness.setup_django()
        seeded_at = datetime.now(UTC)
        heavy_cookie, heavy_knot, rows = seed_heavy()
        empty_cookie, empty_knot = seed_empty()
        from django.db import connection

        connection.close()
        seeded = time.monotonic() - began
        print(f"Seeded {rows:,} rows for two years in {seeded:.1f} s", file=sys.stderr, flush=True)

        port = harness.free_port()
        log = stack.enter_context(harness.quiet_log(data_dir, "server.log"))
        server = harness.Server(port, workers=1, threads=harness_threads(), log=log)
        stack.callback(server.stop)
        server.wait_ready()
        heavy = Client(port, heavy_cookie)
        empty = Client(port, empty_cookie)
        stack.callback(heavy.close)
        stack.callback(empty.close)
        for client, who in ((heavy, "heavy"), (empty, "empty")):
            _, response, body = client.request("GET", BARE)
            if response.status != 200 or body != who.encode():
                raise SystemExit(f"the bare view did not see {who} signed in: {response.status}")

        heavy_pages, empty_pages = pages(heavy_knot), pages(empty_knot)
        size = {name: sizes(heavy, path) for name, path in heavy_pages.items()}
        bare, hot, cold, rendered = warm(heavy, empty, heavy_pages, empty_pages, args.requests)
        write_bare, write_knot = after_write(
            heavy, heavy_pages["knot"], max(20, args.requests // 3)
        )
        from knotless.journal.models import CheckIn

        stored = CheckIn.objects.filter(knot_id=heavy_knot, moment__gte=seeded_at).count()
        connection.close()
        if stored != len(write_knot):
            raise SystemExit(f"{len(write_knot)} check-ins were posted but {stored} stored")

    floor = Stats.of(bare)
    result: dict[str, Any] = {
        "database": harness.describe(args.database_url),
        "requests_per_page": args.requests,
        "seconds_to_seed": round(seeded, 1),
        "bare": {"median_ms": round(floor.median, 3), "p99_ms": round(floor.p99, 3)},
        "pages": {},
    }
    for name in heavy_pages:
        page, light, drawn = Stats.of(hot[name]), Stats.of(cold[name]), Stats.of(rendered[name])
        x_median, x_p99 = page.median / floor.median, page.p99 / floor.p99
        result["pages"][name] = {
            "path": heavy_pages[name],
            "median_ms": round(page.median, 3),
            "p99_ms": round(page.p99, 3),
            "x_bare_median": round(x_median, 2),
            "x_bare_p99": round(x_p99, 2),
            "empty_median_ms": round(light.median, 3),
            "heavy_over_empty": round(page.median / light.median, 2),
            "rendered_median_ms": round(drawn.median, 3),
            "rendered_x_bare_median": round(drawn.median / floor.median, 2),
            **size[name],
            "meets": x_median <= 2 and x_p99 <= 3,
        }
    write_floor, written = Stats.of(write_bare), Stats.of(write_knot)
    result["knot_after_checkin"] = {
        "checkins": len(write_knot),
        "median_ms": round(written.median, 3),
        "p99_ms": round(written.p99, 3),
        "bare_median_ms": round(write_floor.median, 3),
        "bare_p99_ms": round(write_floor.p99, 3),
        "x_bare_median": round(written.median / write_floor.median, 2),
        "x_bare_p99": round(written.p99 / write_floor.p99, 2),
        "meets": written.median / write_floor.median <= 3,
    }
    return result


def harness_threads() -> int:
    from knotless.cli.serve import DEFAULT_THREADS

    return DEFAULT_THREADS


def report(result: dict[str, Any]) -> None:
    bare = result["bare"]
    print(
        f"{result['requests_per_page']} warm requests per page and account, interleaved with the "
        f"bare view; one keep-alive connection per user, Accept-Encoding: gzip; granian, 1 worker; "
        f"{result['database']}."
    )
    print(f"bare view ({BARE}): median {bare['median_ms']:.2f} ms, p99 {bare['p99_ms']:.2f} ms\n")
    head = (
        f"{'page':<9} {'median':>7} {'p99':>7} {'x med':>6} {'x p99':>6} {'empty':>7} "
        f"{'h/e':>5} {'drawn':>7} {'x drawn':>7} {'raw KB':>7} {'sent KB':>8} {'enc':>5}  target"
    )
    print(head)
    for name, p in result["pages"].items():
        print(
            f"{name:<9} {p['median_ms']:>7.2f} {p['p99_ms']:>7.2f} {p['x_bare_median']:>6.2f} "
            f"{p['x_bare_p99']:>6.2f} {p['empty_median_ms']:>7.2f} {p['heavy_over_empty']:>5.2f} "
            f"{p['rendered_median_ms']:>7.2f} {p['rendered_x_bare_median']:>7.2f} "
            f"{p['raw_bytes'] / 1024:>7.1f} {p['sent_bytes'] / 1024:>8.1f} "
            f"{p['content_encoding']:>5}  {'meets' if p['meets'] else 'MISSES'}"
        )
    k = result["knot_after_checkin"]
    print(
        f"\nknot page right after a check-in ({k['checkins']} check-ins): median "
        f"{k['median_ms']:.2f} ms, p99 {k['p99_ms']:.2f} ms; bare meanwhile "
        f"{k['bare_median_ms']:.2f} / {k['bare_p99_ms']:.2f} ms; {k['x_bare_median']:.2f}x bare "
        f"median, {k['x_bare_p99']:.2f}x bare p99: {'meets' if k['meets'] else 'MISSES'} <= 3x"
    )
    missing = [n for n, p in result["pages"].items() if not p["meets"]]
    print(
        "\nTarget: each page <= 2x the bare median and <= 3x the bare p99 (times in ms; 'empty' is "
        "the empty account's median, h/e heavy / empty; 'drawn' is the heavy page rendered afresh, "
        "the page cache missed on purpose, as on the first view after a write). "
        + (f"Missed by: {', '.join(missing)}." if missing else "Every page meets it.")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=300, help="warm requests per page and account (300)"
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server's URL: the bench makes and drops database knotless_pages there "
        "(default: a fresh SQLite folder)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        report(result)


if __name__ == "__main__":
    main()
