"""What every importer hands back, the limits they share, and the small readers of values.

Pure: no Django. A value that cannot be read raises :class:`RowError`, which the importers turn
into one ``(row number, reason)`` entry in :attr:`ImportResult.skipped`; a problem with the whole
file raises :class:`ImportFormatError`, whose message is short enough to show as it is.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Source = Literal["strong", "hevy", "wger"]
Kind = Literal["work", "warmup", "drop", "failure"]
WeightUnit = Literal["kg", "lb"]
DistanceUnit = Literal["km", "mi", "m"]

LB_IN_KG = Decimal("0.45359237")
METRES = {"km": Decimal(1000), "mi": Decimal("1609.344"), "m": Decimal(1)}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_LOAD_KG = Decimal(1000)
MAX_REPS = 100
MAX_SECONDS = 24 * 3600
MAX_DISTANCE_M = Decimal(1_000_000)
MAX_NAME = 200
QUOTE = 40
CENT = Decimal("0.01")

_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,9}(?:\.[0-9]{0,6})?|\.[0-9]{1,6})")
_DATE_FORMATS = (
    "%d %b %Y, %H:%M",  # Hevy: 4 Dec 2024, 18:04
    "%b %d, %Y, %I:%M %p",  # Hevy, US settings: Dec 4, 2024, 6:04 PM
    "%b %d, %Y, %H:%M",
    "%d %B %Y, %H:%M",
)
_DURATION_PART = re.compile(r"([0-9]{1,5})\s*(h|m|s)")
_CLOCK = re.compile(r"([0-9]{1,3}):([0-5][0-9])(?::([0-5][0-9]))?")


@dataclass(frozen=True, slots=True)
class ImportedSet:
    """One set as another app recorded it, in knotless's units."""

    started_at: datetime  # the workout's start as the file gives it; naive unless it had a zone
    workout: str  # the workout's title, "" if none
    minutes: int | None  # the workout's length, when the file says
    exercise: str  # the name exactly as written in the file
    order: int  # position of this set within the exercise that workout, from 1
    kind: Kind
    reps: int | None
    load_kg: Decimal | None  # added load, converted from lb when needed, to 0.01 kg
    seconds: int | None
    distance_m: Decimal | None
    rpe: Decimal | None  # 1-10; from wger's reps in reserve as 10 - RIR
    note: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: Source
    sets: list[ImportedSet]
    skipped: list[tuple[int, str]] = field(default_factory=list)


class ImportFormatError(ValueError):
    """The whole file cannot be read; the message says why in a sentence."""


class RowError(Exception):
    """One row cannot be read; the message is the plain reason shown to the person."""


