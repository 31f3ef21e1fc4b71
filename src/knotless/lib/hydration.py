"""The daily drinks target, how it was reached, the pace through the day, and intake warnings.

Numbers from shared/reference/guidelines-facts.md, section 1:

* EFSA 2010 adequate intakes of total water, of which drinks are taken as about 80 % (EFSA
  assumes food brings 20-30 %): adult men 2.0 L of drinks, adult women 1.6 L; pregnancy adds
  0.3 L; lactation makes 2.1 L.
* US National Academies (IOM 2004-05), beverages only: men 3.0 L, women 2.2 L; pregnancy 2.3 L,
  lactation 3.1 L.
* Exercise: sweat loss is commonly 0.5-1.0 L per hour (ACSM 2007 as summarised); we add the low
  end, 0.5 L per hour of logged or planned exercise, unless the user knows their own rate.
* Heat: the reference gives no figure for desk work on a hot day, so a hot day adds a modest
  0.5 L and the panel says to drink to thirst.
* Safety: above about 1 L in an hour a gentle note; at 1.4 L in an hour (the US Army's hourly
  cap) a firm one. No advice to drink beyond thirst during endurance exercise.

Pure: no Django, no clock of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

ML_PER_OZ = 29.5735
STANDARDS = ("efsa", "iom")
SEXES = ("female", "male", "unspecified")
GENTLE_PER_HOUR = 1000
FIRM_PER_HOUR = 1400
SWEAT_ML_PER_HOUR = 500
HOT_DAY_ML = 500

SOURCES = {
    "efsa": "EFSA 2010 adequate intake of total water, drinks taken as about 80 %",
    "iom": "US National Academies (IOM 2004-05) adequate intake, beverages only",
    "sweat": "sweat loss of 0.5-1.0 L per hour of exercise (ACSM 2007); the low end is used",
    "heat": "no published figure for desk work in heat: a modest allowance; drink to thirst",
    "cap": "hourly cap of about 1.4 L (US Army heat guidance)",
}

# (standard, group) -> drinks in ml. Groups: "adult", "14-17", "9-13", "4-8".
BASE: dict[tuple[str, str, str], int] = {
    ("efsa", "adult", "male"): 2000,
    ("efsa", "adult", "female"): 1600,
    ("efsa", "14-17", "male"): 2000,
    ("efsa", "14-17", "female"): 1600,
    ("efsa", "9-13", "male"): 1600,
    ("efsa", "9-13", "female"): 1500,
    ("efsa", "4-8", "male"): 1200,
    ("efsa", "4-8", "female"): 1200,
    ("iom", "adult", "male"): 3000,
    ("iom", "adult", "female"): 2200,
    ("iom", "14-17", "male"): 2600,
    ("iom", "14-17", "female"): 1800,
    ("iom", "9-13", "male"): 1800,
    ("iom", "9-13", "female"): 1600,
    ("iom", "4-8", "male"): 1200,
    ("iom", "4-8", "female"): 1200,
}
PREGNANCY = {"efsa": 300, "iom": 100}  # IOM: 2.3 L against 2.2 L
LACTATION = {"efsa": 500, "iom": 900}  # EFSA: 2.1 L against 1.6 L; IOM: 3.1 L against 2.2 L


@dataclass(frozen=True, slots=True)
class Person:
    standard: str = "efsa"
    sex: str = "unspecified"
    age: int | None = None
    pregnant: bool = False
    lactating: bool = False
    sweat_ml_per_hour: int | None = None  # their own measured rate, if they know it
    override_ml: int | None = None


@dataclass(frozen=True, slots=True)
class Part:
    label: str
    ml: int
    source: str


@dataclass(frozen=True, slots=True)
class Target:
    ml: int
    parts: tuple[Part, ...]
    overridden: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


def _group(age: int | None) -> str:
    if age is None or age >= 18:
        return "adult"
    if age >= 14:
        return "14-17"
    if age >= 9:
        return "9-13"
    return "4-8"


def target(person: Person, *, exercise_minutes: int = 0, hot_day: bool = False) -> Target:
    """The day's drinks target in ml, with every part that makes it up and its source."""
    if person.standard not in STANDARDS:
        raise ValueError(f"standard is one of {', '.join(STANDARDS)}")
    if person.sex not in SEXES:
        raise ValueError(f"sex is one of {', '.join(SEXES)}")
    if person.age is not None and not 4 <= person.age <= 120:
        raise ValueError("targets here are for ages 4 and up")
    if exercise_minutes < 0:
        raise ValueError("exercise minutes cannot be negative")
    group = _group(person.age)
    name = "EFSA" if person.standard == "efsa" else "US National Academies"
    parts: list[Part] = []
    if person.sex == "unspecified":
        low = BASE[(person.standard, group, "female")]
        high = BASE[(person.standard, group, "male")]
        base = round((low + high) / 2)
        who = "adults" if group == "adult" else f"ages {group}"
        label = f"{name}, {who}: between the values for women and men"
    else:
        base = BASE[(person.standard, group, person.sex)]
        who = (
            {"male": "men", "female": "women"}[person.sex]
            if group == "adult"
            else f"{person.sex}s {group}"
        )
        label = f"{name}, {who}"
    parts.append(Part(label, base, SOURCES[person.standard]))
    adult_woman = person.sex == "female" and group in ("adult", "14-17")
    if person.pregnant and adult_woman:
        parts.append(Part("pregnancy", PREGNANCY[person.standard], SOURCES[person.standard]))
    if person.lactating and adult_woman:
        parts.append(Part("breastfeeding", LACTATION[person.standard], SOURCES[person.standard]))
    if exercise_minutes:
        rate = person.sweat_ml_per_hour or SWEAT_ML_PER_HOUR
        source = "your own sweat rate" if person.sweat_ml_per_hour else SOURCES["sweat"]
        parts.append(
            Part(f"{exercise_minutes} min of exercise", round(rate * exercise_minutes / 60), source)
        )
    if hot_day:
        parts.append(Part("hot day", HOT_DAY_ML, SOURCES["heat"]))
    total = sum(p.ml for p in parts)
    notes = [
        "An adequate intake is a figure for a population, not your own need; thirst guides well.",
        "During long endurance exercise, drink to thirst rather than to a target.",
    ]
    if person.override_ml is not None:
        if not 500 <= person.override_ml <= 6000:
            raise ValueError("a chosen target runs from 500 ml to 6 L")
        notes.insert(0, f"You chose {person.override_ml} ml; the standard would give {total} ml.")
        return Target(person.override_ml, tuple(parts), overridden=True, notes=tuple(notes))
    return Target(total, tuple(parts), notes=tuple(notes))


