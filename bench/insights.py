"""What-helped benchmark: do Today and the insights page stay quick with two years of data?

Seeds a scratch database (SQLite, or with --database-url a PostgreSQL database named
knotless_pages_insights that the bench creates and drops) with two people: heavy, with two
years of daily ratings of two knots, drinks, training (bench/training.py's history) and a
running experiment; empty, on their first day. Requests each page for both, interleaved, in one
process (Django's test client), and prints the medians and heavy / empty. Target (issue 15):
Today and the insights page within 1.5x of the empty account. The patterns are cached under a
version of the data they rest on, so the warm figure includes reading that version; the first
request after a write (cold) is timed too.

    uv run python bench/insights.py [--requests 30] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import harness  # noqa: E402
import training  # noqa: E402  (bench/training.py: the two-year training history)


def seed_drinks(user: object, days: int) -> int:
    from knotless.hydration.models import Drink

    now = datetime.now(UTC)
    rows = [
        Drink(user=user, ml=250 + 50 * (d % 5), moment=now - timedelta(days=d, hours=h))
        for d in range(days + 1)
        for h in (2, 5, 8, 11)
    ]
    Drink.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def run(args: argparse.Namespace) -> None:
    with ExitStack() as stack:
        harness.scratch(stack, args.database_url, "knotless_pages_insights")
        from django.conf import settings
        from django.db import connection
        from django.test import Client

        from knotless.insights import services as insights
        from knotless.journal import services as journal
        from knotless.journal.models import Knot

        settings.ALLOWED_HOSTS = ["*"]
        began = time.monotonic()
        heavy, workouts, *_ = training.seed("heavy", args.days)
        drinks = seed_drinks(heavy, args.days)
        knot = Knot.objects.filter(user=heavy).first()
        assert knot is not None
        insights.start_experiment(heavy, knot.pk, "water")
        empty, *_ = training.seed("empty", 0)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(
            f"Seeded {workouts:,} workouts and {drinks:,} drinks over {args.days} days in "
            f"{time.monotonic() - began:.1f} s ({connection.vendor})",
            flush=True,
        )
        pages = {"Today": "/", "insights": "/insights/", "how": "/insights/how/"}
        clients = {}
        for who, user in (("heavy", heavy), ("empty", empty)):
            client = Client()
            client.force_login(user)
            clients[who] = client
        for _ in range(3):
            for path in pages.values():
                for client in clients.values():
                    assert client.get(path).status_code == 200, path
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.requests):
            for name, path in pages.items():
                for who, client in clients.items():
                    start = time.perf_counter()
                    response = client.get(path)
                    times.setdefault((name, who), []).append(time.perf_counter() - start)
                    assert response.status_code == 200
        cold: list[float] = []
        for n in range(max(3, args.requests // 10)):
            journal.check_in(knot, pain=3 + n % 4, tz_name="Europe/Berlin")
            start = time.perf_counter()
            clients["heavy"].get("/insights/")
            cold.append(time.perf_counter() - start)
    print(f"\n{'page':<10} {'heavy ms':>9} {'empty ms':>9} {'heavy/empty':>12}  target <= 1.5")
    for name in pages:
        heavy_ms = statistics.median(times[(name, "heavy")]) * 1000
        empty_ms = statistics.median(times[(name, "empty")]) * 1000
        mark = "meets" if heavy_ms / empty_ms <= 1.5 else "over"
        print(f"{name:<10} {heavy_ms:9.1f} {empty_ms:9.1f} {heavy_ms / empty_ms:12.2f}  {mark}")
    print(
        f"insights page right after a check-in (patterns refitted): median "
        f"{statistics.median(cold) * 1000:.0f} ms over {len(cold)} check-ins"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--days", type=int, default=training.DAYS)
    parser.add_argument("--database-url", default="")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
