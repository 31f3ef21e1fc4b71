"""`knotless desk` as a user runs it: a real background agent, its status, an answer, stop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest


def knotless(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KNOTLESS_DATABASE_URL", "KNOTLESS_SECRET_KEY", "DISPLAY")
        and k != "DBUS_SESSION_BUS_ADDRESS"
    }
    env["KNOTLESS_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "knotless", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def _wait(check: object, what: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_the_agent_runs_in_the_background_answers_and_stops(tmp_path: Path) -> None:
    password = "a long pass 42\n"
    made = knotless(tmp_path, "user", "create", "alex", "--password-stdin", stdin=password)
    assert made.returncode == 0, made.stderr
    started = knotless(tmp_path, "desk", "--detach", "--terminal", "--interval", "1")
    assert started.returncode == 0, started.stderr
    assert "runs in the background" in started.stdout
    base = tmp_path / "desk"
    pid = int((base / "alex.pid").read_text())
    try:
        again = knotless(tmp_path, "desk", "--detach")
        assert again.returncode == 2 and "already runs" in again.stderr
        _wait((base / "alex.state.json").exists, "the agent's first state")
        status = json.loads(knotless(tmp_path, "desk", "status", "--json").stdout)
        assert status["running"] and status["pid"] == pid and status["offer"] is None
        assert 0 < status["micro_in"] <= 20 * 60
        hint = json.loads((base / "alex.hints.json").read_text())
        assert hint["routine"]  # today's desk routine, for the first offer
        told = knotless(tmp_path, "desk", "skip")
        assert told.returncode == 0 and "Told the desk agent: skip." in told.stdout
        _wait(lambda: not (base / "alex.command").exists(), "the agent to read the answer")
    finally:
        stopped = knotless(tmp_path, "desk", "stop")
    assert "Stopped the desk agent." in stopped.stdout
    _wait(lambda: not (base / "alex.pid").exists(), "the agent to leave")
    log = (base / "alex.log").read_text()
    assert "idle time from the wall clock" in log  # no display here: it says so
    assert "Offers come as lines in this terminal." in log
    assert "every minute the agent runs counts as active" in log
    status = json.loads(knotless(tmp_path, "desk", "status", "--json").stdout)
    assert not status["running"]
    assert "not running" in knotless(tmp_path, "desk", "take").stderr
