"""What the day's plan takes from the training log: logged strength work for progression and
the every-other-day rule, an unusually large jump in load, and muscles trained hard yesterday.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from knotless.library.exercises import load_exercises
from knotless.training import insights, programmes
from knotless.training.models import Entry

HARD_EFFORT = 7  # session effort (CR-10) from which a session counts as hard
HARD_RIR = 1  # a set with this many reps in reserve or fewer was hard
HARD_RPE = 9
PAINFUL = 3  # pain during an exercise above this counts as "it hurt" for the plan
WORSE = Entry.Morning.WORSE.value


def lift_verdict(pain_during: int | None, next_morning: str) -> str:
    """A logged lift as the plan's history counts it: "hurt" when pain during it went past
    PAINFUL or the knot was worse the next morning. (The plan reads every library lift of the
    training log, but not the player's own sessions' workouts: practice/done.py.)"""
    hurt = (pain_during is not None and pain_during > PAINFUL) or next_morning == WORSE
    return "hurt" if hurt else ""


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