def quote(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= QUOTE else shown[: QUOTE - 4] + "…'"


def check_size(text: str) -> None:
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ImportFormatError("The file is larger than 5 MB; export a shorter period.")


def too_many_rows() -> ImportFormatError:
    return ImportFormatError(f"The file has more than {MAX_ROWS:,} rows; export a shorter period.")


def strip_bom(text: str) -> str:
    return text.lstrip().removeprefix("\ufeff").lstrip()


def numbered(found: list[ImportedSet]) -> list[ImportedSet]:
    """Give each set its position within its exercise in its workout, in the order given."""
    positions: Counter[tuple[datetime, str, str]] = Counter()
    sets = []
    for one in found:
        key = (one.started_at, one.workout, one.exercise)
        positions[key] += 1
        sets.append(replace(one, order=positions[key]))
    return sets


def number(raw: str, what: str) -> Decimal | None:
    """A plain decimal number; a decimal comma (``22,5``) counts as a point. Empty is None."""
    text = raw.strip()
    if not text:
        return None
    if "," in text:
        if "." in text or text.count(",") > 1:
            raise RowError(f"{what} {quote(raw)} is not a number")
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise RowError(f"{what} {quote(raw)} is not a number")
    return Decimal(text)


def whole(raw: str, what: str) -> int | None:
    value = number(raw, what)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise RowError(f"{what} {quote(raw)} is not a whole number")
    return int(value)


def positive(value: Decimal | None, what: str) -> Decimal | None:
    """Zero means "not recorded" in these exports; a negative amount is a mistake."""
    if value is None or value == 0:
        return None
    if value < 0:
        raise RowError(f"{what} cannot be negative")
    return value


def reps_of(value: Decimal | None) -> int | None:
    value = positive(value, "reps")
    if value is None:
        return None
    if value != value.to_integral_value():
        raise RowError(f"reps {value} is not a whole number")
    if value > MAX_REPS:
        raise RowError(f"more than {MAX_REPS} reps ({value}) in one set")
    return int(value)


def load_kg(value: Decimal | None, unit: WeightUnit) -> Decimal | None:
    value = positive(value, "weight")
    if value is None:
        return None
    kg = value * LB_IN_KG if unit == "lb" else value
    if kg > MAX_LOAD_KG:
        raise RowError(f"a weight over {MAX_LOAD_KG} kg ({value} {unit})")
    return kg.quantize(CENT, rounding=ROUND_HALF_UP)


def seconds_of(value: Decimal | None) -> int | None:
    value = positive(value, "time")
    if value is None:
        return None
    if value > MAX_SECONDS:
        raise RowError(f"a time over 24 hours ({value} seconds)")
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def distance_m(value: Decimal | None, unit: DistanceUnit) -> Decimal | None:
    value = positive(value, "distance")
    if value is None:
        return None
    metres = value * METRES[unit]
    if metres > MAX_DISTANCE_M:
        raise RowError(f"a distance over 1000 km ({value} {unit})")
    return metres.quantize(CENT, rounding=ROUND_HALF_UP)


def rpe_of(value: Decimal | None) -> Decimal | None:
    if value is None or value == 0:  # Strong writes nothing or 0 when no RPE was logged
        return None
    if not Decimal(1) <= value <= Decimal(10):
        raise RowError(f"RPE {value} is outside 1-10")
    return value


def when(raw: str, what: str = "date") -> datetime:
    """A timestamp as Strong, Hevy or wger writes it; naive stays naive."""
    text = raw.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
        for pattern in _DATE_FORMATS:
            try:
                moment = datetime.strptime(text, pattern)
            except ValueError:
                continue
            break
    if moment is None:
        raise RowError(f"the {what} {quote(raw)} could not be read")
    if not 1990 <= moment.year <= 2100:
        raise RowError(f"the {what} {quote(raw)} is not a plausible workout date")
    return moment


def duration_minutes(raw: str, *, bare_unit: Literal["s", "min"] | None = None) -> int | None:
    """``1h 5m``, ``45m``, ``1h``, ``0:45:00``; a bare number only when the column names its unit.

    A length that cannot be read is None: the sets still count without it."""
    text = raw.strip().lower()
    if not text:
        return None
    seconds: int | None = None
    if text.isdigit() and len(text) <= 7:
        if bare_unit is not None:
            seconds = int(text) * (60 if bare_unit == "min" else 1)
    elif clock := _CLOCK.fullmatch(text):
        hours_or_minutes, minutes_or_seconds, last = clock.groups()
        if last is None:  # h:mm
            seconds = int(hours_or_minutes) * 3600 + int(minutes_or_seconds) * 60
        else:
            seconds = int(hours_or_minutes) * 3600 + int(minutes_or_seconds) * 60 + int(last)
    else:
        parts = _DURATION_PART.findall(text)
        if parts and not _DURATION_PART.sub("", text).strip():
            scale = {"h": 3600, "m": 60, "s": 1}
            seconds = sum(int(amount) * scale[unit] for amount, unit in parts)
    if seconds is None or seconds > 2 * MAX_SECONDS:
        return None
    return (seconds + 30) // 60
