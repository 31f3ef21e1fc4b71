"""Every listing command prints the slugs and ids a user types back whole, at any width.

Generated: the commands come from click's command tree (every command whose code prints a
table), the slugs from the atlas and the library, so a new listing or a new long slug is
covered without editing this file.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from knotless.atlas.muscles import load_muscles
from knotless.atlas.regions import load_regions
from knotless.cli import main
from knotless.cli.tables import column_widths
from knotless.journal import services
from knotless.journal.models import Knot
from knotless.library.exercises import load_exercises

WIDTHS = [80, 60, 40]
CLI_DIR = Path(__file__).parents[2] / "src" / "knotless" / "cli"


def journal(user: Any) -> list[str]:
    """Knots with the longest muscle slugs, a long note and an untied one; their ids."""
    tz = "Europe/Berlin"
    longest = sorted(load_muscles(), key=len)[-3:]
    knots = [
        services.add_knot(
            user,
            region="between-shoulder-blades",
            side=side,
            pain=5,
            tz_name=tz,
            muscle=muscle,
            note="after a long day of driving and carrying boxes up the stairs " * 3,
        )
        for side, muscle in zip(("left", "right", "center"), longest, strict=True)
    ]
    services.check_in(knots[0], pain=3, tz_name=tz, note="better after the ball " * 5)
    services.untie(knots[1], pain=0, tz_name=tz)
    return [str(k.pk) for k in knots] + list(longest)


def checkin_ids(user: Any) -> list[str]:
    journal(user)
    return [str(pk) for pk in Knot.objects.first().checkins.values_list("pk", flat=True)]  # type: ignore[union-attr]


# Each listing command, with what it must print whole: (arguments, setup returning the words).
LISTINGS: dict[str, tuple[list[str], Callable[[Any], list[str]]]] = {
    "regions": (["regions"], lambda user: list(load_regions())),
    "muscles": (
        ["muscles"],
        lambda user: (
            list(load_muscles()) + [z for m in load_muscles().values() for z in m.essential]
        ),
    ),
    "exercises": (["exercises"], lambda user: list(load_exercises())),
    "find": (
        ["find", "temple:7", "between-shoulder-blades:5", "lateral-elbow:4"],
        lambda user: ["upper-trapezius", "wrist-extensors"],
    ),
    "knot list": (["knot", "list"], journal),
    "knot checkins": (["knot", "checkins", "1"], checkin_ids),
}


def commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            yield from commands(command, f"{path} ")
        else:
            yield path, command


def test_it_covers_every_command_that_prints_a_table() -> None:
    printing = {
        path
        for path, command in commands(main)
        if command.callback and re.search(r"print_table\(", inspect.getsource(command.callback))
    }
    assert printing == set(LISTINGS)


def test_it_builds_rich_tables_in_one_place_only() -> None:
    # A table built elsewhere would escape the never-cut-a-slug rule (and this test).
    builders = [
        path.name
        for path in CLI_DIR.glob("*.py")
        if path.name != "tables.py" and re.search(r"\bTable\(", path.read_text(encoding="utf-8"))
    ]
    assert builders == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("listing", list(LISTINGS))
def test_it_prints_every_slug_whole(user: Any, listing: str, width: int) -> None:
    args, setup = LISTINGS[listing]
    words = setup(user)
    assert words
    if listing == "knot checkins":
        args = ["knot", "checkins", str(Knot.objects.first().pk)]  # type: ignore[union-attr]
    result = CliRunner().invoke(main, args, env={"COLUMNS": str(width)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    broken = [
        w for w in set(words) if not re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", result.output)
    ]
    assert broken == []
    lines = result.output.splitlines()
    rules = [i for i, line in enumerate(lines) if line and set(line) == {"─"}]
    if rules:  # drawn as a table: its rule, as wide as the table, fits the terminal
        assert len(lines[rules[0]]) <= width


def test_it_falls_back_to_blocks_only_when_the_keys_cannot_fit() -> None:
    rows = [["sternocleidomastoid-clavicular", "A long name for it", "side-of-neck, temple"]]
    headers = ["Slug", "Name", "Usually refers to"]
    assert column_widths(headers, rows, 80, keys=(0,), slug_lists=(2,)) is not None
    assert column_widths(headers, rows, 40, keys=(0,), slug_lists=(2,)) is None
    widths = column_widths(headers, rows, 60, keys=(0,), slug_lists=(2,))
    assert widths is not None and widths[0] == 30 and widths[2] >= len("side-of-neck,")
    assert sum(widths) + len(widths) - 1 <= 60
