"""What a person has done and said about each exercise, read once for the day's first plan."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Q

from knotless.lib import planner
from knotless.library.exercises import load_exercises
from knotless.practice.models import Session, SessionExercise


def done_history(
    user: Any, zone: ZoneInfo
) -> tuple[dict[str, planner.Feedback], dict[str, list[tuple[date, str]]]]:
    """Per exercise: what the user said about it, and (for strength) when it was done.

    The verdicts are counted by the database, and only strength exercises come back row by
    row (their double progression replays every session): a two-year account has thousands
    of rows, which read one by one made the first plan of the day the slowest page."""
    library = load_exercises()
    done = (
        SessionExercise.objects.filter(session__user=user, reached=True)
        # an exercise a stopped session never got to was not done
        .exclude(session__status=Session.Status.STARTED)
    )
    helped, hurt = SessionExercise.Verdict.HELPED, SessionExercise.Verdict.HURT
    said = (
        done.filter(verdict__in=(helped, hurt))
        .values("slug")
        .annotate(
            helped=Count("id", filter=Q(verdict=helped)),
            hurt=Count("id", filter=Q(verdict=hurt)),
            last_hurt=Max("session__started_at", filter=Q(verdict=hurt)),
        )
        .order_by()
    )
    feedback = {
        row["slug"]: planner.Feedback(
            helped=row["helped"],
            hurt=row["hurt"],
            last_hurt=row["last_hurt"].astimezone(zone).date() if row["last_hurt"] else None,
        )
        for row in said
    }
    strength: dict[str, list[tuple[date, str]]] = {}
    rows = (
        done.filter(slug__in=[slug for slug, e in library.items() if e.kind == "strength"])
        .order_by("session__started_at", "position")
        .values_list("slug", "verdict", "session__started_at")
    )
    for slug, verdict, started_at in rows.iterator(chunk_size=2000):
        strength.setdefault(slug, []).append((started_at.astimezone(zone).date(), verdict))
    from knotless.training.planning import strength_entries

    for slug, day, verdict in strength_entries(user, set(library)):
        strength.setdefault(slug, []).append((day, verdict))
    for entries in strength.values():
        entries.sort(key=lambda pair: pair[0])
    return feedback, strength
