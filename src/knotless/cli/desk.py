"""`knotless desk`: the desk agent that offers breaks while you work.

knotless desk              run in the foreground (Ctrl+C stops)
knotless desk --detach     run in the background
knotless desk status       is it running, what is due [--json]
knotless desk stop
knotless desk take|postpone|skip   answer the open offer
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import click

from knotless.cli.django_setup import pick_user, ready
from knotless.cli.inputs import FiniteFloatRange
from knotless.cli.knots import user_option


def _prepare(username: str | None, interval: float, terminal: bool) -> tuple[Any, Path]:
    """Write the agent's configuration (policy from the desk settings) and return its paths."""
    ready()
    from knotless import config
    from knotless.desk import services
    from knotless.desk.agent import Paths, policy_to

    account = pick_user(username)
    paths = Paths(config.data_dir(), account.get_username())
    host = config.env_str("KNOTLESS_HOST", "127.0.0.1")
    port = config.env_str("KNOTLESS_PORT", "8000")
    data = {
        "user": account.get_username(),
        "data_dir": str(config.data_dir()),
        "policy": policy_to(services.policy_for(account)),
        "break_url": f"http://{host}:{port}/desk/break/",
        "interval": interval,
        "notifications": "terminal" if terminal else "auto",
    }
    write_private(paths.config, json.dumps(data, indent=2))
    _write_hint(account)
    return paths, paths.config


def _write_hint(account: Any) -> None:
    """Today's desk routine and water pace for the agent's next offer; never in the way of
    starting the agent or storing its events."""
    from knotless.desk import services

    try:
        services.write_hint(account)
    except Exception as exc:  # a plan that cannot be built today: offers go without it
        click.echo(f"(No routine for the offers this time: {exc})", err=True)


def _running(paths: Any) -> int | None:
    from knotless.desk.agent import pid_alive

    return pid_alive(paths.pid)


@click.group(invoke_without_command=True)
@click.option("--detach", is_flag=True, help="Run in the background.")
@click.option(
    "--interval",
    type=FiniteFloatRange(1, 60),
    default=5,
    show_default=True,
    help="Seconds between looks at the idle time.",
)
@click.option(
    "--terminal", is_flag=True, help="Offers as terminal lines, not desktop notifications."
)
@user_option
@click.pass_context
def desk(
    ctx: click.Context, detach: bool, interval: float, terminal: bool, username: str | None
) -> None:
    """Offer a micro-break after 20 active minutes and a movement break after an hour."""
    if ctx.invoked_subcommand is not None:
        return
    paths, config_file = _prepare(username, interval, terminal)
    if (pid := _running(paths)) is not None:
        raise click.UsageError(
            f"The desk agent already runs (pid {pid}); `knotless desk stop` first."
        )
    command = [sys.executable, "-m", "knotless.desk.agent", str(config_file)]
    if detach:
        from knotless.desk.agent import open_private_append

        with open_private_append(paths.log) as log:
            child = subprocess.Popen(
                command, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True
            )
        for _ in range(50):
            if paths.pid.exists():
                break
            time.sleep(0.1)
        click.echo(f"The desk agent runs in the background (pid {child.pid}); log: {paths.log}")
        return
    if os.name == "posix":
        os.execv(sys.executable, command)  # the lean agent replaces this process
    raise SystemExit(subprocess.call(command))


def write_private(path: Path, text: str) -> None:
    """A 0600 file (the agent module is imported only when a desk command runs)."""
    from knotless.desk import agent

    agent.write_private(path, text)


def _paths(username: str | None) -> Any:
    ready()
    from knotless import config
    from knotless.desk.agent import Paths

    return Paths(config.data_dir(), pick_user(username).get_username())


@desk.command()
@user_option
def stop(username: str | None) -> None:
    """Stop the desk agent."""
    paths = _paths(username)
    pid = _running(paths)
    if pid is None:
        click.echo("The desk agent is not running.")
        return
    write_private(paths.command, "stop")
    for _ in range(100):
        if _running(paths) is None:
            click.echo("Stopped the desk agent.")
            return
        time.sleep(0.1)
    os.kill(pid, 15)
    click.echo("Stopped the desk agent.")


