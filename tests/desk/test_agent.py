"""The desk agent end to end with a fake idle source and clock, and its real X11 backend
under Xvfb."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner

from knotless.cli import main
from knotless.desk.agent import Agent, Paths, offer_text, open_break, policy_from, policy_to
from knotless.desk.idle import X11, WallClock
from knotless.desk.models import DeskEvent
from knotless.lib.breaks import LIMIT, MICRO, MOVEMENT, Policy

T = TypeVar("T")

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WORKER = ThreadPoolExecutor(max_workers=1)


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on a thread of its own: the browser tests leave an event loop in the main thread."""
    return WORKER.submit(asyncio.run, coroutine).result()


@dataclass
class FakeIdle:
    name: str = "fake"
    exact: bool = True
    idle: float = 0.0
    is_busy: bool = False

    def idle_seconds(self) -> float:
        return self.idle

    def busy(self) -> bool:
        return self.is_busy


@dataclass
class FakeNotifier:
    shown: list[tuple[str, bool]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    cleared: int = 0

    async def offer(self, kind: str, text: str, can_postpone: bool) -> None:
        self.shown.append((kind, can_postpone))
        self.texts.append(text)

    async def clear(self) -> None:
        self.cleared += 1


@dataclass
class Rig:
    agent: Agent
    source: FakeIdle
    notifier: FakeNotifier
    clock: list[datetime]
    opened: list[str]

    def run(self, minutes: float, *, idle: float | None = None, busy: bool = False) -> None:
        """Let the agent tick every 5 s for ``minutes`` (idle grows while away)."""
        self.source.is_busy = busy
        for _ in range(round(minutes * 12)):
            self.clock[0] += timedelta(seconds=5)
            if idle is None:
                self.source.idle = 1.0
            else:
                self.source.idle += 5
            assert run_async(self.agent.step())


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    clock = [MONDAY]
    source = FakeIdle()
    notifier = FakeNotifier()
    opened: list[str] = []
    agent = Agent(
        Policy(),
        Paths(tmp_path, "alex"),
        source=source,
        notifier=notifier,
        break_url="http://127.0.0.1:8000/plan/?variant=desk",
        now=lambda: clock[0],
        open_url=opened.append,
    )
    run_async(agent.step())
    return Rig(agent, source, notifier, clock, opened)


def test_active_time_brings_one_notification_and_take_opens_the_routine(rig: Rig) -> None:
    rig.run(19.5)
    assert rig.notifier.shown == []
    rig.run(1)
    assert rig.notifier.shown == [(MICRO, True)]
    rig.run(5)  # the offer stays open: no second notification
    assert len(rig.notifier.shown) == 1
    rig.agent.paths.command.write_text("take")
    rig.run(0.1)
    # The offer's kind goes along: a micro-break plays seated moves, a movement break standing.
    assert rig.opened == ["http://127.0.0.1:8000/plan/?variant=desk&kind=micro"]
    assert rig.notifier.cleared >= 1


def test_postpone_from_the_cli_file_and_natural_breaks(rig: Rig) -> None:
    rig.run(20.5)
    rig.agent.paths.command.write_text("postpone")
    rig.run(4)
    assert len(rig.notifier.shown) == 1
    rig.run(1.5)
    assert len(rig.notifier.shown) == 2  # back after five minutes
    rig.run(6, idle=0)  # away: stepping away takes the break
    rig.run(1)
    lines = [json.loads(line) for line in rig.agent.paths.events.read_text().splitlines()]
    outcomes = [(e["kind"], e["outcome"]) for e in lines]
    assert (MICRO, "postponed") in outcomes and (MICRO, "taken") in outcomes
    assert ("work", "worked") in outcomes


def test_a_break_due_while_busy_waits_for_the_end(rig: Rig) -> None:
    rig.run(19)
    rig.run(10, busy=True)
    assert rig.notifier.shown == []
    rig.run(0.2)
    assert rig.notifier.shown == [(MICRO, True)]


def test_the_movement_break_after_an_hour(rig: Rig) -> None:
    for _ in range(3):
        rig.run(20.2)
        rig.agent.answer("skip")
    assert rig.notifier.shown[-1][0] == MOVEMENT


def test_state_survives_a_restart(rig: Rig, tmp_path: Path) -> None:
    rig.run(15)
    rig.agent._save()
    again = Agent(
        Policy(),
        Paths(tmp_path, "alex"),
        source=rig.source,
        notifier=FakeNotifier(),
        now=lambda: rig.clock[0],
    )
    assert again.state.micro_active == pytest.approx(rig.agent.state.micro_active)


def test_flush_moves_queued_events_into_the_database(
    db: None, user: Any, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOTLESS_DATA_DIR", str(tmp_path))
    paths = Paths(tmp_path, user.get_username())
    events = [
        {
            "kind": "work",
            "outcome": "worked",
            "start": MONDAY.isoformat(),
            "end": (MONDAY + timedelta(minutes=20)).isoformat(),
        },
        {
            "kind": "micro",
            "outcome": "taken",
            "start": MONDAY.isoformat(),
            "end": MONDAY.isoformat(),
        },
    ]
    paths.events.write_text("\n".join(json.dumps(e) for e in events) + "\n{torn")
    result = CliRunner().invoke(main, ["desk", "flush"], catch_exceptions=False)
    assert "Stored 2 desk events." in result.output
    assert DeskEvent.objects.count() == 2 and not paths.events.exists()
    # It also leaves the agent today's desk routine and the water pace.
    hint = json.loads(paths.hints.read_text())
    assert hint["routine"] and hint["minutes"] >= 1 and isinstance(hint["sip"], bool)


def _hint(made: datetime, **extra: Any) -> str:
    return json.dumps(
        {
            "routine": ["Chin tuck", "Upper trapezius stretch"],
            "minutes": 2,
            "knots": ["Right top of shoulder"],
            "sip": True,
            "made": made.isoformat(),
            "until": (MONDAY + timedelta(hours=15)).isoformat(),
        }
        | extra
    )


def test_the_offer_names_todays_routine_and_a_sip(rig: Rig) -> None:
    rig.agent.paths.hints.write_text(_hint(MONDAY + timedelta(minutes=10)))
    rig.run(20.5)
    assert rig.notifier.texts == [
        "30 seconds: drop your shoulders, look far away, breathe out. At your desk, 2 minutes "
        "for your right top of shoulder knot: Chin tuck, Upper trapezius stretch. "
        "You're behind on water: take a sip."
    ]


def test_a_stale_or_broken_hint_is_left_out(rig: Rig) -> None:
    # Written long ago: the sip is old news; the routine is yesterday's.
    rig.agent.paths.hints.write_text(_hint(MONDAY - timedelta(days=1), until=MONDAY.isoformat()))
    rig.run(20.5)
    rig.agent.paths.hints.write_text("{torn")
    rig.agent.answer("skip")
    rig.run(20.5)
    assert (
        rig.notifier.texts == ["30 seconds: drop your shoulders, look far away, breathe out."] * 2
    )


def test_the_policy_travels_to_the_agent_unchanged() -> None:
    policy = Policy(micro_after=600, work_days=(0, 2))
    assert policy_from(json.loads(json.dumps(policy_to(policy)))) == policy


def test_without_idle_information_it_says_so() -> None:
    source = WallClock()
    assert not source.exact and "no idle information" in source.name
    assert source.idle_seconds() == 0


@pytest.fixture
def xvfb() -> Iterator[str]:
    if not shutil.which("Xvfb") or not shutil.which("xdotool"):
        pytest.fail("Xvfb and xdotool are needed: install Debian's xvfb and xdotool packages.")
    display = ":97"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "800x600x24", "-nolisten", "tcp"])
    try:
        for _ in range(50):
            if Path(f"/tmp/.X11-unix/X{display[1:]}").exists():
                break
            time.sleep(0.1)
        yield display
    finally:
        server.terminate()
        server.wait(timeout=5)


