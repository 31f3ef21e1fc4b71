"""Read the CSV that Hevy exports (Settings → Export & Import Data → Export Workouts).

Pure: no Django. One row is one set, every cell quoted::

    title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,
    set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe

Hevy names the unit in the column: ``weight_lbs`` and ``distance_miles`` replace ``weight_kg``
and ``distance_km`` for an account set to imperial units. Times read ``4 Dec 2024, 18:04`` (or
``Dec 4, 2024, 6:04 PM`` with US settings); ``set_type`` is ``normal``, ``warmup``,
``dropset`` or ``failure``; ``set_index`` counts from 0. Older exports lack ``description``.
"""

from __future__ import annotations

from datetime import datetime

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
    load_kg,
    number,
    numbered,
    reps_of,
    rpe_of,
    seconds_of,
    when,
)
from knotless.lib.importers.table import Row, Table, header_of, read_table, require

NEEDED = {
    "start_time": ("start_time",),
    "exercise_title": ("exercise_title",),
    "set_type": ("set_type",),
    "weight_kg": ("weight_kg", "weight_lbs"),
    "reps": ("reps",),
}
_WEIGHTS: dict[str, WeightUnit] = {"weight_kg": "kg", "weight_lbs": "lb"}
_DISTANCES: dict[str, DistanceUnit] = {"distance_km": "km", "distance_miles": "mi"}
_KINDS: dict[str, Kind] = {
    "normal": "work",
    "": "work",
    "warmup": "warmup",
    "dropset": "drop",
    "failure": "failure",
}


def read_hevy(text: str) -> ImportResult:
    """Every set in a Hevy export; rows that cannot be read are listed in ``skipped``."""
    table = read_table(text)
    try:
        reader = _Reader(table)
    except ImportFormatError:
        names = set(header_of(text))
        if "exercise name" in names:
            raise ImportFormatError("This is a Strong export, not a Hevy one.") from None
        if not {"weight_kg", "weight_lbs"} & names:
            raise ImportFormatError(
                "This looks like a Hevy export but it has neither a 'weight_kg' nor a "
                "'weight_lbs' column."
            ) from None
        raise
    found: list[ImportedSet] = []
    skipped = list(table.skipped)
    for row in table.rows:
        try:
            found.append(reader.read(row))
        except RowError as error:
            skipped.append((row.line, str(error)))
    skipped.sort()
    return ImportResult("hevy", numbered(found), skipped)


class _Reader:
    def __init__(self, table: Table):
        columns = require(table, NEEDED, "Hevy")
        self.start = columns["start_time"]
        self.exercise = columns["exercise_title"]
        self.kind = columns["set_type"]
        self.weight = columns["weight_kg"]
        self.reps = columns["reps"]
        self.unit = _WEIGHTS[self.weight]
        self.title = table.find("title")
        self.end = table.find("end_time")
        self.distance = table.find(*_DISTANCES)
        self.distance_unit = _DISTANCES.get(self.distance or "", "km")
        self.seconds = table.find("duration_seconds")
        self.rpe = table.find("rpe")
        self.notes = table.find("exercise_notes")

    def read(self, row: Row) -> ImportedSet:
        exercise = row.get(self.exercise)
        if not exercise:
            raise RowError("the exercise name is empty")
        if len(exercise) > MAX_NAME:
            raise RowError(f"the exercise name is longer than {MAX_NAME} characters")
        started_at = when(row.get(self.start), "start time")
        kind = _KINDS.get(row.get(self.kind).lower(), "work")
        reps = reps_of(number(row.get(self.reps), "reps"))
        load = load_kg(number(row.get(self.weight), "weight"), self.unit)
        seconds = seconds_of(number(row.get(self.seconds), "duration_seconds"))
        distance = distance_m(number(row.get(self.distance), "distance"), self.distance_unit)
        rpe = rpe_of(number(row.get(self.rpe), "RPE"))
        if reps is None and load is None and seconds is None and distance is None:
            raise RowError("no reps, weight, time or distance")
        return ImportedSet(
            started_at=started_at,
            workout=row.get(self.title),
            minutes=self._minutes(row, started_at),
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

    def _minutes(self, row: Row, started_at: datetime) -> int | None:
        """The workout's length from its end time; None when the end is missing or odd."""
        try:
            ended_at = when(row.get(self.end), "end time")
            length = ended_at - started_at  # TypeError when one has a zone and one not
        except (RowError, TypeError):
            return None
        minutes = round(length.total_seconds() / 60)
        return minutes if 0 <= minutes <= 48 * 60 else None