@desk.command()
@click.option("--json", "as_json", is_flag=True)
@user_option
def status(as_json: bool, username: str | None) -> None:
    """Whether the agent runs, and how long until the next breaks."""
    from knotless.lib import breaks

    paths = _paths(username)
    pid = _running(paths)
    try:
        state = breaks.State.from_json(json.loads(paths.state.read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        state = breaks.State()
    try:
        policy = breaks.Policy()
        from knotless.desk.agent import policy_from

        policy = policy_from(json.loads(paths.config.read_text())["policy"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    micro_in = max(0, round(policy.micro_after - state.micro_active))
    movement_in = max(0, round(policy.movement_after - state.movement_active))
    data = {
        "running": pid is not None,
        "pid": pid,
        "offer": state.offer.kind if state.offer else None,
        "micro_in": micro_in,
        "movement_in": movement_in,
        "last_tick": state.last_tick.isoformat() if state.last_tick else None,
    }
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    if pid is None:
        click.echo("The desk agent is not running. Start it with `knotless desk --detach`.")
    else:
        click.echo(f"The desk agent runs (pid {pid}).")
    if state.offer is not None:
        from knotless.desk.agent import TEXT

        click.echo(f"Open offer: {TEXT[state.offer.kind][0].lower()}.")
    click.echo(
        f"Micro-break in {micro_in // 60} min of activity, "
        f"movement break in {movement_in // 60} min."
    )


def _answer(action: str, username: str | None) -> None:
    paths = _paths(username)
    if _running(paths) is None:
        raise click.UsageError("The desk agent is not running.")
    write_private(paths.command, action)
    click.echo(f"Told the desk agent: {action}.")


@desk.command()
@user_option
def take(username: str | None) -> None:
    """Start the offered break."""
    _answer("take", username)


@desk.command()
@user_option
def postpone(username: str | None) -> None:
    """Postpone the offered break by five minutes."""
    _answer("postpone", username)


@desk.command()
@user_option
def skip(username: str | None) -> None:
    """Skip the offered break."""
    _answer("skip", username)


def _queued_event(line: str, user: Any, now: Any) -> Any:
    """A DeskEvent from one queue line, or ValueError: only what the model and every database
    accept (known kinds and outcomes, times with a zone within reason), so one bad line cannot
    make the database refuse the whole batch."""
    from datetime import UTC, datetime, timedelta

    from knotless.desk.models import DeskEvent

    try:
        item = json.loads(line)
        kind, outcome = item["kind"], item["outcome"]
        start = datetime.fromisoformat(item["start"])
        end = datetime.fromisoformat(item["end"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError("not a queue line") from exc
    if kind not in DeskEvent.Kind.values or outcome not in DeskEvent.Outcome.values:
        raise ValueError("unknown kind or outcome")
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("a time without its zone")
    try:
        if not datetime(2000, 1, 1, tzinfo=UTC) <= start <= now + timedelta(days=1):
            raise ValueError("a time out of range")
        end = min(max(end, start), now + timedelta(days=1))
    except OverflowError as exc:  # the first or last day a datetime can hold, with an offset
        raise ValueError("a time out of range") from exc
    return DeskEvent(user=user, kind=kind, outcome=outcome, start=start, end=end)


@desk.command()
@user_option
def flush(username: str | None) -> None:
    """Move the agent's queued work blocks and breaks into the database; refresh the hint
    (today's desk routine, water pace) the agent's next offer shows.

    Lines that cannot be stored are kept in a side file, never dropped; a batch the database
    refuses stays queued for the next flush."""
    from django.db import DatabaseError, transaction
    from django.utils import timezone

    from knotless.accounts.freshness import touch
    from knotless.desk.agent import open_private_append
    from knotless.desk.models import DeskEvent

    paths = _paths(username)
    account = pick_user(username)
    # Batches an earlier flush took and did not finish (it was stopped, or the database said
    # no) come first; one whose flush still runs is left to it.
    batches = [b for b in paths.batches() if not _flush_running(b)]
    if paths.events.exists():
        # Named after this process (so another flush can tell it is taken) and unique (so it
        # never replaces a batch this process put aside before).
        taking = paths.events.with_suffix(f".importing-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        paths.events.replace(taking)  # the agent starts a new file; nothing is read twice
        batches.append(taking)
    if not batches:
        _write_hint(account)
        click.echo("Nothing queued.")
        return
    stored = kept = 0
    now = timezone.now()
    for batch in batches:
        rows, bad = [], []
        for line in batch.read_bytes().splitlines():
            if not line.strip():
                continue
            try:
                rows.append(_queued_event(line.decode("utf-8"), account, now))
            except ValueError:  # UnicodeDecodeError is one too
                bad.append(line)  # a torn last line from a crash, or a damaged one
        try:
            with transaction.atomic():
                DeskEvent.objects.bulk_create(rows)
                touch(account.pk)
        except DatabaseError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise click.ClickException(
                f"The database did not take the desk events ({first}); stored {stored}, the "
                f"rest stay queued for the next `knotless desk flush`."
            ) from None
        if bad:
            with open_private_append(paths.rejected) as side:  # as they were, byte for byte
                side.write(b"".join(line + b"\n" for line in bad))
        batch.unlink()
        stored += len(rows)
        kept += len(bad)
    _write_hint(account)  # the next offer names today's routine and the water pace
    click.echo(f"Stored {stored} desk event{'s' * (stored != 1)}.")
    if kept:
        click.echo(
            f"Kept {kept} queue line{'s' * (kept != 1)} that could not be read in "
            f"{paths.rejected} (nothing was dropped).",
            err=True,
        )


def _flush_running(batch: Path) -> bool:
    """Whether the flush that took ``batch`` (its process id is in the name) still runs."""
    number = batch.name.rsplit(".importing-", 1)[-1].split("-")[0]
    if not number.isdecimal() or int(number) == os.getpid():
        return False
    try:
        os.kill(int(number), 0)
    except (OSError, ValueError, OverflowError):
        return False
    return True
