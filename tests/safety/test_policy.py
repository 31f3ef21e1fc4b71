"""The one safety gate (safety.policy), over the answers stored for a user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from knotless.journal import services
from knotless.journal.models import Knot
from knotless.library.exercises import load_exercises
from knotless.safety.checklist import flags_for
from knotless.safety.policy import (
    EMERGENCY,
    GENTLE,
    NEEDS_ANSWERS,
    OPEN,
    SEE_DOCTOR,
    Gates,
    knot_areas,
)
from knotless.safety.screening import record


def flag(tier: str, area: str) -> str:
    return next(f.id for f in flags_for([area]) if f.tier == tier)


def knot(user: Any, region: str, muscle: str, side: str = "left") -> Knot:
    return services.add_knot(user, region=region, side=side, muscle=muscle, pain=5, tz_name="UTC")


def test_it_counts_areas_answered_at_different_times(user: Any) -> None:
    """The finder asks the back questions, then the chest ones a found muscle needs."""
    record(user, ["back"], [])
    assert Gates(user).for_areas({"back", "chest"}).state == NEEDS_ANSWERS
    assert Gates(user).for_areas({"back", "chest"}).areas == {"chest"}  # only what is missing
    record(user, ["chest"], [])
    assert Gates(user).for_areas({"back", "chest"}).state == OPEN


def test_it_takes_the_newest_answer_per_area_and_the_worst_across_areas(user: Any) -> None:
    record(user, ["neck"], [])
    record(user, ["neck", "back"], [flag("soon", "back")])
    assert Gates(user).for_areas({"neck"}).state == GENTLE
    record(user, ["head"], [flag("today", "head")])
    verdict = Gates(user).for_areas({"head", "neck"})
    assert verdict.state == SEE_DOCTOR and verdict.areas == {"head"}
    assert Gates(user).for_areas(set()).state == OPEN


def test_an_emergency_stops_everything_until_answered_again_for_its_areas(user: Any) -> None:
    record(user, ["chest"], [flag("emergency", "chest")])
    assert Gates(user).for_areas({"back"}).state == EMERGENCY
    assert Gates(user).for_areas(set()).state == EMERGENCY
    record(user, ["neck"], [])  # other areas do not lift it
    assert Gates(user).emergency is not None
    record(user, ["chest", "neck"], [])  # the same questions again, by the mistake link
    assert Gates(user).emergency is None


def test_answers_hold_for_twelve_hours(user: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        record(user, ["neck"], [flag("emergency", "neck")])
    with time_machine.travel(start + timedelta(hours=11, minutes=59), tick=False):
        assert Gates(user).emergency is not None
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert Gates(user).emergency is None
        assert Gates(user).for_areas({"neck"}).state == NEEDS_ANSWERS


def test_gentle_holds_back_strength_for_that_knot_only(user: Any) -> None:
    neck = knot(user, "back-of-neck", "upper-trapezius")
    shoulder = knot(user, "front-of-shoulder", "infraspinatus")  # no screened area
    record(user, knot_areas(neck), [flag("soon", "neck")])
    library = load_exercises()
    chosen = [
        library[s]
        for s in (
            "dumbbell-shrug",
            "upper-trapezius-side-bend-stretch",
            "side-lying-external-rotation",
        )
    ]
    held = Gates(user).held(chosen, [neck, shoulder])
    assert [(e.slug, v.state) for e, v in held] == [("dumbbell-shrug", GENTLE)]
    assert "gentle work only" in held[0][1].why


@pytest.mark.parametrize(
    ("ticked", "state"),
    [(None, NEEDS_ANSWERS), ("none", OPEN), ("today", SEE_DOCTOR), ("emergency", EMERGENCY)],
)
def test_a_knot_follows_its_areas(user: Any, ticked: str | None, state: str) -> None:
    neck = knot(user, "back-of-neck", "upper-trapezius")
    if ticked is not None:
        record(user, knot_areas(neck), [] if ticked == "none" else [flag(ticked, "neck")])
    verdict = Gates(user).for_knot(neck)
    assert verdict.state == state
    assert verdict.allowed is (state == OPEN)
    exercises = [load_exercises()["upper-trapezius-side-bend-stretch"]]
    assert Gates(user).for_exercises(exercises, [neck]).state == state


def test_it_reads_only_the_users_own_answers(user: Any, stranger: Any) -> None:
    record(stranger, ["chest"], [flag("emergency", "chest")])
    record(stranger, ["neck"], [])
    assert Gates(user).emergency is None
    assert Gates(user).for_areas({"neck"}).state == NEEDS_ANSWERS


def test_the_check_url_carries_the_areas_knot_and_way_back(user: Any) -> None:
    neck = knot(user, "back-of-neck", "upper-trapezius")
    url = Gates(user).for_knot(neck).check_url("/knots/1/?a=b", knot=neck)
    assert url == f"/safety/check/?areas=head%2Cneck&knot={neck.pk}&next=%2Fknots%2F1%2F%3Fa%3Db"
