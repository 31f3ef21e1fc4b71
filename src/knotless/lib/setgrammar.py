"""Read the sets a lifter types, and write them back in one canonical form.

Pure: no Django. The training log, the CLI (``knotless lift row 3x10@20kg``) and the importers
all stand on it.

The grammar
-----------

An entry is one or more groups joined by ``+``; a group is sets, then an optional load, then an
optional effort. Spaces between the parts are optional; letters may be upper or lower case, and
the multiplication sign works as well as ``x``.

    entry  = group { "+" group }
    group  = sets [ load ] [ effort ]
    sets   = COUNT "x" REPS          3x10     three sets of ten
           | REPS { "," REPS }       5,5,4    one set per number; a lone 10 is one set of ten
    load   = "@" NUMBER ( "kg" | "lb" | "lbs" )
           | [ "@" ] "bw"            bodyweight
           | [ "@" ] "band:" COLOUR  an elastic band, named by its colour
    effort = "rir" N { "," N }       reps in reserve, 0-10, whole numbers
           | "rpe" N { "," N }       RPE, 1-10 in steps of 0.5

One effort number applies to every set of its group; a list gives one number per set.

Examples, each followed by its canonical form where that differs:

    3x10@20kg
    5,5,4@100lb
    3x12 band:red
    3x8 bw
    3x10@20kg rir2
    3x5@100kg rpe8
    10,8,8@22.5kg
    3x5@100kg rir 2,1,0          ->  3x5@100kg rir2,1,0
    10,10,10 @ 20 KG             ->  3x10@20kg
    12                           ->  1x12
    1x5@140kg rpe9 + 3x8@100kg   (a top set, then lighter sets)

Limits: 1-100 reps a set, 1-20 sets an entry, 0-1000 kg or 0-2200 lb with at most two
decimals, colours of plain letters (and hyphens) up to 20 long, 1000 characters in all. Anything
else is a ``ValueError`` whose message says what to change and quotes at most 40 characters of
what was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Unit = Literal["kg", "lb", "bw", "band"]
Scale = Literal["rir", "rpe"]

MAX_REPS = 100
MAX_SETS = 20
MAX_KG = Decimal(1000)
MAX_LB = Decimal(2200)
MAX_RIR = 10
MAX_TEXT = 1000  # twenty sets, each with its own band colour and effort, fit easily
MAX_COLOUR = 20
QUOTE = 40

_COLOUR = re.compile(r"[a-z][a-z-]*")
_NUM = r"[0-9]+(?:\.[0-9]+)?"
_GROUP = re.compile(
    rf"""
    (?:(?P<count>[0-9]+)\s*x\s*(?P<reps>[0-9]+)
      |(?P<list>[0-9]+(?:\s*,\s*[0-9]+)*))
    \s*
    (?:@\s*(?P<amount>{_NUM})\s*(?P<unit>kg|lbs|lb)
      |@?\s*(?P<bw>bw)
      |@?\s*band\s*:\s*(?P<colour>[a-z-]+))?
    \s*
    (?:(?P<scale>rir|rpe)\s*(?P<efforts>{_NUM}(?:\s*,\s*{_NUM})*))?
    """,
    re.VERBOSE,
)
_HINT = "write sets like 3x10@20kg, 5,5,4@100lb, 3x8 bw or 3x12 band:red"


def _quote(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= QUOTE else shown[: QUOTE - 4] + "…'"


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(frozen=True, slots=True)
class Load:
    """What was lifted: an amount in kg or lb, bodyweight, or a band of some colour."""

    unit: Unit
    amount: Decimal | None = None  # kg and lb only
    colour: str | None = None  # band only

    def __post_init__(self) -> None:
        if self.unit in ("kg", "lb"):
            if self.amount is None or self.colour is not None:
                raise ValueError(f"A load in {self.unit} needs an amount and no colour.")
            if not self.amount.is_finite():
                raise ValueError("A load must be a plain number.")
            if self.amount.is_signed():
                raise ValueError("A load cannot be negative.")
            top = MAX_KG if self.unit == "kg" else MAX_LB
            if not Decimal(0) <= self.amount <= top:
                raise ValueError(f"A load goes from 0 to {top} {self.unit}.")
            if self.amount != self.amount.quantize(Decimal("0.01")):
                raise ValueError("A load has at most two decimals, such as 22.5 or 1.25.")
        elif self.unit == "bw":
            if self.amount is not None or self.colour is not None:
                raise ValueError("Bodyweight takes no amount or colour.")
        elif self.unit == "band":
            if self.amount is not None or self.colour is None:
                raise ValueError("A band is named by its colour alone, such as band:red.")
            if len(self.colour) > MAX_COLOUR or not _COLOUR.fullmatch(self.colour):
                raise ValueError(
                    f"A band colour is a plain word of up to {MAX_COLOUR} letters, such as red."
                )
        else:
            raise ValueError("A load is in kg, lb, bw or band.")

    def __str__(self) -> str:
        if self.unit == "bw":
            return " bw"
        if self.unit == "band":
            return f" band:{self.colour}"
        assert self.amount is not None
        return f"@{_decimal_text(self.amount)}{self.unit}"


@dataclass(frozen=True, slots=True)
class Effort:
    """How hard a set felt: reps in reserve (whole, 0-10) or RPE (1-10 in halves)."""

    scale: Scale
    value: Decimal

    def __post_init__(self) -> None:
        if not self.value.is_finite():
            raise ValueError("Effort must be a plain number.")
        if self.scale == "rir":
            if not 0 <= self.value <= MAX_RIR or self.value != self.value.to_integral_value():
                raise ValueError(f"Reps in reserve is a whole number from 0 to {MAX_RIR}.")
        elif self.scale == "rpe":
            tenths = self.value.quantize(Decimal("0.1")) if 1 <= self.value <= 10 else None
            if tenths is None or tenths != self.value or (tenths * 2) % 1 != 0:
                raise ValueError("RPE goes from 1 to 10 in steps of 0.5.")
        else:
            raise ValueError("Effort is rir or rpe.")

    def __str__(self) -> str:
        return _decimal_text(self.value)


@dataclass(frozen=True, slots=True)
class WorkSet:
    """One set: how many reps, with what load (None: not said), and how hard (None: not said)."""

    reps: int
    load: Load | None = None
    effort: Effort | None = None

    def __post_init__(self) -> None:
        if isinstance(self.reps, bool) or not 1 <= self.reps <= MAX_REPS:
            raise ValueError(f"A set has 1 to {MAX_REPS} reps.")


@dataclass(frozen=True, slots=True)
class Entry:
    """The sets of one exercise, in the order they were done."""

    sets: tuple[WorkSet, ...]

    def __post_init__(self) -> None:
        if not 1 <= len(self.sets) <= MAX_SETS:
            raise ValueError(f"Log 1 to {MAX_SETS} sets at a time.")

    def __str__(self) -> str:
        return format_entry(self)


def _parse_group(text: str) -> list[WorkSet]:
    match = _GROUP.fullmatch(text)
    if match is None:
        raise ValueError(f"Could not read {_quote(text)}: {_HINT}.")
    if match["count"] is not None:
        count = int(match["count"])
        if not 1 <= count <= MAX_SETS:
            raise ValueError(f"Log 1 to {MAX_SETS} sets at a time.")
        reps = [int(match["reps"])] * count
    else:
        reps = [int(part) for part in match["list"].split(",")]
        if len(reps) > MAX_SETS:
            raise ValueError(f"Log 1 to {MAX_SETS} sets at a time.")
    for rep in reps:
        if not 1 <= rep <= MAX_REPS:
            raise ValueError(f"A set has 1 to {MAX_REPS} reps.")

    load: Load | None = None
    if match["amount"] is not None:
        unit: Unit = "kg" if match["unit"] == "kg" else "lb"
        load = Load(unit, Decimal(match["amount"]))
    elif match["bw"] is not None:
        load = Load("bw")
    elif match["colour"] is not None:
        load = Load("band", colour=match["colour"])

    efforts: list[Effort | None] = [None] * len(reps)
    if match["scale"] is not None:
        scale: Scale = "rir" if match["scale"] == "rir" else "rpe"
        values = [Effort(scale, Decimal(part)) for part in match["efforts"].split(",")]
        if len(values) == 1:
            efforts = [values[0]] * len(reps)
        elif len(values) == len(reps):
            efforts = list(values)
        else:
            raise ValueError(
                f"Give one {scale.upper()} for all {len(reps)} sets, or one for each of them."
            )
    return [WorkSet(r, load, e) for r, e in zip(reps, efforts, strict=True)]


def parse(text: str) -> Entry:
    """Read what a lifter typed into an ``Entry``; raise ``ValueError`` saying what to change."""
    text = text.strip()
    if not text:
        raise ValueError(f"Nothing to read: {_HINT}.")
    if len(text) > MAX_TEXT:
        raise ValueError(f"That is too long: one exercise's sets fit in {MAX_TEXT} characters.")
    text = text.replace("×", "x").lower()
    if not text.isascii():
        raise ValueError(f"Use plain digits and letters in {_quote(text)}.")
    if re.search(r"(?:^|[@,x\s]|rir|rpe)(?:nan|inf)", text):
        raise ValueError("Numbers must be plain, finite numbers.")
    if re.search(r"(?:^|[@,x\s]|rir|rpe)-\s*[0-9]", text):
        raise ValueError("Numbers cannot be negative.")
    sets: list[WorkSet] = []
    for group in text.split("+"):
        group = group.strip()
        if not group:
            raise ValueError(f"Something is missing around a '+': {_HINT}.")
        sets.extend(_parse_group(group))
        if len(sets) > MAX_SETS:
            raise ValueError(f"Log 1 to {MAX_SETS} sets at a time.")
    return Entry(tuple(sets))


def _scale(work: WorkSet) -> str | None:
    return None if work.effort is None else work.effort.scale


def _format_group(group: list[WorkSet]) -> str:
    reps = [s.reps for s in group]
    text = f"{len(reps)}x{reps[0]}" if len(set(reps)) == 1 else ",".join(map(str, reps))
    load = group[0].load
    if load is not None:
        text += str(load)
    first = group[0].effort
    if first is not None:
        values = [str(s.effort) for s in group]
        shown = values[0] if len(set(values)) == 1 else ",".join(values)
        text += f" {first.scale}{shown}"
    return text


def format_entry(entry: Entry) -> str:
    """Write an entry in canonical form: ``parse(format_entry(e)) == e`` for every entry."""
    groups: list[list[WorkSet]] = []
    for work in entry.sets:
        if groups:
            last = groups[-1][-1]
            if last.load == work.load and _scale(last) == _scale(work):
                groups[-1].append(work)
                continue
        groups.append([work])
    return " + ".join(_format_group(g) for g in groups)
