"""The desk agent: a small background process that watches idle time and offers breaks.

Kept lean on purpose (no Django, no web server): it runs the shared break policy
(``knotless.lib.breaks``) on the operating system's idle time (``knotless.desk.idle``), shows
one notification per offer, and writes every work block and break to a queue file that
``knotless desk flush`` (run by the agent every ten minutes and when it stops) moves into
the database. ``knotless desk`` prepares its configuration and starts it.

    python -m knotless.desk.agent CONFIG.json
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time as time_module
import webbrowser
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from knotless.config import PRIVATE_DIR, make_private
from knotless.desk.idle import IdleSource, Watch, busy_signs, detect_async
from knotless.lib import breaks

FLUSH_EVERY = 10 * 60  # seconds between moves of the queue into the database
TEXT = {
    breaks.MICRO: ("Micro-break", "{s} seconds: drop your shoulders, look far away, breathe out."),
    breaks.MOVEMENT: (
        "Movement break",
        "Get up for {m} minutes: walk for a minute first (refill your glass).",
    ),
    breaks.LIMIT: (
        "Daily limit reached",
        "{h} active hours at the computer today: time to stop, or at least to get up and move.",
    ),
}


SIP_FRESH = 30 * 60  # seconds a "behind on water" hint stays true enough to repeat


def offer_text(
    kind: str, length: int, hint: dict[str, Any] | None, now: datetime, limit: int = 0
) -> str:
    """The offer in words: the break, today's desk routine when there is one, and a sip of
    water when the user was behind pace a moment ago."""
    text = TEXT[kind][1].format(s=length, m=round(length / 60), h=f"{limit / 3600:g}")
    if not hint:
        return text
    try:
        until = datetime.fromisoformat(hint["until"])
        made = datetime.fromisoformat(hint["made"])
        moving = kind == breaks.MOVEMENT
        routine = [str(name) for name in hint.get("movement" if moving else "routine", [])]
        knots = [str(knot).lower() for knot in hint.get("knots", [])]
        minutes = int(hint.get("movement_minutes" if moving else "minutes", 0))
    except (KeyError, TypeError, ValueError):
        return text
    if routine and now < until and kind in (breaks.MICRO, breaks.MOVEMENT):
        names = ", ".join(routine[:3]) + (" and more" if len(routine) > 3 else "")
        aim = f" for your {' and '.join(knots)} knot{'s' * (len(knots) > 1)}" if knots else ""
        if moving:
            text += f" Then, standing, {minutes} minutes{aim}: {names}."
        else:
            text += f" At your desk, {minutes} minute{'s' * (minutes != 1)}{aim}: {names}."
    if hint.get("sip") and 0 <= (now - made).total_seconds() <= SIP_FRESH:
        text += " You're behind on water: take a sip."
    experiment = hint.get("experiment")
    if isinstance(experiment, str) and experiment and now < until:
        text += f" {experiment[:200]}"
    return text


class Notifier(Protocol):
    async def offer(self, kind: str, text: str, can_postpone: bool) -> None: ...
    async def clear(self) -> None: ...


# A user name is its own file name when it is made of these only; any other name is turned into
# a slug plus a hash of the exact name. Plain names hold no "_" and hashed ones always do, so no
# two user names share files (before, "a@b", "a+b" and "a_b" all became "a_b"), and plain names
# are lower case, so a file system that ignores case cannot merge two either.
PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")
STEM_MAX = 40
SUFFIXES = {
    "state": ".state.json",
    "config": ".config.json",
    "events": ".events.jsonl",
    "command": ".command",
    "hints": ".hints.json",  # today's routine and water, from the database
    "pid": ".pid",
    "log": ".log",
    "rejected": ".events.rejected.jsonl",  # queue lines `desk flush` could not store
}


def file_stem(user: str) -> str:
    """The start of every file name of ``user``'s agent: different for every user name."""
    if 0 < len(user) <= STEM_MAX and set(user) <= PLAIN and user.strip(".") != "":
        return user
    slug = "".join(c if c in PLAIN else "_" for c in user.lower())[:STEM_MAX]
    digest = hashlib.sha256(user.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{slug}_{digest}"


def legacy_stem(user: str) -> str:
    """The file names of knotless before 0.2, which several user names could share."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in user)


def pid_alive(pid_file: Path) -> int | None:
    """The process id in ``pid_file`` when that process runs."""
    try:
        pid = int(pid_file.read_text())
        os.kill(pid, 0)
    except (OSError, ValueError, OverflowError):
        return None
    return pid


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner may read (0600 from the moment it exists)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def append_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(text)


def open_private_append(path: Path) -> Any:
    """A private file (the agent's log, the side file of unreadable queue lines) opened for
    appending bytes."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")


class Paths:
    """The agent's files for one user, in the data directory: a 0700 folder of 0600 files."""

    def __init__(self, data_dir: Path, user: str) -> None:
        base = data_dir / "desk"
        base.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        make_private(base, PRIVATE_DIR)
        self.base = base
        self.user = user
        self.stem = self._stem(user)
        for name, suffix in SUFFIXES.items():
            setattr(self, name, base / f"{self.stem}{suffix}")
            make_private(base / f"{self.stem}{suffix}")
        for batch in self.batches():
            make_private(batch)

    # Set in __init__, one per SUFFIXES entry.
    state: Path
    config: Path
    events: Path
    command: Path
    hints: Path
    pid: Path
    log: Path
    rejected: Path

    def _stem(self, user: str) -> str:
        """The new file names; an older knotless's files of this very user (its config names
        the user) are renamed to them, unless that older agent still runs: then it keeps its
        names until it stops, so `desk stop` and `desk status` still reach it."""
        stem, old = file_stem(user), legacy_stem(user)
        if old == stem:
            return stem
        try:
            owner = json.loads((self.base / f"{old}.config.json").read_text()).get("user")
        except (OSError, ValueError, AttributeError):
            return stem
        if owner != user:
            return stem  # another user's files, or nobody's
        if pid_alive(self.base / f"{old}.pid") is not None:
            return old
        for suffix in SUFFIXES.values():
            source, target = self.base / f"{old}{suffix}", self.base / f"{stem}{suffix}"
            if source.exists() and not target.exists():
                source.replace(target)
        for batch in self.base.glob(f"{glob_escape(old)}.events.importing-*"):
            batch.replace(self.base / batch.name.replace(old, stem, 1))
        return stem

    def batches(self) -> list[Path]:
        """Queue files a `desk flush` took and did not finish (it stopped or the database
        refused): they are stored by the next one."""
        return sorted(self.base.glob(f"{glob_escape(self.stem)}.events.importing-*"))


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def policy_from(data: dict[str, Any]) -> breaks.Policy:
    data = dict(data)
    for key in ("work_start", "work_end"):
        data[key] = time.fromisoformat(data[key])
    data["work_days"] = tuple(data["work_days"])
    return breaks.Policy(**data)


def policy_to(policy: breaks.Policy) -> dict[str, Any]:
    data = asdict(policy)
    data["work_start"] = policy.work_start.isoformat()
    data["work_end"] = policy.work_end.isoformat()
    data["work_days"] = list(policy.work_days)
    return data


class Terminal:
    """Fallback notifier: a line on the terminal and the bell."""

    def __init__(self, write: Callable[[str], Any] = print) -> None:
        self.write = write

    async def offer(self, kind: str, text: str, can_postpone: bool) -> None:
        later = ", `knotless desk postpone`" if can_postpone else ""
        self.write(f"\a{TEXT[kind][0]}: {text} (`knotless desk take`{later}, `knotless desk skip`)")

    async def clear(self) -> None:
        return None


class Desktop:
    """A desktop notification with Start / In 5 minutes / Skip buttons (desktop-notifier)."""

    def __init__(self, answer: Callable[[str], None]) -> None:
        from desktop_notifier import DesktopNotifier

        self._notifier = DesktopNotifier(app_name="knotless")
        self._answer = answer
        self._shown: Any = None

    async def offer(self, kind: str, text: str, can_postpone: bool) -> None:
        from desktop_notifier import Button

        buttons = [Button(title="Start the break", on_pressed=lambda: self._answer("take"))]
        if can_postpone:
            buttons.append(
                Button(title="In 5 minutes", on_pressed=lambda: self._answer("postpone"))
            )
        buttons.append(Button(title="Skip", on_pressed=lambda: self._answer("skip")))
        await self.clear()
        self._shown = await self._notifier.send(title=TEXT[kind][0], message=text, buttons=buttons)

    async def clear(self) -> None:
        if self._shown is not None:
            await self._notifier.clear(self._shown)
            self._shown = None


class Agent:
    def __init__(
        self,
        policy: breaks.Policy,
        paths: Paths,
        *,
        source: IdleSource,
        notifier: Notifier,
        break_url: str = "",
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        open_url: Callable[[str], Any] = webbrowser.open,
        flush: Callable[[], Any] | None = None,
    ) -> None:
        self.policy = policy
        self.paths = paths
        self.source = source
        self.notifier = notifier
        self.break_url = break_url
        self.now = now
        self.open_url = open_url
        self.flush = flush
        self.state = self._load()
        self.ticks = 0
        self._last_flush = self.now()
        self._offered: breaks.Offer | None = None

    def _load(self) -> breaks.State:
        try:
            return breaks.State.from_json(json.loads(self.paths.state.read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            return breaks.State()

    def _save(self) -> None:
        write_private(self.paths.state, json.dumps(self.state.to_json()))

    def _queue(self) -> None:
        self.state, events = breaks.drain(self.state)
        if events:
            lines = [
                json.dumps(
                    {
                        "kind": event.kind,
                        "outcome": event.outcome,
                        "start": event.start.isoformat(),
                        "end": event.end.isoformat(),
                    }
                )
                + "\n"
                for event in events
            ]
            append_private(self.paths.events, "".join(lines))

    def answer(self, action: str) -> None:
        """The user's answer, from a notification button or ``knotless desk take|...``."""
        now = self.now()
        if action == "take" and self.state.offer is not None:
            kind = self.state.offer.kind  # the moves differ: seated, or up and standing
            self.state = breaks.take(self.policy, self.state, now)
            if self.break_url:
                sep = "&" if "?" in self.break_url else "?"
                query = f"kind={kind}"
                turns = (self._hint() or {}).get("turns")
                turn = turns.get(kind) if isinstance(turns, dict) else None
                if isinstance(turn, int) and not isinstance(turn, bool):
                    query += f"&turn={turn}"  # the moves the offer named
                self.open_url(f"{self.break_url}{sep}{query}")
        elif action == "skip":
            self.state = breaks.skip(self.policy, self.state, now)
        elif action == "postpone":
            self.state = breaks.postpone(self.policy, self.state, now)
        self._queue()
        self._save()

    def _hint(self) -> dict[str, Any] | None:
        """Today's routine and water, as ``knotless desk flush`` last left them."""
        try:
            data = json.loads(self.paths.hints.read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _commands(self) -> str:
        """A command left by the CLI (``knotless desk take`` and friends), once."""
        try:
            command = self.paths.command.read_text().strip()
            self.paths.command.unlink()
        except OSError:
            return ""
        return command

    async def step(self) -> bool:
        """One tick; False when asked to stop."""
        command = self._commands()
        if command == "stop":
            return False
        if command in ("take", "skip", "postpone"):
            self.answer(command)
        refresh = getattr(self.source, "refresh", None)
        if refresh is not None:
            await refresh()  # sources read over D-Bus fetch once per tick
        now = self.now()
        self.state = breaks.tick(
            self.policy, self.state, now, self.source.idle_seconds(), self.source.busy()
        )
        self._queue()
        self.ticks += 1
        offer = self.state.offer
        if offer != self._offered:
            if offer is None:
                await self.notifier.clear()
            else:
                text = offer_text(
                    offer.kind,
                    self.policy.length(offer.kind),
                    self._hint(),
                    self.now(),
                    self.policy.daily_limit,
                )
                await self.notifier.offer(
                    offer.kind, text, breaks.can_postpone(self.policy, self.state)
                )
            self._offered = offer
            self._save()
        elif self.ticks % 12 == 0:
            self._save()
        if self.flush is not None and (now - self._last_flush).total_seconds() >= FLUSH_EVERY:
            self.flush()
            self._last_flush = now
        return True

    async def run(self, interval: float, sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        try:
            while await self.step():
                await sleep(interval)
        finally:
            self._save()
            if self.flush is not None:
                self.flush()


def _listening(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=0.5).close()
    except OSError:
        return False
    return True


def open_break(
    url: str,
    *,
    log: Path | None = None,
    open_url: Callable[[str], Any] = webbrowser.open,
    listening: Callable[[str, int], bool] = _listening,
    spawn: Callable[[list[str], Any], Any] | None = None,
    wait: float = 30.0,
    sleep: Callable[[float], Any] = time_module.sleep,
) -> bool:
    """Open the break routine; when the web app is not running, start it first (in the
    background, like ``knotless serve --no-browser``) and open the page once it answers.
    Returns False when it never came up."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    if not listening(host, port):
        command = [sys.executable, "-m", "knotless", "serve", "--no-browser"]
        command += ["--host", host, "--port", str(port)]
        start = spawn or _spawn
        if log is None:
            start(command, subprocess.DEVNULL)
        else:
            with open_private_append(log) as out:  # the child keeps its own copy of the file
                start(command, out)
        waited = 0.0
        while not listening(host, port):
            if waited >= wait:
                return False
            sleep(0.25)
            waited += 0.25
    open_url(url)
    return True


def _spawn(command: list[str], out: Any) -> None:
    subprocess.Popen(
        command, stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True
    )


def interval_from(value: Any) -> float:
    """Seconds between ticks, 1 to 60: a hand-edited NaN or 0 must not spin a core."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return 5.0
    return min(60.0, max(1.0, seconds)) if math.isfinite(seconds) else 5.0


def _flusher(user: str) -> Callable[[], None]:
    def flush() -> None:
        # A short-lived process does the database work, so the agent never loads Django.
        subprocess.Popen(
            [sys.executable, "-m", "knotless", "desk", "flush", "--user", user],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    return flush


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    config = json.loads(Path(args[0]).read_text())
    paths = Paths(Path(config["data_dir"]), config["user"])
    loop = asyncio.new_event_loop()
    source = Watch(loop.run_until_complete(detect_async()), busy_signs())
    agent: Agent | None = None

    def answer(action: str) -> None:
        if agent is not None:
            agent.answer(action)

    notifier: Notifier
    try:
        wanted = config.get("notifications", "auto")
        notifier = Desktop(answer) if wanted != "terminal" and _has_desktop() else Terminal()
    except Exception:
        notifier = Terminal()

    def open_in_background(url: str) -> None:
        # Starting the web app can take seconds: never hold up the agent's ticks for it.
        def run() -> None:
            if not open_break(url, log=paths.log):
                print(f"The knotless app did not start; run `knotless`, then open {url}")

        threading.Thread(target=run, daemon=True).start()

    agent = Agent(
        policy_from(config["policy"]),
        paths,
        source=source,
        notifier=notifier,
        break_url=config.get("break_url", ""),
        open_url=open_in_background,
        flush=_flusher(config["user"]),
    )
    write_private(paths.pid, str(os.getpid()))
    print(f"knotless desk: idle time from the {source.source.name}.")
    if source.signs:
        print("Breaks wait while: " + ", ".join(sign.name for sign in source.signs) + ".")
    shown = "desktop notifications" if isinstance(notifier, Desktop) else "lines in this terminal"
    print(f"Offers come as {shown}.")
    if not source.exact:
        print("No idle information here: every minute the agent runs counts as active.")
    task = loop.create_task(agent.run(interval_from(config.get("interval"))))
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, task.cancel)
    try:
        loop.run_until_complete(task)
    except asyncio.CancelledError:
        pass
    finally:
        agent._save()
        paths.pid.unlink(missing_ok=True)


def _has_desktop() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))


if __name__ == "__main__":
    main()
