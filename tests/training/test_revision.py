"""A workout's revision (training/0006, 0008) moves with every write to it, its exercises and
their sets, however it was written, and with nothing written to anyone else's."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from knotless.training.models import Entry, Workout, WorkSet


def _workout(user: Any) -> tuple[Workout, Entry]:
    workout = Workout.objects.create(
        user=user, uid=uuid.uuid4(), day=timezone.localdate(), started_at=timezone.now()
    )
    entry = Entry.objects.create(workout=workout, position=0, slug="goblet-squat", sets_text="")
    WorkSet.objects.create(entry=entry, order=0, reps=10, load_kg=Decimal("20"))
    return workout, entry


def _revision(workout: Workout) -> int:
    return int(Workout.objects.values_list("revision", flat=True).get(pk=workout.pk))


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


WRITES: dict[str, Callable[[Entry], object]] = {
    "a set added": lambda e: WorkSet.objects.create(entry=e, order=1, reps=8),
    "sets added in bulk": lambda e: WorkSet.objects.bulk_create(
        [WorkSet(entry=e, order=n, reps=5) for n in (2, 3)]
    ),
    "a set changed": lambda e: WorkSet.objects.filter(entry=e).update(reps=12),
    "a set removed": lambda e: WorkSet.objects.filter(entry=e).delete(),
    "a set added by SQL": lambda e: _sql(
        'INSERT INTO training_workset (entry_id, "order", reps, bodyweight, band, warmup)'
        " VALUES (%s, 5, 6, false, '', false)",
        [e.pk],
    ),
    "a load changed by SQL": lambda e: _sql(
        "UPDATE training_workset SET load_kg = 22.5 WHERE entry_id = %s", [e.pk]
    ),
    "a set removed by SQL": lambda e: _sql(
        "DELETE FROM training_workset WHERE entry_id = %s", [e.pk]
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_a_set_written_moves_its_workout_s_revision_only(
    user: Any, make_user: Any, write: str
) -> None:
    mine, entry = _workout(user)
    other, _ = _workout(make_user("someone-else"))
    was, theirs = _revision(mine), _revision(other)
    WRITES[write](entry)
    assert _revision(mine) != was
    assert _revision(other) == theirs
