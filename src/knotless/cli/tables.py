"""Terminal tables that never cut what a user has to type back (a slug, an id).

Every listing command prints through :func:`print_table`. Key columns (slugs, ids) are printed
whole; prose columns wrap between words and are never narrower than their longest slug (when
they list slugs) or their header, so nothing a user types is split. When the terminal is too
narrow even for that, each row is printed as a short block instead of a table.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

# The blank divider between columns: no rules, so the columns get the room.
_GAP = 1
# A prose word longer than this may fold; below it a column is too narrow to read.
_PROSE_MIN = 8


def _longest_word(cells: Sequence[str]) -> int:
    return max((len(word) for cell in cells for word in cell.split()), default=0)


def column_widths(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    keys: Sequence[int],
    slug_lists: Sequence[int],
) -> list[int] | None:
    """Each column's width within ``width``, or None when the keys cannot fit whole."""
    least, most = [], []
    for index, header in enumerate(headers):
        cells = [row[index] for row in rows]
        natural = max([len(header), *(len(cell) for cell in cells)])
        if index in keys:
            floor = natural
        elif index in slug_lists:
            floor = max(_longest_word([header, *cells]), 1)
        else:
            floor = max(_longest_word([header]), min(_PROSE_MIN, _longest_word(cells)), 1)
        least.append(floor)
        most.append(max(natural, floor))
    room = width - _GAP * (len(headers) - 1)
    if sum(least) > room:
        return None
    widths = list(least)
    spare = room - sum(widths)
    # Share what is left among the columns that would use it, a character at a time, always to
    # the one furthest from its natural width (relative to it), so long prose wraps least.
    while spare > 0:
        short = [i for i in range(len(widths)) if widths[i] < most[i]]
        if not short:
            break
        neediest = max(short, key=lambda i: (most[i] - widths[i]) / most[i])
        widths[neediest] += 1
        spare -= 1
    return widths


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    keys: Sequence[int] = (0,),
    slug_lists: Sequence[int] = (),
) -> None:
    """Print rows under headers. Columns at the indexes in ``keys`` hold what users type (a
    slug, an id) and are printed whole; ``slug_lists`` columns list slugs between spaces and
    are kept at least as wide as the longest one."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console()
    widths = column_widths(headers, rows, console.width, keys, slug_lists)
    if widths is None:
        _print_blocks(headers, rows, keys)
        return
    # A blank line between rows tells wrapped rows apart without rules that cost width.
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        show_lines=True,
        pad_edge=False,
        padding=0,  # the box's blank column divider is the gap
    )
    for index, header in enumerate(headers):
        # Fixed widths: rich then never squeezes a column below what was worked out above.
        table.add_column(
            header,
            width=widths[index],
            no_wrap=index in keys,
            overflow="fold",
        )
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _print_blocks(
    headers: Sequence[str], rows: Sequence[Sequence[str]], keys: Sequence[int]
) -> None:
    """One block per row: its first key on the first line, then each other column on its own.
    Plain text with no wrapping of ours, so nothing is ever cut or hyphenated."""
    first = keys[0] if keys else 0
    for number, row in enumerate(rows):
        if number:
            click.echo()
        click.echo(f"{headers[first]}: {row[first]}")
        for index, header in enumerate(headers):
            if index != first and row[index]:
                click.echo(f"  {header}: {row[index]}")
