"""Read the CSV that the Strong app exports (Settings → Export Strong Data).

Pure: no Django. One row is one set; ``Date`` is the workout's start, repeated on each of its
rows. Three layouts are known and all are read by column name:

* iOS, to about 2023 (comma)::

    Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,
    Workout Notes,RPE

* with unit columns, from 2023 (Android writes semicolons and puts the length last)::

    Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;
    Distance Unit;Seconds;Notes;Workout Notes;Workout Duration

* Strong 6, from 2025, units in the column names and the length in seconds::

    Workout #,Date,Workout Name,Duration (sec),Exercise Name,Set Order,Weight (kg),Reps,
    Distance (meters),Seconds,Notes,Workout Notes,RPE

``Set Order`` is a number, or ``W`` (warm-up), ``D`` (drop set) or ``F`` (to failure) in its
place; Strong 6 adds ``Rest Timer`` and ``Note`` rows, which are not sets and are passed over.
Strong writes 0 for "not recorded" in number cells, so a 0 becomes None. The oldest layout says
nothing about units: its weights are taken as ``weight_unit`` (kg unless the caller knows the
person logged in lb) and distances as ``distance_unit``.
"""

from __future__ import annotations

import re
from typing import Literal

from knotless.lib.importers.records import (
    MAX_NAME,
    DistanceUnit,
    ImportedSet,
    ImportFormatError,
    ImportResult,
    Kind,
    RowError,
    WeightUnit,
    distance_m,
    duration_minutes,
    load_kg,
    number,
    numbered,
    quote,
    reps_of,
    rpe_of,
    seconds_of,
    when,
)
from knotless.lib.importers.table import Row, Table, header_of, read_table, require

NEEDED = {
    "Date": ("date",),
    "Exercise Name": ("exercise name",),
    "Set Order": ("set order",),
    "Weight": ("weight", "weight (kg)", "weight (lbs)", "weight (lb)"),
    "Reps": ("reps",),
}
_WEIGHT_IN_NAME: dict[str, WeightUnit] = {
    "weight (kg)": "kg",
    "weight (lbs)": "lb",
    "weight (lb)": "lb",
}
_DISTANCES: dict[str, DistanceUnit | None] = {
    "distance": None,
    "distance (km)": "km",
    "distance (meters)": "m",
    "distance (m)": "m",
    "distance (miles)": "mi",
    "distance (mi)": "mi",
}
_WEIGHT_UNITS: dict[str, WeightUnit] = {"kg": "kg", "kgs": "kg", "lb": "lb", "lbs": "lb"}
_DISTANCE_UNITS: dict[str, DistanceUnit] = {
    "km": "km",
    "mi": "mi",
    "mile": "mi",
    "miles": "mi",
    "m": "m",
    "meters": "m",
    "metres": "m",
}
_KINDS: dict[str, Kind] = {"w": "warmup", "d": "drop", "f": "failure"}
_NOT_SETS = {"rest timer", "note"}
_POSITION = re.compile(r"[0-9]{1,4}(?:\.0+)?")
_DURATIONS: dict[str, Literal["s", "min"] | None] = {
    "duration (sec)": "s",
    "duration (min)": "min",
    "duration": None,
    "workout duration": None,
}


def read_strong(
    text: str, *, weight_unit: WeightUnit = "kg", distance_unit: DistanceUnit = "km"
) -> ImportResult:
    """Every set in a Strong export; rows that cannot be read are listed in ``skipped``.

    ``weight_unit`` and ``distance_unit`` apply only where the file itself does not say."""
    table = read_table(text)
    _check_columns(table, text)
    reader = _Reader(table, weight_unit, distance_unit)
    found: list[ImportedSet] = []
    skipped = list(table.skipped)
    for row in table.rows:
        if row.get(reader.order).lower() in _NOT_SETS:
            continue
        try:
            found.append(reader.read(row))
        except RowError as error:
            skipped.append((row.line, str(error)))
    skipped.sort()
    return ImportResult("strong", numbered(found), skipped)


def _check_columns(table: Table, text: str) -> None:
    try:
        require(table, NEEDED, "Strong")
    except ImportFormatError:
        names = set(header_of(text))
        if "exercise_title" in names:
            raise ImportFormatError("This is a Hevy export, not a Strong one.") from None
        if {"datum", "name der übung"} & names:
            raise ImportFormatError(
                "This Strong export has its column names in another language; set Strong to "
                "English, export again and bring that file."
            ) from None
        raise


class _Reader:
    def __init__(self, table: Table, weight_unit: WeightUnit, distance_unit: DistanceUnit):
        columns = require(table, NEEDED, "Strong")
        self.date = columns["Date"]
        self.exercise = columns["Exercise Name"]
        self.order = columns["Set Order"]
        self.weight = columns["Weight"]
        self.reps = columns["Reps"]
        self.workout = table.find("workout name")
        self.duration = table.find(*_DURATIONS)
        self.distance = table.find(*_DISTANCES)
        self.seconds = table.find("seconds")
        self.notes = table.find("notes")
        self.rpe = table.find("rpe")
        self.weight_unit_column = table.find("weight unit")
        self.distance_unit_column = table.find("distance unit")
        self.weight_unit = _WEIGHT_IN_NAME.get(self.weight, weight_unit)
        named = _DISTANCES.get(self.distance or "")
        self.distance_unit: DistanceUnit = named or distance_unit

    def read(self, row: Row) -> ImportedSet:
        exercise = row.get(self.exercise)
        if not exercise:
            raise RowError("the exercise name is empty")
        if len(exercise) > MAX_NAME:
            raise RowError(f"the exercise name is longer than {MAX_NAME} characters")
        started_at = when(row.get(self.date))
        kind = _kind(row.get(self.order))
        reps = reps_of(number(row.get(self.reps), "reps"))
        load = load_kg(number(row.get(self.weight), "weight"), self._weight_unit(row))
        seconds = seconds_of(number(row.get(self.seconds), "seconds"))
        distance = distance_m(number(row.get(self.distance), "distance"), self._distance_unit(row))
        rpe = rpe_of(number(row.get(self.rpe), "RPE"))
        if reps is None and load is None and seconds is None and distance is None:
            raise RowError("no reps, weight, time or distance")
        duration = row.get(self.duration)
        return ImportedSet(
            started_at=started_at,
            workout=row.get(self.workout),
            minutes=duration_minutes(duration, bare_unit=_DURATIONS.get(self.duration or "")),
            exercise=exercise,
            order=0,
            kind=kind,
            reps=reps,
            load_kg=load,
            seconds=seconds,
            distance_m=distance,
            rpe=rpe,
            note=row.get(self.notes),
        )

    def _weight_unit(self, row: Row) -> WeightUnit:
        written = row.get(self.weight_unit_column).lower()
        if not written:
            return self.weight_unit
        if written not in _WEIGHT_UNITS:
            raise RowError(f"the weight unit {quote(written)} is not kg or lbs")
        return _WEIGHT_UNITS[written]

    def _distance_unit(self, row: Row) -> DistanceUnit:
        written = row.get(self.distance_unit_column).lower()
        if not written:
            return self.distance_unit
        if written not in _DISTANCE_UNITS:
            raise RowError(f"the distance unit {quote(written)} is not km, miles or meters")
        return _DISTANCE_UNITS[written]


def _kind(order: str) -> Kind:
    text = order.strip()
    if _POSITION.fullmatch(text):
        return "work"
    kind = _KINDS.get(text.lower())
    if kind is None:
        raise RowError(f"the set order {quote(order)} is not a number or W, D or F")
    return kind
