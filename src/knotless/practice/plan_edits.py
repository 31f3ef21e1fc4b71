"""Editing today's plan by hand: remove, swap for another exercise for the same muscles, add.
Every edit goes through the same safety gate as the plan itself."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from knotless.lib import planner
from knotless.library.exercises import Exercise, load_exercises
from knotless.practice.models import DayPlan
from knotless.practice.planning import gather, settings_of


def _save_edit(dayplan: DayPlan, items: list[dict[str, Any]]) -> DayPlan:
    order = {kind: n for n, kind in enumerate(planner.KIND_ORDER)}
    library = load_exercises()
    items.sort(key=lambda i: order[library[i["slug"]].kind] if i["slug"] in library else 9)
    dayplan.items = items
    dayplan.edited = True
    dayplan.save(update_fields=["items", "edited"])
    return dayplan


def _item_at(dayplan: DayPlan, position: int) -> dict[str, Any]:
    if not 0 <= position < len(dayplan.items):
        raise ValidationError("That item is no longer in the plan; reload it.", code="stale")
    return dict(dayplan.items[position])


def remove(dayplan: DayPlan, position: int) -> DayPlan:
    _item_at(dayplan, position)
    items = [dict(i) for n, i in enumerate(dayplan.items) if n != position]
    return _save_edit(dayplan, items)


def alternatives(dayplan: DayPlan, position: int) -> list[Exercise]:
    """Other exercises for the same muscles, possible here: the same kind first, best first."""
    item = _item_at(dayplan, position)
    library = load_exercises()
    current = library[item["slug"]]
    settings = settings_of(dayplan.user)
    request = planner.Request(
        knots=(),
        minutes=dayplan.minutes,
        place=dayplan.place,
        equipment=frozenset(settings.equipment),
        today=dayplan.day,
    )
    taken = {i["slug"] for i in dayplan.items}
    inputs = gather(dayplan.user)
    wanted = set(current.primary + current.trains) or set(current.secondary)
    options = [
        e
        for e in library.values()
        if e.slug not in taken
        and wanted & set(e.primary + e.secondary + e.trains)
        and planner.usable(e, request)
        and inputs.allows(e)
    ]
    # The same kind first (a release for a release), then other kinds for the same muscles.
    return sorted(
        options,
        key=lambda e: (e.kind != current.kind, *planner.rank(e, sorted(wanted), request)),
    )


def swap(dayplan: DayPlan, position: int) -> DayPlan:
    item = _item_at(dayplan, position)
    options = alternatives(dayplan, position)
    if not options:
        raise ValidationError(
            "There is no other exercise for these muscles here; try Remove, or Add.", code="none"
        )
    chosen = options[0]
    items = [dict(i) for i in dayplan.items]
    reason = item.get("reason", "")
    items[position] = {
        "slug": chosen.slug,
        "reps": chosen.dose.reps or None,
        "reason": (reason + "; " if reason else "") + "swapped in by you",
        "knots": item.get("knots", []),
    }
    return _save_edit(dayplan, items)


def add(dayplan: DayPlan, slug: str) -> DayPlan:
    library = load_exercises()
    if slug not in library:
        raise ValidationError("No such exercise in the library.", code="unknown")
    if any(i["slug"] == slug for i in dayplan.items):
        raise ValidationError("It is already in today's plan.", code="twice")
    if not gather(dayplan.user).allows(library[slug]):
        raise ValidationError(
            "Your safety answers hold this exercise back for now; see the note on the plan.",
            code="unsafe",
        )
    items = [dict(i) for i in dayplan.items]
    items.append(
        {
            "slug": slug,
            "reps": library[slug].dose.reps or None,
            "reason": "added by you",
            "knots": [],
        }
    )
    return _save_edit(dayplan, items)
