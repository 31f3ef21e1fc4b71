"""Read workout logs from wger's REST API, ``GET /api/v2/workoutlog/``.

Pure: no Django. wger has no CSV export; its API answers in pages::

    {"count": 42, "next": "https://…/api/v2/workoutlog/?limit=20&offset=20", "previous": null,
     "results": [{"id": …, "date": "2024-12-04T18:04:00+01:00", "session": 7, "routine": 3,
                  "iteration": 1, "slot_entry": 12, "next_log": null, "exercise": 73,
                  "repetitions_unit": 1, "repetitions": "8.00", "repetitions_target": "8.00",
                  "weight_unit": 1, "weight": "80.00", "weight_target": "80.00",
                  "rir": "1.5", "rir_target": "2.0", "rest": 120, "rest_target": 120}, …]}

(fields of ``WorkoutLogSerializer`` since wger 2.3; wger 2.2 and older sent ``reps``,
``repetition_unit``, ``exercise_base`` and a plain date). One page, a list of pages, or a list
of the entries themselves may be given.

Units are ids of wger's own tables: weight 1 kg, 2 lb, 3 body weight, 4 plates, 5 km/h, 6 mph;
repetitions 1 repetitions, 2 until failure, 3 seconds, 4 minutes, 5 miles, 6 kilometres,
7 max reps, 8 metres. A weight in plates or a speed is kept as a note, not converted.

Logs carry no workout title or length. Entries of one ``session`` (or, without one, one day)
are one workout, which starts at its earliest entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from knotless.lib.importers.records import (
    MAX_NAME,
    MAX_ROWS,
    DistanceUnit,
    ImportedSet,
    ImportFormatError,
    ImportResult,
    Kind,
    RowError,
    check_size,
    distance_m,
    load_kg,
    number,
    numbered,
    quote,
    reps_of,
    rpe_of,
    seconds_of,
    strip_bom,
    too_many_rows,
    when,
)

_SPEEDS_AND_PLATES = {3: "body weight", 4: "plates", 5: "km/h", 6: "mph"}
_DISTANCE_UNITS: dict[int, DistanceUnit] = {5: "mi", 6: "km", 8: "m"}
_ID = re.compile(r"[0-9]{1,12}")
_REP_UNITS = {1, 2, 3, 4, 5, 6, 7, 8}


def read_wger(text: str, names: Mapping[int, str] | None = None) -> ImportResult:
    """Every set in wger log entries; ``names`` maps exercise ids to names."""
    entries = entries_of(text)
    found: list[tuple[int, object, ImportedSet]] = []
    skipped: list[tuple[int, str]] = []
    for number_in_file, entry in enumerate(entries, start=1):
        try:
            found.append((number_in_file, _session(entry), _read(entry, names or {})))
        except RowError as error:
            skipped.append((number_in_file, str(error)))
    return ImportResult("wger", numbered(_as_workouts(found)), skipped)


def parse_json(text: str) -> object:
    check_size(text)
    body = strip_bom(text)
    if not body:
        raise ImportFormatError("The file is empty.")
    try:
        return json.loads(body, parse_float=str, parse_constant=str)
    except (ValueError, RecursionError):
        raise ImportFormatError("The file is not valid JSON.") from None


def entries_of(text: str) -> list[object]:
    """The log entries in one page, in a list of pages, or in a plain list."""
    data = parse_json(text)
    pages = data if isinstance(data, list) else [data]
    entries: list[object] = []
    for page in pages:
        if isinstance(page, dict) and "results" in page:
            results = page["results"]
            if not isinstance(results, list):
                raise ImportFormatError("In this wger page, 'results' is not a list.")
            entries.extend(results)
        elif isinstance(page, dict) and isinstance(data, list):
            entries.append(page)
        else:
            raise ImportFormatError(
                "This is JSON but not a page of wger's workout log: the key 'results' is missing."
            )
        if len(entries) > MAX_ROWS:
            raise too_many_rows()
    return entries


def _field(entry: Mapping[str, Any], *keys: str) -> Any:
    return next((entry[key] for key in keys if key in entry), None)


def _text(value: Any, what: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RowError(f"{what} is not a number")
    return str(value)


def _unit_id(value: Any, what: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | str) or not _ID.fullmatch(str(value)):
        raise RowError(f"the {what} {quote(str(value))} is not a wger unit id")
    return int(value)


def _session(entry: object) -> object:
    if isinstance(entry, dict):
        session = entry.get("session")
        if isinstance(session, int | str) and not isinstance(session, bool):
            return session
    return None


def _read(entry: object, names: Mapping[int, str]) -> ImportedSet:
    if not isinstance(entry, dict):
        raise RowError("the entry is not a log record")
    raw_date = entry.get("date")
    if not isinstance(raw_date, str):
        raise RowError("the entry has no date")
    started_at = when(raw_date)
    exercise_id = _unit_id(_field(entry, "exercise", "exercise_base"), "exercise", 0)
    if not exercise_id:
        raise RowError("the entry names no exercise")
    exercise = names.get(exercise_id) or f"wger exercise {exercise_id}"
    if len(exercise) > MAX_NAME:
        raise RowError(f"the exercise name is longer than {MAX_NAME} characters")
    amount = number(_text(_field(entry, "repetitions", "reps"), "repetitions"), "repetitions")
    rep_unit = _unit_id(_field(entry, "repetitions_unit", "repetition_unit"), "rep unit", 1)
    if rep_unit not in _REP_UNITS:
        raise RowError(f"the repetitions unit {rep_unit} is not one wger ships")
    weight = number(_text(entry.get("weight"), "weight"), "weight")
    weight_unit = _unit_id(entry.get("weight_unit"), "weight unit", 1)
    rir = number(_text(entry.get("rir"), "rir"), "RIR")
    kind: Kind = "failure" if rep_unit == 2 else "work"
    reps = reps_of(amount) if rep_unit in (1, 2, 7) else None
    seconds = None
    if rep_unit in (3, 4) and amount is not None:
        seconds = seconds_of(amount * (60 if rep_unit == 4 else 1))
    distance = None
    if rep_unit in _DISTANCE_UNITS:
        distance = distance_m(amount, _DISTANCE_UNITS[rep_unit])
    load = None
    note = "max reps" if rep_unit == 7 else ""
    if weight_unit in (1, 2):
        load = load_kg(weight, "kg" if weight_unit == 1 else "lb")
    elif weight is not None and weight != 0:
        unit = _SPEEDS_AND_PLATES.get(weight_unit, f"wger unit {weight_unit}")
        note = ", ".join(filter(None, [note, f"load given as {weight} {unit}"]))
    if reps is None and load is None and seconds is None and distance is None and not note:
        raise RowError("no reps, weight, time or distance")
    return ImportedSet(
        started_at=started_at,
        workout="",
        minutes=None,
        exercise=exercise,
        order=0,
        kind=kind,
        reps=reps,
        load_kg=load,
        seconds=seconds,
        distance_m=distance,
        rpe=_rpe(rir),
        note=note,
    )


def _rpe(rir: Decimal | None) -> Decimal | None:
    if rir is None:
        return None
    if not Decimal(0) <= rir <= Decimal(9):
        raise RowError(f"reps in reserve {rir} is outside 0-9")
    return rpe_of(Decimal(10) - rir)


def _as_workouts(found: list[tuple[int, object, ImportedSet]]) -> list[ImportedSet]:
    """Entries of one session, or of one day, as one workout starting at its first entry."""

    def workout(one: tuple[int, object, ImportedSet]) -> tuple[object, ...]:
        _, session, logged = one
        zoned = logged.started_at.tzinfo is not None
        return (zoned, session if session is not None else logged.started_at.date())

    starts: dict[tuple[object, ...], datetime] = {}
    for one in found:
        key = workout(one)
        logged = one[2].started_at
        starts[key] = min(starts.get(key, logged), logged)
    # A zoned and a plain time cannot be compared, so the zoned workouts sort apart.
    ordered = sorted(
        found,
        key=lambda one: (workout(one)[0], starts[workout(one)], one[2].started_at, one[0]),
    )
    return [replace(one[2], started_at=starts[workout(one)]) for one in ordered]
