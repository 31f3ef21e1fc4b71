"""click's command tree as data, for the CLI tests generated from it (DESIGN habit 13).

:func:`commands` lists every command under ``knotless`` (groups too, and the group itself);
:func:`arguments` builds a command line that fills every required parameter with a good value
and gives one parameter the value under test. A required parameter :data:`GOOD` does not know
is reported by :func:`unfilled`, so a new command fails the tests built on this module instead of
slipping past them.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import click

from knotless.cli import main


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    command: click.Command

    @property
    def name(self) -> str:
        return " ".join(("knotless", *self.path))

    def params(self) -> list[click.Parameter]:
        """Its parameters, without --help (click's own)."""
        return [p for p in self.command.params if p.name != "help"]


def commands(root: click.Command = main, path: tuple[str, ...] = ()) -> Iterator[Command]:
    yield Command(path, root)
    if isinstance(root, click.Group):
        for name in sorted(root.commands):
            yield from commands(root.commands[name], (*path, name))


def under(*path: str) -> list[Command]:
    """The commands below ``knotless PATH…`` (not the group itself)."""
    return [c for c in commands() if c.path[: len(path)] == path and c.path != path]


# A good value for each required parameter, by (command path, parameter name) or by name alone;
# a callable gets the ids of the rows the test made (a knot, a check-in).
Good = str | Callable[[Mapping[str, str]], str]
GOOD: dict[tuple[str, ...] | str, Good] = {
    "region": "calf",
    "side": "left",
    "pain": "3",
    "marks": "calf",
    "slug": "chin-tuck",
    "knot_id": lambda ids: ids["knot"],
    "checkin_id": lambda ids: ids["checkin"],
    ("user", "create", "name"): "newcomer",
    ("user", "password", "name"): lambda ids: ids["user"],
    ("lift", "exercise"): "goblet squat",
    ("lift", "sets"): "3x8@16kg",
    ("session", "kind"): "run",
    ("session", "minutes"): "40",
    ("import", "file"): lambda ids: ids.get("export_file", "pyproject.toml"),
    ("share", "revoke", "share_id"): "no-such-share",
    # A programme link as a physio sends it (physio/doc.py: base64url of the JSON, no padding).
    ("physio", "add", "source"): "https://knotless.example/physio/review/#programme="
    + base64.urlsafe_b64encode(
        json.dumps(
            {
                "format": "knotless-programme",
                "version": 1,
                "from": "A physio",
                "items": [{"slug": "chin-tuck", "dose": {"sets": 2, "reps": 10}}],
            }
        ).encode()
    )
    .decode()
    .rstrip("="),
}


def good_value(command: Command, param: click.Parameter, ids: Mapping[str, str]) -> str | None:
    found = GOOD.get((*command.path, str(param.name)), GOOD.get(str(param.name)))
    if found is None:
        return None
    return found(ids) if callable(found) else found


def unfilled() -> list[str]:
    """Required parameters no good value is known for: each needs an entry in GOOD."""
    return [
        f"{c.name} {p.name}"
        for c in commands()
        for p in c.params()
        if p.required and good_value(c, p, {"knot": "1", "checkin": "1", "user": "u"}) is None
    ]


def arguments(
    command: Command, ids: Mapping[str, str], param: click.Parameter | None, value: str | None
) -> list[str]:
    """``command``'s path, then its options as ``--name=value`` (so a value that starts with a
    dash stays a value), then ``--`` and its positional arguments: good values for every
    required parameter, ``value`` for ``param`` (a flag is just given)."""
    options: list[str] = []
    positional: list[str] = []
    for p in command.params():
        if p is param:
            given: str | None = value
        elif p.required:
            given = good_value(command, p, ids)
        else:
            continue
        if isinstance(p, click.Option):
            flag = max(p.opts, key=len)
            options.append(flag if p.is_flag else f"{flag}={given}")
        elif given is not None:
            positional.append(given)
    tail = ["--", *positional] if positional else []
    return [*command.path, *options, *tail]
