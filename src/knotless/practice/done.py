"""What a person has done and said about each exercise, read once for the day's first plan."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from knotless.lib import planner
from knotless.library.exercises import load_exercises
from knotless.practice.models import Session, SessionExercise

# Session ids per query: under every database's limit on parameters.
BATCH = 900


def done_history(
    user: Any, zone: ZoneInfo
) -> tuple[dict[str, planner.Feedback], dict[str, list[tuple[date, str]]]]:
    """Per exercise: what the user said about it, and (for strength) when it was done.

    Read from the person's own sessions outward: their sessions by the (user, start) index,
    then only those sessions' exercises that carry a verdict or are strength work (their double
    progression replays every session). Joining exercises to sessions and filtering by person
    let PostgreSQL scan every person's exercises (2.5 million rows for 1,000 people over two
    years), so the first plan of the day grew with everyone's history."""
    library = load_exercises()
    mine = Session.objects.filter(user=user).exclude(status=Session.Status.STARTED)
    started = dict(mine.order_by().values_list("id", "started_at"))
    helped, hurt = SessionExercise.Verdict.HELPED, SessionExercise.Verdict.HURT
    strong = [slug for slug, e in library.items() if e.kind == "strength"]
    # By the person's session ids, a batch at a time: PostgreSQL then reads their exercises by
    # the (session, position) index, where a join or a subquery made it scan everyone's.
    ids = list(started)
    rows = [
        row
        for first in range(0, len(ids), BATCH)
        for row in SessionExercise.objects.filter(
            session_id__in=ids[first : first + BATCH],
            reached=True,  # an exercise a stopped session never got to was not done
        )
        .filter(Q(verdict__in=(helped, hurt)) | Q(slug__in=strong))
        .order_by()
        .values_list("session_id", "position", "slug", "verdict")
    ]
    counts: dict[str, list[int]] = {}
    last_hurt: dict[str, Any] = {}
    outings: list[tuple[Any, int, str, str]] = []
    for session_id, position, slug, verdict in rows:
        at = started[session_id]
        if verdict in (helped, hurt):
            tally = counts.setdefault(slug, [0, 0])
            tally[verdict == hurt] += 1
            if verdict == hurt and (slug not in last_hurt or at > last_hurt[slug]):
                last_hurt[slug] = at
        if slug in library and library[slug].kind == "strength":
            outings.append((at, position, slug, verdict))
    feedback = {
        slug: planner.Feedback(
            helped=n_helped,
            hurt=n_hurt,
            last_hurt=last_hurt[slug].astimezone(zone).date() if slug in last_hurt else None,
        )
        for slug, (n_helped, n_hurt) in counts.items()
    }
    strength: dict[str, list[tuple[date, str]]] = {}
    for at, _, slug, verdict in sorted(outings):
        strength.setdefault(slug, []).append((at.astimezone(zone).date(), verdict))
    from knotless.training.planning import strength_entries

    for slug, day, verdict in strength_entries(user, set(library)):
        strength.setdefault(slug, []).append((day, verdict))
    for entries in strength.values():
        entries.sort(key=lambda pair: pair[0])
    return feedback, strength
