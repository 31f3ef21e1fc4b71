"""Export benchmark: how long do export and import take for a two-year account?

Seeds a scratch database (SQLite, or with --database-url a PostgreSQL database named
knotless_pages_export that the bench creates and drops) with one person with two years of
training (bench/training.py's history: daily ratings of two knots, 522 workouts, their sets)
and four drinks a day, then times the export (document and zip), an import into a fresh
account and the merge of the same export into the account it came from (nothing to add).
Target (issue 17): export under 5 s.

    uv run python bench/export.py [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import harness  # noqa: E402
import insights  # noqa: E402  (bench/insights.py: drinks)
import training  # noqa: E402  (bench/training.py: the two-year history)


def run(args: argparse.Namespace) -> None:
    with ExitStack() as stack:
        harness.scratch(stack, args.database_url, "knotless_pages_export")
        from django.db import connection

        from knotless.accounts.services import create_user
        from knotless.portable import archive, files

        person, *_ = training.seed("heavy", 730)
        insights.seed_drinks(person, 730)
        began = time.perf_counter()
        document = archive.export_user(person)
        exported = time.perf_counter() - began
        began = time.perf_counter()
        packed = files.to_zip(document)
        zipped = time.perf_counter() - began
        rows = sum(len(r) for r in document["tables"].values())
        fresh = create_user("fresh", "a-long-benchmark-passphrase", time_zone="Europe/Berlin")
        began = time.perf_counter()
        archive.import_user(fresh, files.read_upload(packed))
        imported = time.perf_counter() - began
        began = time.perf_counter()
        report = archive.import_user(person, document)
        merged = time.perf_counter() - began
        assert report.total_added == 0
        same = archive.dumps(archive.export_user(fresh)) == archive.dumps(document)
        print(f"{connection.vendor}: {rows:,} rows, zip {len(packed) / 1024:,.0f} KB")
        verdict = "meets" if exported + zipped < 5 else "over"
        print(f"export (document) {exported:6.2f} s   target < 5 s: {verdict}")
        print(f"zip               {zipped:6.2f} s")
        print(f"import, fresh     {imported:6.2f} s")
        print(f"merge, no change  {merged:6.2f} s")
        print(f"round trip byte for byte: {'yes' if same else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
