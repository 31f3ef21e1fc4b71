"""What the day's plan takes from the training log: logged strength work for progression and
the every-other-day rule, an unusually large jump in load, and muscles trained hard yesterday.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q

from knotless.library.exercises import load_exercises
from knotless.training import insights, programmes
from knotless.training.models import Entry, Workout

HARD_EFFORT = 7  # session effort (CR-10) from which a session counts as hard
HARD_RIR = 1  # a set with this many reps in reserve or fewer was hard
HARD_RPE = 9
PAINFUL = 3  # pain during an exercise above this counts as "it hurt" for the plan


def strength_entries(user: Any, slugs: set[str]) -> list[tuple[str, date, str]]:
    """Library strength work logged in the training log, oldest first: (slug, day, verdict),
    the verdict "hurt" when pain during it went past PAINFUL or the knot was worse the next
    morning. Player sessions are left out (the plan reads those from the player itself).

    Every lift ever logged is read (double progression replays them all), so with a plain
    cursor: two years of gym work are 1,500 rows, which the ORM took four times as long to
    hand over. The slugs are checked here, not in the query: as a parameter list of the whole
    library they cost more to prepare than the query took, on every first plan of the day."""
    entry, workout = Entry._meta.db_table, Workout._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.slug, w.day, e.pain_during, e.next_morning FROM {entry} e "
            f"JOIN {workout} w ON w.id = e.workout_id "
            "WHERE w.user_id = %s AND w.practice_session_id IS NULL AND e.slug <> '' "
            "ORDER BY w.started_at, e.position",
            [user.pk],
        )
        rows = cursor.fetchall()
    worse = Entry.Morning.WORSE.value
    return [
        (
            slug,
            day if isinstance(day, date) else date.fromisoformat(day),
            "hurt" if (pain is not None and pain > PAINFUL) or morning == worse else "",
        )
        for slug, day, pain, morning in rows
        if slug in slugs
    ]


def training_state(user: Any, today: date) -> tuple[bool, frozenset[str], frozenset[str]]:
    """(the load made an unusually large jump, muscles trained hard yesterday, the strength
    exercises of the programme the person follows)."""
    jump = insights.load_summary(user, today).jump
    library = load_exercises()
    hard = (
        Entry.objects.filter(workout__user=user, workout__day=today - timedelta(days=1))
        .exclude(slug="")
        .filter(
            Q(workout__effort__gte=HARD_EFFORT)
            | Q(sets__rir__lte=HARD_RIR)
            | Q(sets__rpe__gte=HARD_RPE)
        )
        .values_list("slug", flat=True)
        .distinct()
    )
    muscles = {m for slug in hard if slug in library for m in library[slug].primary}
    followed = programmes.active(user)
    chosen = frozenset(i.slug for i in followed[1].items) if followed else frozenset()
    return jump, frozenset(muscles), chosen
