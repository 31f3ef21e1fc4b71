"""The desk agent's files: one set per user name, private, and a queue that loses nothing."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.db import DatabaseError

from knotless.cli import main
from knotless.desk.agent import Paths, file_stem, interval_from, legacy_stem
from knotless.desk.models import DeskEvent

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _line(**change: Any) -> str:
    event = {
        "kind": "work",
        "outcome": "worked",
        "start": MONDAY.isoformat(),
        "end": (MONDAY + timedelta(minutes=20)).isoformat(),
    }
    return json.dumps(event | change)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KNOTLESS_DATA_DIR", str(tmp_path))
    return tmp_path


def test_it_gives_names_that_differ_only_in_at_plus_or_underscore_their_own_files(
    tmp_path: Path,
) -> None:
    names = ["alex@home", "alex+home", "alex_home", "alex.home", "Alex", "alex", "ALEX"]
    paths = [Paths(tmp_path, name) for name in names]
    for field in ("pid", "command", "state", "config", "events", "hints", "log"):
        files = [getattr(p, field) for p in paths]
        assert len(set(files)) == len(names), field
        # Also on a file system that ignores case (macOS, Windows).
        assert len({str(f).lower() for f in files}) == len(names), field


def test_it_keeps_plain_names_as_they_were(tmp_path: Path) -> None:
    assert Paths(tmp_path, "alex").pid == tmp_path / "desk" / "alex.pid"
    assert file_stem("sam-2.b") == "sam-2.b"
    long = "a" * 150
    assert len(file_stem(long)) < 60 and file_stem(long) != file_stem(long[:-1])
    assert file_stem(".") != "." and file_stem("") != ""


def test_one_users_stop_does_not_reach_another_users_agent(
    db: None, make_user: Any, data_dir: Path
) -> None:
    make_user("alex@home")
    make_user("alex+home")
    theirs = Paths(data_dir, "alex@home")
    agent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        theirs.pid.write_text(str(agent.pid))  # stands in for alex@home's running agent
        result = CliRunner().invoke(main, ["desk", "stop", "--user", "alex+home"])
        assert result.exit_code == 0, result.output
        assert "not running" in result.output
        assert not theirs.command.exists() and agent.poll() is None
    finally:
        agent.kill()
        agent.wait()


def test_it_adopts_an_older_knotless_files_of_the_same_user_only(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    desk.mkdir()
    old = legacy_stem("alex@home")
    assert old == "alex_home"
    (desk / f"{old}.config.json").write_text(json.dumps({"user": "alex@home"}))
    (desk / f"{old}.state.json").write_text('{"kept": true}')
    (desk / f"{old}.events.jsonl").write_text(_line() + "\n")
    # Another user whose name maps to the same old file names gets nothing of it.
    other = Paths(tmp_path, "alex+home")
    assert not other.state.exists() and (desk / f"{old}.state.json").exists()
    mine = Paths(tmp_path, "alex@home")
    assert mine.state.read_text() == '{"kept": true}'
    assert mine.events.read_text() == _line() + "\n"
    assert not (desk / f"{old}.state.json").exists()


def test_it_leaves_an_older_agent_that_still_runs_its_names(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "alex_home.config.json").write_text(json.dumps({"user": "alex@home"}))
    (desk / "alex_home.pid").write_text(str(os.getpid()))
    paths = Paths(tmp_path, "alex@home")
    assert paths.pid == desk / "alex_home.pid"  # `desk stop` still reaches it


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_its_folder_and_files_are_private(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    desk.mkdir(mode=0o755)
    os.chmod(desk, 0o755)
    (desk / "alex.state.json").write_text("{}")
    os.chmod(desk / "alex.state.json", 0o644)
    paths = Paths(tmp_path, "alex")
    assert stat.S_IMODE(desk.stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.state.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_files_commands_write_are_private(db: None, user: Any, data_dir: Path) -> None:
    paths = Paths(data_dir, "alex")
    paths.events.write_text(_line() + "\n")
    CliRunner().invoke(main, ["desk", "flush"], catch_exceptions=False)
    paths.pid.write_text(str(os.getpid()))
    CliRunner().invoke(main, ["desk", "skip"], catch_exceptions=False)
    for written in (paths.hints, paths.command):
        assert stat.S_IMODE(written.stat().st_mode) == 0o600, written


def test_flush_stores_what_is_valid_and_keeps_the_rest(db: None, user: Any, data_dir: Path) -> None:
    paths = Paths(data_dir, "alex")
    bad = [
        _line(kind="w" * 50),  # longer than the column: PostgreSQL refused the whole batch
        _line(kind="wo\x00rk"),
        _line(outcome="dozed"),
        _line(start="2026-11-23T09:00:00"),  # no zone: whose clock?
        _line(start="0001-01-01T00:00:00+05:00"),
        _line(start="9999-12-31T23:59:59-05:00", end="9999-12-31T23:59:59-05:00"),
        "[1, 2]",
        '{"kind": "work"}',
        "{torn",
    ]
    good = [_line(), _line(kind="micro", outcome="taken")]
    raw = "\n".join([good[0], *bad, good[1]]).encode() + b"\n\xff\xfe not utf-8\n"
    paths.events.write_bytes(raw)
    result = CliRunner().invoke(main, ["desk", "flush"])
    assert result.exit_code == 0, (result.output, result.stderr)
    assert "Stored 2 desk events." in result.output
    assert f"Kept {len(bad) + 1} queue lines" in result.stderr and str(paths.rejected) in (
        result.stderr.replace("\n", "")
    )
    assert sorted(DeskEvent.objects.values_list("kind", flat=True)) == ["micro", "work"]
    kept = paths.rejected.read_bytes().splitlines()
    assert kept == [line.encode() for line in bad] + [b"\xff\xfe not utf-8"]
    assert not paths.events.exists() and not paths.batches()


def test_flush_keeps_a_batch_the_database_refuses_for_the_next_flush(
    db: None, user: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = Paths(data_dir, "alex")
    paths.events.write_text(_line() + "\n")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("the server closed the connection")

    with monkeypatch.context() as patched:
        patched.setattr(DeskEvent.objects, "bulk_create", refuse)
        failed = CliRunner().invoke(main, ["desk", "flush"])
    assert failed.exit_code == 1 and "stay queued" in failed.output
    assert "Traceback" not in failed.output and not DeskEvent.objects.exists()
    assert len(paths.batches()) == 1  # not lost: put aside under the flush's name
    paths.events.write_text(_line(kind="micro", outcome="taken") + "\n")  # the agent goes on
    again = CliRunner().invoke(main, ["desk", "flush"], catch_exceptions=False)
    assert "Stored 2 desk events." in again.output
    assert DeskEvent.objects.count() == 2 and not paths.batches()


def test_flush_picks_up_a_batch_an_interrupted_flush_left(
    db: None, user: Any, data_dir: Path
) -> None:
    paths = Paths(data_dir, "alex")
    stranded = paths.events.with_suffix(".importing-999999999")  # no such process
    stranded.write_text(_line() + "\n")
    result = CliRunner().invoke(main, ["desk", "flush"], catch_exceptions=False)
    assert "Stored 1 desk event." in result.output
    assert DeskEvent.objects.count() == 1 and not stranded.exists()


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [(5, 5.0), ("nan", 5.0), (float("inf"), 5.0), (0, 1.0), (1e9, 60.0), (None, 5.0)],
)
def test_the_agent_ticks_at_a_sane_pace_whatever_its_config_says(raw: Any, seconds: float) -> None:
    assert interval_from(raw) == seconds
