"""Training benchmark: do the training page and Today stay quick with two years of training?

Seeds a scratch database (a fresh SQLite data folder, or with --database-url a PostgreSQL
database named knotless_pages_training that the bench creates and drops) with two people:

- heavy: two years of five sessions a week (three gym sessions of five lifts, three work sets
  each, with effort, pain and next-morning answers; two runs), two active knots rated daily;
- empty: the same two knots, rated once, and one gym session today.

Then it requests each page for both, interleaved, in the same process (Django's test client,
no network: the ratio shows the work that grows with the history), and prints the medians and
heavy / empty. Target (issue 14): the training page and Today within 1.5x of the empty account.

    uv run python bench/training.py [--requests 40] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import harness  # noqa: E402  (bench/harness.py, found through the line above)

DAYS = 730
LIFTS = [
    "goblet-squat",
    "one-arm-dumbbell-row",
    "dumbbell-shrug",
    "dumbbell-lateral-raise",
    "glute-bridge",
    "deadlift",
    "bench-press",
    "overhead-press",
]
KNOTS = [("medial-border-of-scapula", "right", "rhomboids"), ("top-of-shoulder", "left", "")]


def seed(name: str, days: int) -> Any:
    """One person with ``days`` of training (0: a first day) and two knots."""
    from knotless.accounts.services import create_user
    from knotless.journal.models import CheckIn, Knot
    from knotless.safety.policy import knot_areas
    from knotless.safety.screening import record

    user = create_user(name, "a-long-benchmark-passphrase", time_zone="Europe/Berlin")
    now = datetime.now(UTC)
    today = now.date()
    knots = []
    for region, side, muscle in KNOTS:
        knot = Knot.objects.create(
            user=user,
            region=region,
            side=side,
            muscle=muscle,
            first_felt=today - timedelta(days=days + 1),
        )
        record(user, knot_areas(knot), [], knot=knot)
        knots.append(knot)
    CheckIn.objects.bulk_create(
        CheckIn(knot=k, moment=now - timedelta(days=d, hours=1), pain=2 + (d + i) % 4)
        for i, k in enumerate(knots)
        for d in range(max(days, 0) + 1)
    )
    return (user, *seed_training(user, days))


def seed_training(user: Any, days: int) -> tuple[int, int, int]:
    """``days`` of training for ``user`` up to today (0: one gym session today): three gym
    sessions a week of five lifts, three work sets each, and two runs; the rows made."""
    from knotless.training.models import Entry, Workout, WorkSet

    now = datetime.now(UTC)
    today = now.date()
    workouts = []
    plan: list[tuple[int, str]] = []
    for d in range(days, -1, -1):
        weekday = (today - timedelta(days=d)).weekday()
        if days == 0 or weekday in (0, 2, 4):
            plan.append((d, "strength"))
        elif weekday in (1, 5):
            plan.append((d, "run"))
    for d, kind in plan:
        day = today - timedelta(days=d)
        started = datetime.combine(day, clock(7), tzinfo=UTC) if d else now - timedelta(hours=1)
        workouts.append(
            Workout(
                user=user,
                uid=uuid.uuid4(),
                day=day,
                started_at=started,
                kind=kind,
                minutes=60 if kind == "strength" else 40,
                effort=6 + d % 3,
                source="web",
            )
        )
    Workout.objects.bulk_create(workouts, batch_size=2000)
    made = list(Workout.objects.filter(user=user, kind="strength").order_by("day"))
    entries = []
    for n, workout in enumerate(made):
        for position in range(5):
            slug = LIFTS[(n + position) % len(LIFTS)]
            entries.append(
                Entry(
                    workout=workout,
                    position=position + 1,
                    slug=slug,
                    sets_text=f"3x10@{20 + n // 20}kg rir2",
                    pain_during=n % 4,
                    next_morning="same" if workout.day < today else "",
                )
            )
    Entry.objects.bulk_create(entries, batch_size=2000)
    sets = [
        WorkSet(entry=e, order=o, reps=10, load_kg=Decimal(20 + i // 100), rir=2)
        for i, e in enumerate(Entry.objects.filter(workout__user=user).order_by("id"))
        for o in (1, 2, 3)
    ]
    WorkSet.objects.bulk_create(sets, batch_size=5000)
    return len(workouts), len(entries), len(sets)


def run(args: argparse.Namespace) -> None:
    with ExitStack() as stack:
        harness.scratch(stack, args.database_url, "knotless_pages_training")
        from django.conf import settings
        from django.db import connection
        from django.test import Client

        settings.ALLOWED_HOSTS = ["*"]
        began = time.monotonic()
        heavy, workouts, entries, sets = seed("heavy", args.days)
        empty, *_ = seed("empty", 0)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(
            f"Seeded {workouts:,} workouts, {entries:,} exercise entries and {sets:,} sets "
            f"in {time.monotonic() - began:.1f} s ({connection.vendor})",
            flush=True,
        )
        pages = {
            "Today": "/",
            "training": "/training/",
            "load": "/training/load/",
            "a lift": "/training/lifts/lib:deadlift/",
        }
        clients = {}
        for who, user in (("heavy", heavy), ("empty", empty)):
            client = Client()
            client.force_login(user)
            clients[who] = client
        for _ in range(3):  # warm: templates, the library, the first plan
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
    print(f"\n{'page':<10} {'heavy ms':>9} {'empty ms':>9} {'heavy/empty':>12}  target <= 1.5")
    for name in pages:
        heavy_ms = statistics.median(times[(name, "heavy")]) * 1000
        empty_ms = statistics.median(times[(name, "empty")]) * 1000
        ratio = heavy_ms / empty_ms
        mark = "meets" if ratio <= 1.5 else "over"
        print(f"{name:<10} {heavy_ms:9.1f} {empty_ms:9.1f} {ratio:12.2f}  {mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--database-url", default="")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
