"""The physio's programme in the day's plan.

On each of an item's days a library exercise goes first in the plan with the physio's dose,
saying "From your physio (NAME)": it takes the place of the same exercise if the planner chose it
too, so knotless's own progression never raises a dose the physio set. The safety gate applies as
to everything else: an item whose muscles the person's answers hold back is left out with the
reason, and nothing at all is offered while an answer calls for emergency care. Items described
in words have no figure or player: the plan page lists them apart (:func:`described_today`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from knotless.library.exercises import load_exercises
from knotless.physio import doc
from knotless.physio.models import Programme

if TYPE_CHECKING:
    from knotless.practice.planning import Inputs


def active(user: Any) -> Programme | None:
    return Programme.objects.filter(user=user, ended_at__isnull=True).first()


def basis(plan_basis: str, programme: Programme | None) -> str:
    """The plan's basis with the programme in it (the same 16 characters): a plan made before
    a programme was added or stopped is made again."""
    if programme is None:
        return plan_basis
    mixed = f"{plan_basis}:p{programme.pk}".encode()
    return hashlib.blake2s(mixed, digest_size=len(plan_basis) // 2).hexdigest()


def todays(programme: Programme | None, today: dt.date) -> list[dict[str, Any]]:
    if programme is None:
        return []
    return [i for i in programme.items if today.weekday() in doc.days_of(i["days_per_week"])]


def todays_slugs(programme: Programme | None, today: dt.date) -> frozenset[str]:
    """The library exercises the programme holds for ``today`` (none without one)."""
    return frozenset(i["slug"] for i in todays(programme, today) if i.get("slug"))


def label(programme: Programme) -> str:
    return f"From your physio ({programme.source})"


def merge(fields: dict[str, Any], programme: Programme | None, inputs: Inputs) -> dict[str, Any]:
    """The plan's stored fields with today's programme items put in."""
    items = todays(programme, inputs.today)
    if programme is None or not items:
        return fields
    library = load_exercises()
    said = label(programme)
    physio, left_out = [], list(fields["left_out"])
    for item in items:
        slug = item.get("slug", "")
        if not slug:
            continue
        exercise = library.get(slug)
        if exercise is None:  # gone from the library since it was added
            left_out.append([f"{item.get('name', slug)} ({said.lower()})", "not in this library"])
            continue
        if not inputs.allows(exercise):  # the plan's rule and the player's (Play's) alike
            left_out.append(
                [
                    f"{exercise.name} ({said[0].lower()}{said[1:]})",
                    "your safety answers hold it back",
                ]
            )
            continue
        dose = item["dose"]
        physio.append(
            {
                "slug": slug,
                "reps": dose.get("reps") or None,
                "sets": dose["sets"],
                "hold": dose.get("hold_seconds", 0),
                "per_side": bool(dose.get("per_side", False)),
                "physio": True,
                "reason": said + (f": {item['note']}" if item.get("note") else ""),
                "knots": [],
                "side": "",
                "aim": "",
            }
        )
    chosen = {p["slug"] for p in physio}
    rest = [i for i in fields["items"] if i["slug"] not in chosen]
    return fields | {"items": physio + rest, "left_out": left_out}


def described_today(programme: Programme | None, today: dt.date) -> list[doc.Item]:
    """Today's items the physio described in words (shown on the plan page, not played)."""
    library = load_exercises()
    return [
        doc.item(i, n, library)
        for n, i in enumerate(todays(programme, today), 1)
        if not i.get("slug")
    ]
