"""What a person has done and said about each exercise, read once for the day's first plan."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from knotless.lib import planner
from knotless.lib.days import moment_from_text
from knotless.library.exercises import load_exercises
from knotless.practice.models import Session, SessionExercise

# Session ids per query: keeps each statement short on every database.
BATCH = 900
HELPED, HURT = SessionExercise.Verdict.HELPED, SessionExercise.Verdict.HURT
_SESSIONS = (
    f"SELECT id, CAST(started_at AS TEXT) AS started FROM {Session._meta.db_table}"
    " WHERE user_id = %s AND status <> %s"
    " ORDER BY started_at, id"
)
# Exercises that carry a verdict or are strength work (their double progression replays every
# session); one not reached, in a stopped session, was not done.
_EXERCISES = f"""
SELECT session_id, position, slug, verdict FROM {SessionExercise._meta.db_table}
 WHERE session_id {{among}} AND reached AND (verdict IN (%s, %s) OR slug IN ({{strong}}))"""


@cache
def _strong() -> tuple[str, ...]:
    return tuple(sorted(slug for slug, e in load_exercises().items() if e.kind == "strength"))


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
    with connection.cursor() as cursor:
        cursor.execute(_SESSIONS, [user.pk, Session.Status.STARTED])
        sessions = cursor.fetchall()
        # Each session's place in time and its day on the person's clock, worked out once: the
        # loop below then compares and sorts whole numbers, not times.
        order = {pk: place for place, (pk, _) in enumerate(sessions)}
        day = {pk: moment_from_text(at).astimezone(zone).date() for pk, at in sessions}
        # By the person's session ids, a batch at a time: PostgreSQL then reads their exercises
        # by the (session, position) index, where a join or a subquery made it scan everyone's.
        # The ids are written into the query (integers read just above): as parameters, the
        # ORM spent longer preparing 600 of them than the database spent on the query.
        # On PostgreSQL they go as one array: planning a list of 600 numbers cost 0.9 ms.
        ids = [str(int(pk)) for pk, _ in sessions]
        strong = _strong()
        listed = ", ".join(["%s"] * len(strong)) or "NULL"
        rows = []
        for first in range(0, len(ids), BATCH):
            batch = ",".join(ids[first : first + BATCH])
            among = (
                f"= ANY('{{{batch}}}'::bigint[])"
                if connection.vendor == "postgresql"
                else f"IN ({batch})"
            )
            cursor.execute(_EXERCISES.format(among=among, strong=listed), [HELPED, HURT, *strong])
            rows += cursor.fetchall()
    counts: dict[str, list[int]] = {}
    last_hurt: dict[str, int] = {}  # the latest session in which it hurt
    outings: list[tuple[int, int, int, str, str]] = []
    for session_id, position, slug, verdict in rows:
        place = order[session_id]
        if verdict in (HELPED, HURT):
            tally = counts.setdefault(slug, [0, 0])
            tally[verdict == HURT] += 1
            if verdict == HURT and place > order.get(last_hurt.get(slug, -1), -1):
                last_hurt[slug] = session_id
        if slug in library and library[slug].kind == "strength":
            outings.append((place, position, session_id, slug, verdict))
    feedback = {
        slug: planner.Feedback(
            helped=n_helped,
            hurt=n_hurt,
            last_hurt=day[last_hurt[slug]] if slug in last_hurt else None,
        )
        for slug, (n_helped, n_hurt) in counts.items()
    }
    strength: dict[str, list[tuple[date, str]]] = {}
    for _, _, session_id, slug, verdict in sorted(outings):
        strength.setdefault(slug, []).append((day[session_id], verdict))
    from knotless.training.planning import strength_entries

    for slug, logged, verdict in strength_entries(user, set(library)):
        strength.setdefault(slug, []).append((logged, verdict))
    for entries in strength.values():
        entries.sort(key=lambda pair: pair[0])
    return feedback, strength
