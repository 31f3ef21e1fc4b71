"""Page latency benchmark: the dashboard and a knot page against a bare Django view.

Starts the real server (`knotless serve`, granian) on a fresh database holding one user with a year
of realistic data (5 knots, 3 check-ins a day), then requests the bare `/healthz` view, the
dashboard and a knot page in turns over one keep-alive connection, and prints the median and p99 of
each with the ratios to the bare view. Ratios are measured in one run, so a noisy machine slows all
three alike. Target: each page's median at most 2x the bare view's.

    uv run python bench/pages.py [--requests 400] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(days: int = 365) -> tuple[str, int]:
    """Create the user and their year of check-ins; return a session cookie and a knot id."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knotless.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from knotless.accounts.services import create_user
    from knotless.journal.models import CheckIn, Knot

    call_command("migrate", verbosity=0)
    user = create_user("bench", "a-long-benchmark-passphrase", time_zone="Europe/Berlin")
    rng = random.Random(7)
    now = datetime.now(UTC)
    start = now - timedelta(days=days)
    places = [
        ("medial-border-of-scapula", "left"),
        ("top-of-shoulder", "right"),
        ("back-of-neck", "left"),
        ("low-back", "right"),
        ("temple", "left"),
    ]
    knot_ids = []
    for region, side in places:
        knot = Knot.objects.create(user=user, region=region, side=side, first_felt=start.date())
        knot_ids.append(knot.pk)
        pain = rng.randint(4, 8)
        rows = []
        for day in range(days):
            for hour in (8, 13, 20):
                pain = min(10, max(0, pain + rng.choice((-1, 0, 0, 1))))
                moment = start + timedelta(days=day, hours=hour, minutes=rng.randint(0, 59))
                rows.append(CheckIn(knot=knot, moment=moment, pain=pain))
        CheckIn.objects.bulk_create(rows, batch_size=2000)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "knotless.accounts.backends.ProfileModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    assert session.session_key is not None
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}", knot_ids[0]


def measure(port: int, paths: dict[str, str], cookie: str, requests: int) -> dict[str, list[float]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}

    def get(path: str) -> float:
        began = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        took = time.perf_counter() - began
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
        return took

    for path in paths.values():  # warm caches, connections and the chart
        for _ in range(30):
            get(path)
    timings: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(requests):
        for name, path in paths.items():
            timings[name].append(get(path))
    conn.close()
    return timings


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per page (default 400)")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: fresh SQLite)")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="knotless-bench-"))
    os.environ["KNOTLESS_DATA_DIR"] = str(data_dir)
    if args.database_url:
        os.environ["KNOTLESS_DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("KNOTLESS_DATABASE_URL", None)
    print(f"Seeding a year of data (5 knots x 3 check-ins a day) in {data_dir} …", flush=True)
    cookie, knot_id = seed()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "knotless", "serve", "--no-browser", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start within 60 s") from None
                time.sleep(0.1)
        paths = {"bare view": "/healthz", "dashboard": "/", "knot page": f"/knots/{knot_id}/"}
        timings = measure(port, paths, cookie, args.requests)
    finally:
        server.terminate()
        server.wait(timeout=10)

    base = statistics.median(timings["bare view"])
    db = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\n{args.requests} requests per page, one keep-alive connection, granian, {db}")
    print(f"{'page':<12} {'median ms':>10} {'p99 ms':>9} {'x bare':>8}")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"{name:<12} {median * 1000:>10.2f} {p99(values) * 1000:>9.2f} {median / base:>8.2f}")
    worst = max(statistics.median(timings[n]) / base for n in ("dashboard", "knot page"))
    verdict = "meets" if worst <= 2 else "misses"
    print(
        f"\nTarget: each page <= 2.00x the bare view's median; "
        f"this run {verdict} it ({worst:.2f}x)."
    )


if __name__ == "__main__":
    main()
