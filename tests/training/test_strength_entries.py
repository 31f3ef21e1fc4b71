"""The plan's read of the training log's strength work (training/planning.py), written as plain
SQL for speed, says what the same read through the ORM says, whatever was logged."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from knotless.library.exercises import load_exercises
from knotless.practice.models import Session
from knotless.training.models import Entry, OwnExercise, Workout
from knotless.training.planning import PAINFUL, strength_entries

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
def test_the_plain_read_says_what_the_orm_says(user: Any, make_user: Any, seed: int) -> None:
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
    found = strength_entries(user, library)
    assert found == through_the_orm(user, library)
    assert found  # the draw logged some
    assert {verdict for _, _, verdict in found} <= {"", "hurt"}
