"""The programme a physio sends: one small JSON document, as a file or inside a link.

    {"format": "knotless-programme", "version": 1, "from": "Sam Reyes, physio",
     "written": "2026-12-04", "note": "Three weeks, then we look again.",
     "items": [{"slug": "chin-tuck", "dose": {"sets": 3, "reps": 10}, "days_per_week": 5,
                "note": "Slowly."},
               {"name": "Towel scrunches", "description": "Seated, scrunch a towel ...",
                "dose": {"sets": 2, "hold_seconds": 30, "per_side": true}, "days_per_week": 3}]}

An item is a library exercise (``slug``) or one described in words (``name`` and
``description``). Its dose is the physio's, within the ranges the library allows. In a link the
document rides in the fragment (``#programme=`` and base64url of the JSON), which browsers never
send to a server: knotless sees it only when the person, signed in, chooses to review it.

:func:`read` checks everything and raises :class:`ProgrammeError` naming the first problem.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from knotless.lib.sequence import SET_SECONDS_MAX
from knotless.lib.text import encodable
from knotless.library.exercises import load_exercises

FORMAT = "knotless-programme"
VERSION = 1
MAX_BYTES = 64 * 1024
MAX_ITEMS = 30
TEXT = {"from": 80, "note": 1000, "name": 80, "description": 1000, "item_note": 300}
# Within the library's own checks (library/exercises.py): holds, reps and sets a physio may set.
RANGES = {"sets": (1, 10), "reps": (1, 50), "hold_seconds": (5, 180), "days_per_week": (1, 7)}
FRAGMENT = "programme="


class ProgrammeError(ValueError):
    """A programme file or link knotless cannot use; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Item:
    slug: str  # "" when the physio described the exercise in words
    name: str
    description: str
    sets: int
    reps: int  # 0 for a hold
    hold_seconds: int  # 0 for reps
    per_side: bool
    days_per_week: int
    note: str

    @property
    def dose_words(self) -> str:
        amount = f"{self.reps} reps" if self.reps else f"hold {self.hold_seconds} s"
        if self.reps and self.hold_seconds:
            amount += f", hold {self.hold_seconds} s each"
        side = ", each side" if self.per_side else ""
        often = "every day" if self.days_per_week == 7 else f"{self.days_per_week} days a week"
        return f"{amount} × {self.sets} set{'s' * (self.sets != 1)}{side}, {often}"

    def as_dict(self) -> dict[str, Any]:
        dose: dict[str, Any] = {"sets": self.sets, "per_side": self.per_side}
        if self.reps:
            dose["reps"] = self.reps
        if self.hold_seconds:
            dose["hold_seconds"] = self.hold_seconds
        out: dict[str, Any] = {"dose": dose, "days_per_week": self.days_per_week}
        if self.slug:
            out["slug"] = self.slug
        else:
            out |= {"name": self.name, "description": self.description}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class Doc:
    source: str
    written: dt.date | None
    note: str
    items: tuple[Item, ...]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "from": self.source}
        if self.written is not None:
            out["written"] = self.written.isoformat()
        if self.note:
            out["note"] = self.note
        out["items"] = [i.as_dict() for i in self.items]
        return out

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=1) + "\n"

    def fragment(self) -> str:
        """What follows ``#`` in the link: base64url of the compact JSON, unpadded."""
        compact = json.dumps(self.as_dict(), ensure_ascii=False, separators=(",", ":"))
        return FRAGMENT + base64.urlsafe_b64encode(compact.encode()).decode().rstrip("=")


