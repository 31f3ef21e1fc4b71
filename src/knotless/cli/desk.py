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
from pathlib import Path
from typing import Any

import click

from knotless.cli.django_setup import pick_user, ready
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
    paths.config.write_text(json.dumps(data, indent=2))
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
    try:
        pid = int(paths.pid.read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


@click.group(invoke_without_command=True)
@click.option("--detach", is_flag=True, help="Run in the background.")
@click.option(
    "--interval",
    type=click.FloatRange(1, 60),
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
        with paths.log.open("ab") as log:
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
    paths.command.write_text("stop")
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
    paths.command.write_text(action)
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


@desk.command()
@user_option
def flush(username: str | None) -> None:
    """Move the agent's queued work blocks and breaks into the database; refresh the hint
    (today's desk routine, water pace) the agent's next offer shows."""
    paths = _paths(username)
    from datetime import datetime

    from knotless.desk.models import DeskEvent

    account = pick_user(username)
    if not paths.events.exists():
        _write_hint(account)
        click.echo("Nothing queued.")
        return
    taking = paths.events.with_suffix(f".importing-{os.getpid()}")
    paths.events.replace(taking)  # the agent starts a new file; nothing is read twice
    rows = []
    for line in taking.read_text(encoding="utf-8").splitlines():
        try:
            item = json.loads(line)
            start = datetime.fromisoformat(item["start"])
            end = max(datetime.fromisoformat(item["end"]), start)
            rows.append(
                DeskEvent(
                    user=account, kind=item["kind"], outcome=item["outcome"], start=start, end=end
                )
            )
        except (ValueError, KeyError, TypeError):
            continue  # a torn last line from a crash: skip it
    DeskEvent.objects.bulk_create(rows)
    taking.unlink()
    _write_hint(account)  # the next offer names today's routine and the water pace
    click.echo(f"Stored {len(rows)} desk event{'s' * (len(rows) != 1)}.")
