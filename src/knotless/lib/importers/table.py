"""Read a CSV export into named rows, whatever its separator, line endings or byte-order mark.

Pure: no Django. Header names are compared in a normal form (lower case, single spaces), so
``Exercise Name``, ``exercise name`` and ``"Exercise  Name"`` are the same column. Blank lines and
rows of empty cells are left out; empty columns at the end of the header are ignored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knotless.lib.importers.records import (
    MAX_ROWS,
    ImportFormatError,
    check_size,
    strip_bom,
    too_many_rows,
)

if TYPE_CHECKING:
    from _csv import Reader

_SEPARATORS = (",", ";", "\t")


def header_name(raw: str) -> str:
    return " ".join(raw.replace("\ufeff", "").strip().strip('"').lower().split())


def separator(first_line: str) -> str:
    """The separator the header line uses most, outside quotes; a comma when it has none."""
    counts = dict.fromkeys(_SEPARATORS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def first_line(text: str) -> str:
    return strip_bom(text).split("\n", 1)[0].rstrip("\r")


def header_of(text: str) -> list[str]:
    """The normalised names on the first line, for telling the formats apart."""
    line = first_line(text)
    try:
        cells = next(csv.reader([line], delimiter=separator(line)), [])
    except csv.Error:
        return []
    return [header_name(cell) for cell in cells]


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # where the row starts in the file, counting the header as line 1
    cells: Mapping[str, str]

    def get(self, column: str | None) -> str:
        if column is None:
            return ""
        return self.cells.get(column, "").strip()


@dataclass(frozen=True, slots=True)
class Table:
    columns: Sequence[str]
    rows: list[Row]
    skipped: list[tuple[int, str]]

    def find(self, *names: str) -> str | None:
        """The first of ``names`` the header has."""
        return next((name for name in names if name in self.columns), None)


def read_table(text: str) -> Table:
    check_size(text)
    body = strip_bom(text)
    if not body:
        raise ImportFormatError("The file is empty.")
    sep = separator(first_line(body))
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=sep)
    try:
        records = list(_records(reader))
    except csv.Error as error:
        raise ImportFormatError(
            f"The file stops being readable CSV near line {reader.line_num}: {error}."
        ) from None
    if not records:
        raise ImportFormatError("The file is empty.")
    header = records[0][1]
    columns = [header_name(cell) for cell in header]
    named = [(index, name) for index, name in enumerate(columns) if name]
    if not named:
        raise ImportFormatError("The first line of the file has no column names.")
    named_at = {index for index, _ in named}
    rows: list[Row] = []
    skipped: list[tuple[int, str]] = []
    for line, cells in records[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(skipped) >= MAX_ROWS:
            raise too_many_rows()
        stray = [cell for index, cell in enumerate(cells) if index not in named_at]
        if any(cell.strip() for cell in stray):
            skipped.append((line, "the row has more cells than the header has columns"))
            continue
        values = {name: cells[index] if index < len(cells) else "" for index, name in named}
        rows.append(Row(line, values))
    return Table([name for _, name in named], rows, skipped)


def _records(reader: Reader) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on, skipping blank lines before the header."""
    line = 0
    started = False
    for cells in reader:
        start = line + 1
        line = reader.line_num
        if not started and not any(cell.strip() for cell in cells):
            continue
        started = True
        yield start, cells


def require(table: Table, needed: Mapping[str, Sequence[str]], label: str) -> dict[str, str]:
    """The header's name for each needed column, or a plain error naming the first missing."""
    found: dict[str, str] = {}
    for shown, names in needed.items():
        name = table.find(*names)
        if name is None:
            raise ImportFormatError(
                f"This looks like a {label} export but the column {shown!r} is missing."
            )
        found[shown] = name
    return found
