"""Bring training history from other apps: Strong and Hevy CSV exports, and wger's log API.

Pure: no Django, no files, no network: each reader takes the text and returns an
:class:`ImportResult` of :class:`ImportedSet` in knotless's units (kg, metres, seconds), plus the
rows it could not read and why. The caller applies the person's time zone to the naive start
times, matches names with :func:`match_exercise`, and saves.

    result = read_any(uploaded_text)
    for one in result.sets: ...
    for line, why in result.skipped: ...

A file that is not one of these, is over 5 MB or has over 50,000 rows raises
:class:`ImportFormatError` with a message fit to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from knotless.lib.importers.hevy import read_hevy
from knotless.lib.importers.matching import match_exercise
from knotless.lib.importers.records import (
    ImportedSet,
    ImportFormatError,
    ImportResult,
    WeightUnit,
    check_size,
    strip_bom,
)
from knotless.lib.importers.strong import read_strong
from knotless.lib.importers.table import header_of
from knotless.lib.importers.wger import entries_of, read_wger

__all__ = [
    "ImportFormatError",
    "ImportResult",
    "ImportedSet",
    "detect",
    "match_exercise",
    "read_any",
    "read_hevy",
    "read_strong",
    "read_wger",
]

_HEVY = {"exercise_title", "set_type", "weight_kg", "weight_lbs"}
_STRONG = {"exercise name", "set order", "workout name"}
_STRONG_ELSEWHERE = {"datum", "name der übung", "reihenfolge festlegen"}


def detect(text: str) -> Literal["strong", "hevy", "wger"]:
    """Which app wrote ``text``, from its header or its JSON shape."""
    check_size(text)
    body = strip_bom(text)
    if not body:
        raise ImportFormatError("The file is empty.")
    if body[0] in "[{":
        entries_of(body)  # raises when the JSON is not wger's log
        return "wger"
    names = set(header_of(body))
    if "start_time" in names and names & _HEVY:
        return "hevy"
    if "date" in names and names & _STRONG:
        return "strong"
    if names & _STRONG_ELSEWHERE:
        raise ImportFormatError(
            "This looks like a Strong export with its column names in another language; set "
            "Strong to English, export again and bring that file."
        )
    raise ImportFormatError(
        "This file is not one knotless can read: bring a Strong or Hevy CSV export, or pages "
        "of wger's workout log (/api/v2/workoutlog/)."
    )


def read_any(
    text: str, names: Mapping[int, str] | None = None, *, weight_unit: WeightUnit = "kg"
) -> ImportResult:
    """Read ``text`` with the reader :func:`detect` picks; ``names`` is for wger's exercise ids,
    ``weight_unit`` for the oldest Strong layout, whose file does not say."""
    source = detect(text)
    if source == "strong":
        return read_strong(text, weight_unit=weight_unit)
    if source == "hevy":
        return read_hevy(text)
    return read_wger(text, names)
