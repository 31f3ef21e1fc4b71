"""Every command, option and argument of ``knotless`` against bad input (issue 12).

Generated from click's command tree (``tests/cli/clitree.py``), so a new command or option is
covered the day it lands. The rule: never a traceback. Each run ends with exit status 0, 1 or 2
and a message, its output holds no "Traceback", and CliRunner saw no exception but SystemExit.

Nothing is skipped silently. Commands that would block are run so that they cannot: where
``serve`` would start the web server, and where ``desk`` would hand over to the desk agent (or
start it in the background), the test's stand-ins raise :class:`WouldBlock`, which counts as the
input having been accepted. The player runs on a clock that jumps. A command this test cannot
run at all would be listed in :data:`NOT_EXERCISED` with the reason, and the test checks that
list against the tree.
"""

from __future__ import annotations

import importlib
import itertools
import os
import traceback
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from knotless.cli import main
from knotless.journal import services as journal
from tests.cli.clitree import Command, arguments, commands, unfilled

BAD: dict[str, str] = {
    "empty": "",
    "blank": "   ",
    "huge": "x" * 100_000,
    "long": "7" * 4000,  # just under the CLI's limit, so it reaches the command
    "negative": "-1",
    "NaN": "nan",
    "inf": "inf",
    "-inf": "-inf",
    "1e309": "1e309",
    "enormous int": "9" * 400,
    "enormous negative int": "-" + "9" * 40,
    "non-ASCII digits": "٣٤",
    "superscript digit": "²",
    "NUL": "a\x00b",
    "not UTF-8": os.fsdecode(b"caf\xe9"),  # how Python hands over a Latin-1 argument
    "lone surrogate": "\ud800",
    "year 1": "0001-01-01",
    "year 9999": "9999-12-31",
    "first moment": "0001-01-01T00:00",
    "last moment": "9999-12-31 23:59",
    "impossible date": "2026-02-30",
}
# Extreme times are tried for a user east of UTC and one west of it: a day's edge overflows on
# one side or the other.
DATES = frozenset({"year 1", "year 9999", "first moment", "last moment"})
# What a prompt gets on standard input: a password, then nothing (the next prompt aborts).
STDIN = "a-long-pass-phrase-42\n"

# Commands this test cannot run, with the reason. Empty today; an entry must name a real
# command and say why (see test_it_lists_what_it_cannot_exercise).
NOT_EXERCISED: dict[str, str] = {}


class WouldBlock(Exception):
    """Raised by the stand-ins where a command would start to serve or run the desk agent."""


@pytest.fixture
def cannot_block(monkeypatch: pytest.MonkeyPatch) -> None:
    import granian

    def stop(*args: Any, **kwargs: Any) -> None:
        raise WouldBlock

    # The modules, not the commands of the same name that knotless.cli exports.
    serve = importlib.import_module("knotless.cli.serve")
    desk = importlib.import_module("knotless.cli.desk")
    player = importlib.import_module("knotless.cli.player")
    monkeypatch.setattr(granian.Granian, "serve", stop)
    monkeypatch.setattr(serve, "_open_when_up", lambda *a, **k: None)
    monkeypatch.setattr(desk.os, "execv", stop)  # the agent replaces the process
    monkeypatch.setattr(desk.subprocess, "Popen", stop)  # --detach
    monkeypatch.setattr(desk.subprocess, "call", stop)
    ticks = itertools.count(step=1000.0)  # every exercise step is over as soon as it starts
    monkeypatch.setattr(player, "clock", lambda: next(ticks))
    monkeypatch.setattr(player, "sleep", lambda seconds: None)


@pytest.fixture
def world(
    make_user: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cannot_block: None
) -> dict[str, dict[str, str]]:
    """Two users, east and west of UTC, each with a knot and two check-ins; a data folder of
    the test's own."""
    monkeypatch.setenv("KNOTLESS_DATA_DIR", str(tmp_path))
    # Commands that write files (knotless export -o VALUE) write them here, not in the checkout.
    monkeypatch.chdir(tmp_path)
    for name in ("KNOTLESS_USER", "KNOTLESS_HOST", "KNOTLESS_PORT"):
        monkeypatch.delenv(name, raising=False)
    ids = {}
    for name, zone in (("alex", "Europe/Berlin"), ("wes", "America/Los_Angeles")):
        user = make_user(name, time_zone=zone)
        knot = journal.add_knot(
            user, region="calf", side="left", pain=5, tz_name=zone, first_felt=date(2026, 1, 5)
        )
        checkin = journal.check_in(knot, pain=4, tz_name=zone)
        ids[name] = {"user": name, "knot": str(knot.pk), "checkin": str(checkin.pk)}
    return ids