def test_the_x11_backend_reads_real_idle_time(xvfb: str) -> None:
    source = X11(xvfb)
    try:
        subprocess.run(["xdotool", "mousemove", "10", "10"], env={"DISPLAY": xvfb}, check=True)
        first = source.idle_seconds()
        time.sleep(1.2)
        later = source.idle_seconds()
        assert later >= first + 1.0  # no input: idle grows
        subprocess.run(["xdotool", "mousemove", "200", "200"], env={"DISPLAY": xvfb}, check=True)
        assert source.idle_seconds() < later  # input resets it
        assert source.busy() is False  # no full-screen window on a bare server
    finally:
        source.close()


URL = "http://127.0.0.1:8123/desk/break/"


def test_start_the_break_opens_the_routine_at_once_when_the_app_runs() -> None:
    opened: list[str] = []
    spawned: list[list[str]] = []
    assert open_break(
        URL,
        open_url=opened.append,
        listening=lambda h, p: True,
        spawn=lambda c, o: spawned.append(c),
    )
    assert opened == [URL] and spawned == []


def test_start_the_break_starts_the_app_first_when_it_is_not_running() -> None:
    opened: list[str] = []
    spawned: list[list[str]] = []
    answers = iter([False, False, False, True])  # up after two waits
    assert open_break(
        URL,
        open_url=opened.append,
        listening=lambda h, p: next(answers),
        spawn=lambda c, o: spawned.append(c),
        sleep=lambda s: None,
    )
    assert spawned == [
        [
            sys.executable,
            "-m",
            "knotless",
            "serve",
            "--no-browser",
            "--host",
            "127.0.0.1",
            "--port",
            "8123",
        ]
    ]
    assert opened == [URL]


