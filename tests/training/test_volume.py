"""The training load page's numbers: work sets per muscle group counted by the database say what
counting each set says, and the load's summary drawn beside the chart is the one Today shows."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

import pytest

from knotless.accounts.services import local_today
from knotless.atlas.muscles import load_muscles
from knotless.library.exercises import load_exercises
from knotless.training import insights
from knotless.training.models import Entry, OwnExercise, Workout, WorkSet

SLUGS = ["goblet-squat", "deadlift", "one-arm-dumbbell-row", "dead-bug", "not-in-the-library", ""]


def _by_each_set(user: Any, starts: list[Any]) -> dict[str, list[int]]:
    library, muscles = load_exercises(), load_muscles()
    counts: dict[str, list[int]] = {}
    for s in WorkSet.objects.filter(entry__workout__user=user).select_related("entry__workout"):
        day, slug = s.entry.workout.day, s.entry.slug
        if s.warmup or not slug or slug not in library or day < starts[0]:
            continue
        exercise = library[slug]
        groups = {muscles[m].group for m in exercise.primary if m in muscles}
        if not groups and exercise.trains:
            groups = {"core"}
        for group in groups:
            counts.setdefault(group, [0] * insights.VOLUME_WEEKS)[(day - starts[0]).days // 7] += 1
    return counts


@pytest.mark.parametrize("seed", range(3))
def test_sets_counted_by_the_database_are_each_set_counted(
    user: Any, make_user: Any, seed: int
) -> None:
    rng = random.Random(seed)
    other = make_user("other")
    today = local_today(user)
    own = {p: OwnExercise.objects.create(user=p, name="Sled", key="sled") for p in (user, other)}
    for _ in range(60):
        person = user if rng.random() < 0.8 else other
        day = today - timedelta(days=rng.randint(0, 80))
        workout = Workout.objects.create(
            user=person, uid=uuid.uuid4(), day=day, started_at=f"{day}T12:00:00Z"
        )
        for position in range(rng.randint(1, 4)):
            slug = rng.choice(SLUGS)
            entry = Entry.objects.create(
                workout=workout,
                position=position,
                slug=slug,
                own=None if slug else own[person],
                sets_text="3x8",
            )
            for order in range(rng.randint(1, 5)):
                WorkSet.objects.create(entry=entry, order=order, reps=8, warmup=rng.random() < 0.25)
    starts, groups = insights.weekly_volume(user, today)
    expected = _by_each_set(user, starts)
    assert {g.group: g.sets for g in groups} == expected
    assert expected  # the draw counted some
    assert [g.group for g in groups] == [g for g in insights.GROUP_NAMES if g in expected]


def test_the_load_page_summary_is_todays(user: Any) -> None:
    rng = random.Random(9)
    today = local_today(user)
    for n in range(70):
        day = today - timedelta(days=n * 2 + rng.randint(0, 1))
        Workout.objects.create(
            user=user,
            uid=uuid.uuid4(),
            day=day,
            started_at=f"{day}T07:00:00Z",
            minutes=rng.randint(20, 90),
            effort=rng.randint(2, 9),
        )
    view = insights.load_view(user, today)
    assert view.summary == insights.load_summary(user, today)
    assert view.days and view.days[-1].day == today