def judge(result: Result, value: str | None) -> str | None:
    """What is wrong with a run, or None."""
    if isinstance(result.exception, WouldBlock):
        return None  # accepted: it would now serve, or run the desk agent
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        return "".join(traceback.format_exception(*result.exc_info)[-3:]).strip()
    if result.exit_code not in (0, 1, 2):
        return f"exit status {result.exit_code}: {result.output[-300:]}"
    if "Traceback" in result.output:
        return f"a traceback: {result.output[-300:]}"
    said = ("Error", "Aborted!", "Usage:")  # Usage: a group's help, when no command is named
    if result.exit_code and not any(word in result.output for word in said):
        return f"failed without a message: {result.output[-300:]!r}"
    if value is not None and len(value) > 200 and value in result.output:
        return "echoed the whole value back"
    return None


def _fits_environment(value: str) -> bool:
    """No environment holds a NUL or a surrogate that no bytes stand for: the operating
    system, or os.environ, refuses those before knotless could see them."""
    try:
        return b"\x00" not in os.fsencode(value)
    except UnicodeEncodeError:
        return False


def runs(command: Command) -> list[tuple[str, click.Parameter | None, str | None, str, bool]]:
    """(label, parameter, value, user, through the environment) for every run of ``command``:
    once with good values only; each flag once; every other parameter with every bad value
    (extreme dates as both users), also through its environment variable when it has one."""
    planned: list[tuple[str, click.Parameter | None, str | None, str, bool]] = [
        ("good values", None, None, "alex", False)
    ]
    for param in command.params():
        if isinstance(param, click.Option) and param.is_flag:
            planned.append((f"{param.name} given", param, None, "alex", False))
            continue
        for label, value in BAD.items():
            for who in ("alex", "wes") if label in DATES else ("alex",):
                planned.append((f"{param.name}={label}", param, value, who, False))
            envvar = getattr(param, "envvar", None)
            if isinstance(envvar, str) and _fits_environment(value):
                planned.append((f"{envvar}={label}", param, value, "alex", True))
    return planned


def run(
    command: Command,
    ids: Mapping[str, str],
    param: click.Parameter | None,
    value: str | None,
    env_only: bool,
) -> Result:
    env = {"KNOTLESS_USER": ids["user"]}
    if env_only:
        assert param is not None and isinstance(param.envvar, str) and value is not None
        env[param.envvar] = value
        args = arguments(command, ids, None, None)
    else:
        args = arguments(command, ids, param, value)
    return CliRunner(env=env).invoke(main, args, input=STDIN)


def test_it_knows_a_good_value_for_every_required_parameter() -> None:
    # Without one, the runs below would stop at "missing argument" and test nothing deeper.
    assert unfilled() == []


def test_it_lists_what_it_cannot_exercise() -> None:
    names = {c.name for c in commands()}
    assert set(NOT_EXERCISED) <= names, set(NOT_EXERCISED) - names
    assert all(len(reason) > 20 for reason in NOT_EXERCISED.values())
    assert len(EXERCISED) + len(NOT_EXERCISED) == len(names)


EXERCISED = [c for c in commands() if c.name not in NOT_EXERCISED]


@pytest.mark.parametrize("command", EXERCISED, ids=lambda c: c.name)
def test_it_never_shows_a_traceback(world: dict[str, dict[str, str]], command: Command) -> None:
    problems = []
    planned = runs(command)
    for label, param, value, who, env_only in planned:
        result = run(command, world[who], param, value, env_only)
        problem = judge(result, value)
        if problem is not None:
            problems.append(f"{command.name} {label} (as {who}): {problem}")
    assert len(planned) > 1 or not command.params()
    assert not problems, f"{len(problems)} of {len(planned)} runs:\n" + "\n\n".join(problems[:8])