def pace(target_ml: int, now: time, *, wake: time = time(7), sleep: time = time(23)) -> int:
    """How much someone on track would typically have had by ``now``: the target spread evenly
    over the waking day (none before waking, all of it by bedtime)."""
    start = wake.hour * 60 + wake.minute
    end = sleep.hour * 60 + sleep.minute
    if end <= start:
        end += 24 * 60
    minute = now.hour * 60 + now.minute
    if minute < start and end > 24 * 60 and minute + 24 * 60 <= end:
        minute += 24 * 60  # after midnight but before a late bedtime
    share = min(max((minute - start) / (end - start), 0.0), 1.0)
    return round(target_ml * share)


@dataclass(frozen=True, slots=True)
class Warning:
    level: str  # "gentle" or "firm"
    text: str
    ml_last_hour: int


def intake_warning(drinks: list[tuple[datetime, int]], now: datetime) -> Warning | None:
    """A note when the last hour's drinks come near or reach the hourly cap."""
    last_hour = sum(ml for moment, ml in drinks if now - timedelta(hours=1) < moment <= now)
    if last_hour >= FIRM_PER_HOUR:
        return Warning(
            "firm",
            f"{last_hour} ml in the last hour is at or above the 1.4 L hourly cap. Stop drinking "
            "for now; too much water too fast can lower blood sodium dangerously. If you feel "
            "confused, sick or have a headache, get medical help.",
            last_hour,
        )
    if last_hour > GENTLE_PER_HOUR:
        return Warning(
            "gentle",
            f"{last_hour} ml in the last hour is a lot. Spread the rest over the day and let "
            "thirst lead.",
            last_hour,
        )
    return None


def parse_amount(text: str) -> int:
    """``250``, ``250ml``, ``0.5l``, ``12oz`` or ``12 oz`` as whole millilitres."""
    raw = text.strip().lower().replace(" ", "")
    units = (("ml", 1.0), ("oz", ML_PER_OZ), ("l", 1000.0))
    factor = 1.0
    for suffix, scale in units:
        if raw.endswith(suffix):
            raw, factor = raw[: -len(suffix)], scale
            break
    try:
        value = float(raw.replace(",", ".")) * factor
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        # float() accepts inf, nan and 1e309 (or 5,000 digits), which no drink rounds to.
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise ValueError(f"{shown!r} is not an amount; try 250, 250ml, 0.5l or 12oz")
    ml = round(value)
    if not 1 <= ml <= 3000:
        raise ValueError("one drink is between 1 ml and 3 L")
    return ml


def show(ml: int, units: str) -> str:
    """``1.2 L`` or ``250 ml`` (metric), ``8.5 oz`` / ``40 oz`` (imperial)."""
    if units == "imperial":
        oz = ml / ML_PER_OZ
        return f"{oz:.1f} oz" if oz < 10 else f"{oz:.0f} oz"
    return f"{ml / 1000:.1f} L" if ml >= 1000 else f"{ml} ml"