def test_start_the_break_gives_up_when_the_app_never_answers() -> None:
    opened: list[str] = []
    assert not open_break(
        URL,
        open_url=opened.append,
        listening=lambda h, p: False,
        spawn=lambda c, o: None,
        wait=1,
        sleep=lambda s: None,
    )
    assert opened == []


def test_the_command_it_runs_really_serves_the_break_page(tmp_path: Path) -> None:
    import os
    import socket
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/desk/break/"
    env = {k: v for k, v in os.environ.items() if k not in ("KNOTLESS_DATABASE_URL",)}
    env["KNOTLESS_DATA_DIR"] = str(tmp_path)
    servers: list[subprocess.Popen[bytes]] = []
    opened: list[str] = []
    try:
        assert open_break(
            url,
            log=tmp_path / "agent.log",
            open_url=opened.append,
            spawn=lambda command, out: servers.append(
                subprocess.Popen(command, stdout=out, stderr=out, env=env)
            ),
            wait=60,
        )
        assert opened == [url]

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any) -> None:
                return None

        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.build_opener(NoRedirect).open(url, timeout=10)
        # A signed-out visitor signs in first, then lands on the break.
        assert answer.value.code == 302 and "/login/" in answer.value.headers["Location"]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def test_the_daily_limit_reads_in_hours() -> None:
    text = offer_text(LIMIT, 300, None, MONDAY, limit=4 * 3600)
    assert text.startswith("4 active hours at the computer today: time to stop")


def test_take_plays_the_moves_the_offer_named(rig: Rig) -> None:
    rig.agent.paths.hints.write_text(
        _hint(MONDAY + timedelta(minutes=10), turns={"micro": 3, "movement": 1})
    )
    rig.run(20.5)
    rig.agent.paths.command.write_text("take")
    rig.run(0.1)
    assert rig.opened == ["http://127.0.0.1:8000/plan/?variant=desk&kind=micro&turn=3"]
