"""`knotless physio`: the programme a physiotherapist sent, from the terminal.

The same steps as the Physio pages: ``show`` the programme followed; ``add`` reads a programme
file or link, lists each exercise with its dose and what the safety answers say today, and
follows it once confirmed (one programme at a time: the one before ends); ``stop`` ends it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from knotless.cli.django_setup import pick_user, ready
from knotless.cli.knots import _interactive, user_option

MAX_READ = 64 * 1024 * 2  # twice the largest programme: enough for a link around one


@click.group(name="physio")
def physio() -> None:
    """Follow the programme your physiotherapist sent: show, add, stop."""


def _items_lines(items: Any, held: dict[int, str] | None = None) -> list[str]:
    lines = []
    for n, item in enumerate(items):
        what = f"  {n + 1}. {item.name}: {item.dose_words}"
        if held and n in held:
            what += f"  [{held[n]}]"
        lines.append(what)
        if item.description:
            lines.append(f"     {item.description}")
        if item.note:
            lines.append(f"     Note: {item.note}")
    return lines


@physio.command(name="show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@user_option
def show(as_json: bool, username: str | None) -> None:
    """The programme your plan follows now, if any."""
    ready()
    from knotless.physio.plan import active
    from knotless.physio.services import stored_items

    account = pick_user(username)
    programme = active(account)
    if as_json:
        found = None
        if programme is not None:
            found = {
                "from": programme.source,
                "written": programme.written.isoformat() if programme.written else None,
                "added": programme.added_at.isoformat(),
                "note": programme.note,
                "items": [i.as_dict() for i in stored_items(programme)],
            }
        click.echo(json.dumps({"programme": found}, ensure_ascii=False, indent=1))
        return
    if programme is None:
        click.echo("You follow no physio programme. Add one with `knotless physio add FILE`.")
        return
    written = f", written {programme.written}" if programme.written else ""
    click.echo(f"Your plan follows the programme from {programme.source}{written}.")
    if programme.note:
        click.echo(f"Note: {programme.note}")
    for line in _items_lines(stored_items(programme)):
        click.echo(line)


def _read_source(source: str) -> str:
    """The programme's text: a file, "-" for standard input, or the link itself."""
    from knotless.physio.doc import FRAGMENT

    if source == "-":
        return sys.stdin.read(MAX_READ + 1)
    if FRAGMENT in source:
        return source
    path = Path(source)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_READ + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL or a lone surrogate in the name
        why = getattr(exc, "strerror", None) or "not a file name"
        shown = source if len(source) <= 60 else source[:60] + "…"
        raise click.BadParameter(
            f"cannot read {shown!r} ({why}); give a programme file, - for "
            "standard input, or the link you were sent.",
            param_hint="SOURCE",
        ) from None
    return data.decode("utf-8", "replace")


@physio.command(name="add")
@click.argument("source")
@click.option("--yes", is_flag=True, help="Follow it without asking.")
@user_option
def add(source: str, yes: bool, username: str | None) -> None:
    """Follow the programme in SOURCE: a file, - for standard input, or the link you were sent."""
    text = _read_source(source)
    ready()
    from knotless.physio import doc
    from knotless.physio.plan import active
    from knotless.physio.services import follow, held_back

    try:
        made = doc.read(text if len(text) <= MAX_READ else "x" * (doc.MAX_BYTES + 1))
    except doc.ProgrammeError as exc:
        raise click.UsageError(f"{exc} Nothing was added.") from None
    account = pick_user(username)
    written = f", written {made.written}" if made.written else ""
    click.echo(f"The programme from {made.source}{written}:")
    if made.note:
        click.echo(f"Note: {made.note}")
    for line in _items_lines(made.items, held_back(account, made)):
        click.echo(line)
    before = active(account)
    if not yes:
        ends = f" The one from {before.source} you follow now ends." if before else ""
        if not _interactive():
            raise click.UsageError(f"Nothing was added: add --yes to follow it.{ends}")
        click.confirm(f"Follow it in your plan from today?{ends}", abort=True)
    ended = follow(account, made)
    words = f"Added: your plan now follows the programme from {made.source}."
    if ended:
        words += " The one you followed before has ended."
    click.echo(words)


@physio.command(name="stop")
@user_option
def stop(username: str | None) -> None:
    """Stop following the programme; your plan is made from your knots alone again."""
    ready()
    from knotless.physio.services import stop as stop_following

    account = pick_user(username)
    stopped = stop_following(account)
    if stopped is None:
        click.echo("You follow no physio programme: nothing to stop.")
        return
    click.echo(f"You no longer follow the programme from {stopped.source}.")
