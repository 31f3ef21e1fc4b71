"""Crash test: kill -9 the server and the CLI while they write; nothing acknowledged is lost.

Starts the real server (`knotless serve`, granian) on a fresh database and keeps it busy with web
writers (check-ins and drinks by several signed-in users, over keep-alive connections on
loopback) while CLI writers run `knotless knot checkin` and `knotless drink` one after another.
Each round kills the whole server (every process of it) with SIGKILL at a random moment and
starts it again; about half of the CLI processes are killed with SIGKILL too, late in their run,
where the write happens. A write counts as acknowledged when its HTTP redirect or the CLI's exit
status 0 arrived; the client records it. At the end PRAGMA integrity_check (SQLite, also after
every server kill) or amcheck (PostgreSQL) must say ok, and every acknowledged write must be
among the stored rows.

On SQLite it first times check-ins written through the app's own service with
synchronous=NORMAL (the setting) and FULL, on the same disk: the price of FULL.

    uv run python bench/crash.py [--server-kills 50] [--database-url postgresql://...] [--json]

Bounded: it stops after --server-kills rounds or --max-seconds, whichever comes first. Exit
status 1 when a write was lost, a check failed, a write was refused or nothing was acknowledged.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import harness

NOTE_PREFIX = "crash-"


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    server_kills: int = 0
    in_flight_at_kills: int = 0
    cli_kills: int = 0
    cli_runs: int = 0
    cli_acknowledged: int = 0
    broken: int = 0  # requests cut off by a kill or sent while the server was down
    killed_notes: list[str] = field(default_factory=list)  # check-ins of killed CLI runs
    errors: list[str] = field(default_factory=list)  # anything else: a defect

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def web_writer(writer: harness.Writer, stop: threading.Event, stats: Stats, seed: int) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        try:
            status = writer.check_in() if rng.random() < 0.5 else writer.drink()
        except (OSError, http.client.HTTPException):
            with stats.lock:
                stats.broken += 1
            time.sleep(0.05)  # the server is down or starting again
            continue
        if status != 302:
            stats.error(f"web write answered {status}")
    writer.close()


def cli_writer(
    account: harness.Account,
    acked: harness.Acknowledged,
    stop: threading.Event,
    stats: Stats,
    seed: int,
    kill_share: float,
) -> None:
    """Run the CLI writers one after another; kill about ``kill_share`` of them with SIGKILL
    in the last quarter of a typical run (the write is the last thing they do)."""
    rng = random.Random(seed)
    durations: list[float] = []
    base = [sys.executable, "-m", "knotless"]
    for n in range(1, 100_000):
        if stop.is_set():
            break
        if n % 2:
            note = f"{NOTE_PREFIX}cli{account.user_id}-{n}"
            command = [
                *base,
                *("knot", "checkin", str(account.knot_id), "--pain", str(n % 11)),
                *("--note", note, "--user", account.name),
            ]
        else:
            ml = 1 + (n // 2) % harness.DRINK_MAX_ML
            command = [*base, "drink", f"{ml}ml", "--user", account.name]
        typical = statistics.median(durations) if durations else 1.0
        kill_at = typical * rng.uniform(0.75, 1.0) if rng.random() < kill_share else None
        began = time.monotonic()
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, err = process.communicate(timeout=kill_at if kill_at is not None else 120)
        except subprocess.TimeoutExpired:
            if kill_at is None:
                stats.error(f"CLI writer hung: {command[3:]}")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            with stats.lock:
                stats.cli_kills += 1
                if n % 2:
                    stats.killed_notes.append(note)
            continue
        durations.append(time.monotonic() - began)
        with stats.lock:
            stats.cli_runs += 1
        if process.returncode != 0:
            tail = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
            stats.error(f"CLI {command[3]} exited {process.returncode}: {tail[0][:200]}")
            continue
        with stats.lock:
            stats.cli_acknowledged += 1
        if n % 2:
            acked.note(note)
        else:
            acked.drink(account.user_id, ml)


def sync_cost(writes: int) -> dict[str, float]:
    """Check-ins per second through the app's service, one transaction each, with the WAL
    synced at every commit (FULL) or only at checkpoints (NORMAL, the setting). Alternated
    twice so that a noisy disk slows both alike."""
    from django.db import connection, transaction

    from knotless.journal.models import Knot
    from knotless.journal.services import check_in

    knot = Knot.objects.get(pk=harness.make_accounts("crash-sync-", 1)[0].knot_id)
    rates: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    for mode in ("NORMAL", "FULL", "NORMAL", "FULL"):
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={mode}")
        began = time.perf_counter()
        for i in range(writes):
            with transaction.atomic():
                check_in(knot, pain=i % 11, tz_name="UTC", note="sync cost")
        rates[mode].append(writes / (time.perf_counter() - began))
    connection.close()
    return {mode: statistics.mean(values) for mode, values in rates.items()}


@contextlib.contextmanager
def database(database_url: str) -> Iterator[str]:
    if database_url:
        with harness.scratch_postgres(database_url, "knotless_crash") as url:
            yield url
    else:
        yield ""


def run(args: argparse.Namespace) -> dict[str, object]:
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="knotless-crash-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    with database(args.database_url) as url:
        harness.use_database(data_dir, url)
        harness.setup_django()
        from django.db import connection

        from knotless import config

        sqlite = not url
        cost = sync_cost(args.sync_writes) if sqlite and args.sync_writes else {}
        web = harness.make_accounts("crash-web-", args.web_writers)
        cli = harness.make_accounts("crash-cli-", args.cli_writers)
        connection.close()

        acked = harness.Acknowledged()
        stats = Stats()
        stop = threading.Event()
        port = harness.free_port()
        writers = [harness.Writer(a, port, acked, NOTE_PREFIX) for a in web]
        threads = [
            threading.Thread(target=web_writer, args=(w, stop, stats, args.seed + i))
            for i, w in enumerate(writers)
        ] + [
            threading.Thread(
                target=cli_writer,
                args=(a, acked, stop, stats, args.seed + 100 + i, args.cli_kill_share),
            )
            for i, a in enumerate(cli)
        ]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        checks: list[str] = []
        log = harness.quiet_log(data_dir, "server.log")
        try:
            for _ in range(args.server_kills):
                if time.monotonic() - began > args.max_seconds:
                    break
                server = harness.Server(port, workers=args.workers, threads=args.threads, log=log)
                try:
                    server.wait_ready()
                    time.sleep(rng.uniform(args.min_up, args.max_up))  # writes under way
                finally:
                    in_flight = sum(w.in_flight for w in writers)
                    server.kill()
                stats.server_kills += 1
                stats.in_flight_at_kills += in_flight
                if sqlite:
                    checks.append(harness.sqlite_integrity(config.sqlite_path()))
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=180)
        # After the last kill the database must still open and serve.
        server = harness.Server(port, workers=args.workers, threads=args.threads, log=log)
        server.wait_ready()
        server.stop()
        log.close()
        elapsed = time.monotonic() - began
        if sqlite:
            checks.append(harness.sqlite_integrity(config.sqlite_path()))
        else:
            checks.append(harness.postgres_integrity())
        result = harness.tally(acked, NOTE_PREFIX)
        from knotless.journal.models import CheckIn

        # Killed CLI check-ins that were stored all the same: the kills came around the write.
        landed = CheckIn.objects.filter(note__in=stats.killed_notes).count()
        connection.close()

    bad_checks = [c for c in checks if not c.startswith("ok")]
    return {
        "database": harness.describe(args.database_url),
        "seconds": round(elapsed, 1),
        "kills": stats.server_kills + stats.cli_kills,
        "server_kills": stats.server_kills,
        "cli_kills": stats.cli_kills,
        "killed_cli_checkins": len(stats.killed_notes),
        "killed_cli_checkins_stored": landed,
        "in_flight_at_server_kills": stats.in_flight_at_kills,
        "cut_off_requests": stats.broken,
        "acknowledged": result.acknowledged,
        "cli_acknowledged": stats.cli_acknowledged,
        "stored": result.stored,
        "lost": result.lost,
        "lost_examples": result.lost_examples,
        "errors": len(stats.errors),
        "error_examples": stats.errors[:5],
        "integrity": "ok" if not bad_checks else bad_checks[0],
        "integrity_checks": len(checks),
        "integrity_detail": checks[-1],
        "writes_per_s_normal": round(cost["NORMAL"]) if cost else None,
        "writes_per_s_full": round(cost["FULL"]) if cost else None,
        "data_dir": str(data_dir),
    }


def report(r: dict[str, object], args: argparse.Namespace) -> None:
    print(
        f"Crash test on {r['database']}: granian {args.workers} workers x {args.threads} threads, "
        f"{args.web_writers} web writers, {args.cli_writers} CLI writer(s), {r['seconds']} s"
    )
    if r["writes_per_s_normal"] is not None:
        print(
            f"  check-ins/s, one transaction each: synchronous=NORMAL {r['writes_per_s_normal']}, "
            f"FULL {r['writes_per_s_full']}"
        )
    print(
        f"  kills (SIGKILL): {r['kills']} = {r['server_kills']} of the server (requests in "
        f"flight at those moments: {r['in_flight_at_server_kills']}) + {r['cli_kills']} of CLI "
        f"writers ({r['killed_cli_checkins_stored']} of their {r['killed_cli_checkins']} "
        "check-ins were stored before the kill)"
    )
    print(
        f"  acknowledged writes: {r['acknowledged']} ({r['cli_acknowledged']} by the CLI); "
        f"requests cut off or refused while down: {r['cut_off_requests']}"
    )
    print(f"  stored: {r['stored']} (more than acknowledged: writes whose answer a kill cut off)")
    print(f"  lost: {r['lost']} {r['lost_examples'] or ''}")
    print(f"  errors: {r['errors']} {r['error_examples'] or ''}")
    print(
        f"  integrity: {r['integrity']} ({r['integrity_checks']} checks; last: "
        f"{r['integrity_detail']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-kills", type=int, default=50, help="rounds (default 50)")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop after (900)")
    parser.add_argument("--min-up", type=float, default=0.3, help="server up at least (0.3 s)")
    parser.add_argument("--max-up", type=float, default=1.5, help="server up at most (1.5 s)")
    parser.add_argument("--web-writers", type=int, default=4, help="HTTP writers (4)")
    parser.add_argument("--cli-writers", type=int, default=1, help="CLI writers (1)")
    parser.add_argument("--cli-kill-share", type=float, default=0.5, help="CLI runs killed (0.5)")
    parser.add_argument("--workers", type=int, default=2, help="granian workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--sync-writes", type=int, default=300, help="per timing; 0 skips")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server to use: the "
        "bench creates and drops its own database knotless_crash there",
    )
    parser.add_argument("--data-dir", default="", help="scratch data folder (default: a new one)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()

    result = run(args)
    report(result, args)
    if args.json:
        print(json.dumps(result))
    failed = (
        result["lost"] != 0
        or result["integrity"] != "ok"
        or result["errors"] != 0
        or result["acknowledged"] == 0
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