def _text(value: Any, what: str, limit: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ProgrammeError(f"{what} must be text.")
    text: str = value.strip()
    if required and not text:
        raise ProgrammeError(f"{what} is missing.")
    if len(text) > limit:
        raise ProgrammeError(f"{what} is longer than {limit} characters.")
    if _CONTROL.search(text) or not encodable(text):
        raise ProgrammeError(f"{what} holds a character that is not text.")
    return text


# Control characters: a tab and line breaks are fine in notes, the rest is not text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _number(value: Any, what: str, key: str, *, required: bool = False) -> int:
    if value is None and not required:
        return 0
    low, high = RANGES[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProgrammeError(f"{what} must be a whole number from {low} to {high}.")
    return value


def item(raw: Any, number: int, library: dict[str, Any]) -> Item:
    where = f"Exercise {number}"
    if not isinstance(raw, dict):
        raise ProgrammeError(f"{where} is not a set of fields.")
    slug = _text(raw.get("slug"), f"{where}'s library name", 80)
    if slug and slug not in library:
        raise ProgrammeError(
            f"{where} names {slug!r}, which is not in knotless's exercise library: describe it "
            "in words instead."
        )
    name = (
        library[slug].name if slug else _text(raw.get("name"), f"{where}'s name", 80, required=True)
    )
    description = (
        ""
        if slug
        else _text(
            raw.get("description"), f"{where}'s description", TEXT["description"], required=True
        )
    )
    dose = raw.get("dose")
    if not isinstance(dose, dict):
        raise ProgrammeError(f"{where} has no dose.")
    reps = _number(dose.get("reps"), f"{where}'s reps", "reps")
    hold = _number(dose.get("hold_seconds"), f"{where}'s hold", "hold_seconds")
    if not reps and not hold:
        raise ProgrammeError(f"{where}'s dose needs reps or a hold in seconds.")
    if reps and hold and reps * hold > SET_SECONDS_MAX:
        raise ProgrammeError(
            f"{where}'s dose holds {hold} s for each of {reps} reps: {reps * hold // 60} minutes "
            f"a set. With reps, the hold is per rep; a set can last at most "
            f"{SET_SECONDS_MAX // 60} minutes."
        )
    per_side = dose.get("per_side", False)
    if not isinstance(per_side, bool):
        raise ProgrammeError(f"{where}'s 'each side' must be true or false.")
    return Item(
        slug=slug,
        name=name,
        description=description,
        sets=_number(dose.get("sets"), f"{where}'s sets", "sets", required=True),
        reps=reps,
        hold_seconds=hold,
        per_side=per_side,
        days_per_week=_number(
            raw.get("days_per_week", 7), f"{where}'s days a week", "days_per_week", required=True
        ),
        note=_text(raw.get("note"), f"{where}'s note", TEXT["item_note"]),
    )


def read(text: str) -> Doc:
    """The programme in ``text`` (its JSON, or a link or fragment holding it), checked."""
    text = text.strip().lstrip("\ufeff")  # a file saved with a byte-order mark (Notepad)
    if FRAGMENT in text[:4096] and not text.startswith("{"):
        text = decode_fragment(text)
    if len(text.encode()) > MAX_BYTES:
        raise ProgrammeError("This is larger than any programme: 64 KB at most.")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or a number too long to read
        raise ProgrammeError("This is not a programme file: it is not JSON.") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ProgrammeError(
            "This is not a knotless programme (its format is not knotless-programme)."
        )
    version = raw.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version != VERSION:
        raise ProgrammeError(
            f"This programme is version {raw.get('version')!r}; knotless reads version 1."
        )
    written = None
    if raw.get("written") not in (None, ""):
        try:
            if not isinstance(raw["written"], str) or len(raw["written"]) != 10:
                raise ValueError
            written = dt.date.fromisoformat(raw["written"])
        except ValueError:
            raise ProgrammeError("The date it was written is not a date (YYYY-MM-DD).") from None
    items = raw.get("items")
    if not isinstance(items, list) or not items:
        raise ProgrammeError("The programme has no exercises.")
    if len(items) > MAX_ITEMS:
        raise ProgrammeError(f"The programme has more than {MAX_ITEMS} exercises.")
    library = load_exercises()
    read_items = tuple(item(raw_item, n, library) for n, raw_item in enumerate(items, 1))
    names = [i.slug or i.name.casefold() for i in read_items]
    twice = next((i for i, n in zip(read_items, names, strict=True) if names.count(n) > 1), None)
    if twice is not None:
        raise ProgrammeError(
            f"{twice.name} is in the programme twice: give it once, with one dose."
        )
    return Doc(
        source=_text(raw.get("from"), "Who it is from", TEXT["from"], required=True),
        written=written,
        note=_text(raw.get("note"), "The programme's note", TEXT["note"]),
        items=read_items,
    )


def decode_fragment(text: str) -> str:
    """The JSON inside a link (or its fragment) made by :meth:`Doc.fragment`."""
    encoded = text.split(FRAGMENT, 1)[1].split("&", 1)[0].strip()
    if len(encoded) > MAX_BYTES * 2:
        raise ProgrammeError("This link is longer than any programme.")
    try:
        padded = encoded + "=" * (-len(encoded) % 4)
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise ProgrammeError("This link is cut short or changed: ask for it again.") from None


def days_of(days_per_week: int) -> frozenset[int]:
    """Which weekdays (0 = Monday) an item falls on: spread evenly from Monday."""
    return frozenset(round(i * 7 / days_per_week) % 7 for i in range(days_per_week))


def check_stored(source: str, note: str, items: Any) -> None:
    """Raise ProgrammeError unless a stored programme (as an export brings it back) reads
    like one a physio wrote: the plan trusts what is stored."""
    read(
        json.dumps(
            {"format": FORMAT, "version": VERSION, "from": source, "note": note, "items": items}
        )
    )
