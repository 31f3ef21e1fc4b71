"""The plan's read of the training log's strength work (practice/done.py), written as plain SQL
for speed and kept in a checkpoint, says what the same read through the ORM says, whatever was
logged and wherever the checkpoint's cutoff falls."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from knotless.library.exercises import load_exercises
from knotless.practice import done
from knotless.practice.models import DoneCheckpoint, Session
from knotless.training.models import Entry, OwnExercise, Workout
from knotless.training.planning import PAINFUL

SLUGS = ["goblet-squat", "deadlift", "bench-press", "glute-bridge", "not-in-the-library", ""]


def through_the_orm(user: Any, slugs: set[str]) -> list[tuple[str, Any, str]]:
    rows = (
        Entry.objects.filter(workout__user=user, workout__practice_session=None)
        .exclude(slug="")
        .order_by("workout__started_at", "position")
        .values_list("slug", "workout__day", "pain_during", "next_morning")
    )
    return [
        (slug, day, "hurt" if (pain is not None and pain > PAINFUL) or morning == "worse" else "")
        for slug, day, pain, morning in rows
        if slug in slugs
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(3))
def test_the_plain_read_says_what_the_orm_says(
    user: Any, make_user: Any, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    someone_else = make_user("someone-else")
    now = timezone.now()
    own = {
        person: OwnExercise.objects.create(user=person, name="Sled push", key="sled push")
        for person in (user, someone_else)
    }
    for _ in range(40):
        owner = user if rng.random() < 0.85 else someone_else
        started = now - timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 600))
        session = None
        if rng.random() < 0.15:  # a player session's workout: the plan reads those elsewhere
            session = Session.objects.create(
                user=owner, started_at=started, ended_at=started, status="finished"
            )
        workout = Workout.objects.create(
            user=owner,
            uid=uuid.uuid4(),
            day=timezone.localdate(started),
            started_at=started,
            practice_session=session,
        )
        for position in range(1, rng.randint(1, 5) + 1):
            slug = rng.choice(SLUGS)  # "" is an exercise of the person's own
            Entry.objects.create(
                workout=workout,
                position=position,
                slug=slug,
                own=None if slug else own[owner],
                sets_text="3x10@20kg",
                pain_during=rng.choice([None, 0, PAINFUL, PAINFUL + 1, 8]),
                next_morning=rng.choice(["", "same", "better", "worse", "pending"]),
            )
    library = set(load_exercises())
    expected: dict[str, list[tuple[Any, str]]] = {}
    for slug, day, verdict in through_the_orm(user, library):
        expected.setdefault(slug, []).append((day, verdict))
    assert expected  # the draw logged some
    assert {v for lifts in expected.values() for _, v in lifts} == {"", "hurt"}
    zone = ZoneInfo(timezone.get_current_timezone_name())
    # Read whole, then through checkpoints cut at random ages: the same lifts in the same order.
    for age in [None, *(rng.uniform(0, 310) for _ in range(4))]:
        if age is None:
            DoneCheckpoint.objects.all().delete()
        else:
            monkeypatch.setattr(done, "SETTLED", timedelta(days=age))
        _, strength = done.done_history(user, zone)  # (makes or moves the checkpoint)
        assert strength == expected, age
        _, strength = done.done_history(user, zone)  # read through it
        assert strength == expected, age
