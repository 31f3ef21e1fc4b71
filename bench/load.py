"""Load benchmark: 32 connections on loopback against Today, a knot page and mixed reads and writes.

For each database (SQLite in a fresh data folder; PostgreSQL in a database named knotless_load
that the bench creates and drops) it makes one signed-in user per connection, each with a knot and
90 days of check-ins, starts the real server (`knotless serve`, granian, several workers) and runs
three loads of --seconds each, every connection one keep-alive client acting for its own user:

    today   GET /                      (the Today page)
    knot    GET /knots/<id>/           (a knot page with its chart)
    mixed   40 % Today, 20 % knot page, 20 % check-ins, 20 % drinks (POSTs that redirect)

It prints requests per second, p50 and p99 latency and errors per load (an error is any answer
but 200 for a page or the redirect for a write, or a broken connection), then compares the writes
the server acknowledged (the redirect arrived) with the rows stored.

    uv run python bench/load.py [--seconds 60] [--connections 32]
        [--database both|sqlite|postgresql] [--workers 2] [--threads 8]
        [--postgres-url postgresql://postgres@127.0.0.1/postgres]

Every request goes to 127.0.0.1; each load stops after --seconds. Exit status 1 on any error or
lost write.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import harness

NOTE_PREFIX = "load-"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOADS = ("today", "knot", "mixed")


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)


def pick(
    load: str, writer: harness.Writer, rng: random.Random
) -> tuple[str, Callable[[], int], int]:
    """The request to send next, its name, and the status that means success."""
    roll = rng.random()
    if load == "today" or (load == "mixed" and roll < 0.4):
        return "today", writer.get_today, 200
    if load == "knot" or (load == "mixed" and roll < 0.6):
        return "knot", writer.get_knot, 200
    if roll < 0.8:
        return "check-in", writer.check_in, 302
    return "drink", writer.drink, 302


def client(load: str, writer: harness.Writer, deadline: float, outcome: Outcome, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        name, send, expected = pick(load, writer, rng)
        began = time.perf_counter()
        try:
            status = send()
        except (OSError, http.client.HTTPException) as exc:
            outcome.errors[type(exc).__name__] += 1
            continue
        outcome.latencies[name].append(time.perf_counter() - began)
        if status != expected:
            outcome.errors[f"HTTP {status}"] += 1
    writer.close()


def drive(load: str, writers: list[harness.Writer], seconds: float) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    outcomes = [Outcome() for _ in writers]
    threads = [
        threading.Thread(target=client, args=(load, w, deadline, o, i))
        for i, (w, o) in enumerate(zip(writers, outcomes, strict=True))
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.monotonic() - began
    errors: Counter[str] = Counter()
    by_name: dict[str, list[float]] = defaultdict(list)
    for o in outcomes:
        errors.update(o.errors)
        for name, values in o.latencies.items():
            by_name[name].extend(values)
    latencies = sorted(x for values in by_name.values() for x in values)
    return {
        "load": load,
        "requests": len(latencies) + errors.total(),
        "requests_per_s": round((len(latencies) + errors.total()) / elapsed, 1),
        **milliseconds(latencies),
        "errors": errors.total(),
        "error_kinds": dict(errors),
        # Each kind of request in the mixed load on its own (for the others, the same figures).
        "parts": {
            name: {"requests": len(values), **milliseconds(sorted(values))}
            for name, values in sorted(by_name.items())
        }
        if len(by_name) > 1
        else {},
    }


def milliseconds(sorted_values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(harness.percentile(sorted_values, 0.50) * 1000, 1),
        "p99_ms": round(harness.percentile(sorted_values, 0.99) * 1000, 1),
    }


@contextlib.contextmanager
def database(kind: str, postgres_url: str) -> Iterator[str]:
    if kind == "postgresql":
        with harness.scratch_postgres(postgres_url, "knotless_load") as url:
            yield url
    else:
        yield ""


def run_one(args: argparse.Namespace) -> dict[str, object]:
    data_dir = Path(tempfile.mkdtemp(prefix="knotless-load-"))
    with database(args.database, args.postgres_url) as url:
        harness.use_database(data_dir, url)
        harness.setup_django()
        from django.db import connection

        accounts = harness.make_accounts("load-", args.connections, history_days=90)
        connection.close()
        acked = harness.Acknowledged()
        port = harness.free_port()
        log = harness.quiet_log(data_dir, "server.log")
        server = harness.Server(port, workers=args.workers, threads=args.threads, log=log)
        rows = []
        try:
            server.wait_ready()
            writers = [harness.Writer(a, port, acked, NOTE_PREFIX) for a in accounts]
            for w in writers:  # first renders (charts, caches) are not what is measured
                w.get_today()
                w.get_knot()
            for load in LOADS:
                rows.append(drive(load, writers, args.seconds))
        finally:
            server.stop()
            log.close()
        result = harness.tally(acked, NOTE_PREFIX)
        connection.close()
    return {
        "database": harness.describe(url),
        "workers": args.workers,
        "threads": args.threads,
        "connections": args.connections,
        "seconds": args.seconds,
        "loads": rows,
        "acknowledged_writes": result.acknowledged,
        "stored_writes": result.stored,
        "lost_writes": result.lost,
        "lost_examples": result.lost_examples,
    }


def report(r: dict[str, object]) -> None:
    print(
        f"\n{r['database']}: granian {r['workers']} workers x {r['threads']} threads, "
        f"{r['connections']} connections on loopback, {r['seconds']} s per load"
    )
    print(f"{'load':<7} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    loads = r["loads"]
    assert isinstance(loads, list)
    for row in loads:
        print(
            f"{row['load']:<7} {row['requests']:>9} {row['requests_per_s']:>8} "
            f"{row['p50_ms']:>8} {row['p99_ms']:>8} {row['errors']:>7}"
            + (f"  {row['error_kinds']}" if row["errors"] else "")
        )
        for name, part in row["parts"].items():
            print(
                f"  {name:<9}{part['requests']:>6} {'':>8} {part['p50_ms']:>8} {part['p99_ms']:>8}"
            )
    print(
        f"writes acknowledged {r['acknowledged_writes']}, stored {r['stored_writes']}, "
        f"lost {r['lost_writes']} {r['lost_examples'] or ''}"
    )


def failed(r: dict[str, object]) -> bool:
    loads = r["loads"]
    assert isinstance(loads, list)
    return r["lost_writes"] != 0 or any(row["errors"] for row in loads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="per load (default 60)")
    parser.add_argument("--connections", type=int, default=32, help="default 32")
    parser.add_argument(
        "--database", choices=("both", "sqlite", "postgresql"), default="both", help="both"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("KNOTLESS_LOAD_PG_URL", DEFAULT_POSTGRES),
        help="a PostgreSQL server the bench may create and drop its database knotless_load on "
        f"(KNOTLESS_LOAD_PG_URL; default {DEFAULT_POSTGRES})",
    )
    parser.add_argument("--workers", type=int, default=2, help="granian workers (2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (8)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()

    if args.database != "both":
        result = run_one(args)
        report(result)
        if args.json:
            print(json.dumps(result))
        sys.exit(1 if failed(result) else 0)
    # Django's settings are per process: each database gets a process of its own.
    codes = []
    for kind in ("sqlite", "postgresql"):
        argv = [
            *("--database", kind, "--seconds", str(args.seconds)),
            *("--connections", str(args.connections), "--postgres-url", args.postgres_url),
            *("--workers", str(args.workers), "--threads", str(args.threads)),
            *(["--json"] if args.json else []),
        ]
        codes.append(subprocess.call([sys.executable, __file__, *argv]))
    sys.exit(max(codes))


if __name__ == "__main__":
    main()
