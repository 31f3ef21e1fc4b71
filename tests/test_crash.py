"""The short crash test: bench/crash.py with fewer rounds, on the suite's database engine.

The server (every granian process) and CLI writers are killed with SIGKILL while they write; the
database must pass its integrity check and keep every write that was acknowledged. It runs the
real server in its own scratch database (a data folder under tmp_path, or on PostgreSQL a database
knotless_crash the bench creates and drops), never the suite's test database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CRASH = Path(__file__).resolve().parents[1] / "bench" / "crash.py"


@pytest.mark.slow
def test_it_keeps_every_acknowledged_write_through_kill_9s(tmp_path: Path) -> None:
    command = [
        sys.executable,
        str(CRASH),
        *("--server-kills", "12", "--max-seconds", "45", "--sync-writes", "0"),
        *("--data-dir", str(tmp_path), "--json"),
    ]
    database_url = os.environ.get("KNOTLESS_DATABASE_URL", "")
    if database_url:
        command += ["--database-url", database_url]
    run = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    figures: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])

    assert figures["database"] == ("PostgreSQL" if database_url else "SQLite")
    # The kills happened, and while writes were under way (fewer rounds fit on a busy machine).
    assert figures["server_kills"] >= 5, output
    assert figures["in_flight_at_server_kills"] > 0, output
    assert figures["cli_kills"] >= 2, output
    assert figures["kills"] >= 10, output
    assert figures["acknowledged"] > 100, output
    assert figures["cli_acknowledged"] > 0, output
    # What the promise is about.
    assert figures["lost"] == 0, output
    assert figures["integrity"] == "ok", output
    assert figures["errors"] == 0, output
