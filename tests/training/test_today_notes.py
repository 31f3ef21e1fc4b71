"""Today's training notes (training/today.py) read the load's window of workouts once; what
they say is what the log page's own reads say (the load, the sessions to rate, flares and the
morning question), over random training, and someone who never trained costs one query."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knotless.accounts.services import local_today
from knotless.journal import services as journal
from knotless.journal.models import Knot
from knotless.training import insights
from knotless.training import today as today_module
from knotless.training.models import Entry, Workout
from knotless.training.today import SHOWN_TO_RATE, training_today
from tests.training.test_log import TZ, knot
from tests.training.walk import Walk


def _reference(user: Any, active: list[Knot], now: Any) -> tuple[Any, ...]:
    """The notes as each part reads them on its own (as the log page does)."""
    if not Workout.objects.filter(user=user).exists():
        return [], [], [], None
    today = local_today(user, now)
    summary = insights.load_summary(user, today)
    return (
        insights.flares(user, now=now, knots=active),
        insights.morning_questions(user, today),
        insights.to_rate(user, now)[:SHOWN_TO_RATE],
        summary if summary.jump else None,
    )


@pytest.mark.parametrize("seed", range(6))
def test_the_notes_are_what_each_part_says(user: Any, seed: int) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    sore = knot(user, pain=3, when=now - timedelta(days=20))
    for hours in range(20 * 24, 0, -rng.choice([5, 7, 11])):
        journal.check_in(
            sore, pain=rng.randint(2, 7), tz_name=TZ, moment=now - timedelta(hours=hours)
        )
    # Old training beyond the load's window, steady training, and the last few days' sessions
    # (some unrated, some imported, some just finished, one planned for tomorrow).
    ages = [rng.uniform(210, 400) for _ in range(3)] if seed != 5 else []
    ages += [rng.uniform(0, 90) for _ in range(rng.randint(0, 40))] if seed != 4 else []
    ages += [rng.uniform(0, 3) for _ in range(rng.randint(0, 6))] if seed != 4 else []
    ages += [-1.0] if seed % 2 else []
    for age in ages:
        started = now - timedelta(days=age, minutes=rng.randint(0, 90))
        workout = Workout.objects.create(
            user=user,
            uid=uuid.uuid4(),
            day=timezone.localtime(started).date(),
            started_at=started,
            minutes=rng.choice([None, 20, 45, 70]),
            effort=rng.choice([None, None, 3, 6, 9]) if age < 4 else rng.choice([None, 4, 7]),
            source=rng.choice(["web", "web", "import"]),
        )
        for position in range(rng.randint(0, 3)):
            Entry.objects.create(
                workout=workout,
                position=position,
                slug=rng.choice(["one-arm-dumbbell-row", "goblet-squat", "dumbbell-shrug"]),
                sets_text="3x10@20kg",
                knot=sore if rng.random() < 0.5 else None,
                next_morning=rng.choice(["", "pending", "pending", "same"]),
            )
    active = list(Knot.objects.filter(user=user, status=Knot.Status.ACTIVE))
    notes = training_today(user, active, now)
    flares, morning, to_rate, jump = _reference(user, active, now)
    assert notes.flares == flares
    assert notes.morning == morning
    assert notes.to_rate == to_rate
    assert notes.jump == jump
    # The draws reach every note (seeds 1-3 have a flare, questions, sessions to rate and a
    # jump); seed 4 trained only beyond the window, and has nothing to be told.
    if seed in (1, 2, 3):
        assert notes.flares and notes.morning and notes.to_rate and notes.jump
    assert bool(notes) == (seed != 4)


def test_someone_who_never_trained_costs_one_query(user: Any) -> None:
    active = [knot(user)]
    with CaptureQueriesContext(connection) as queries:
        notes = training_today(user, active)
    assert not notes
    assert len(queries) == 1


PARTS = ("flares", "morning", "to_rate", "jump")


def _plain(notes: Any) -> tuple[Any, ...]:
    """Every value the notes show, so a kept note is compared field by field, not by id."""
    return (
        [
            (f.knot.pk, f.knot.label, f.workout_day, f.exercises, f.muscles, f.before, f.after)
            for f in notes.flares
        ],
        [(q.entry_id, q.knot.pk, q.knot.label, q.day, q.exercises) for q in notes.morning],
        [(w.pk, w.day, w.started_at, w.minutes, w.effort, w.label) for w in notes.to_rate],
        notes.jump,
    )


def test_kept_notes_follow_every_write_they_rest_on(user: Any) -> None:
    """Random writes of every kind the notes read, through the ORM and through SQL, and some
    they do not read; after each, the notes Today gets are the ones drawn afresh, and a write
    they do not read keeps them."""
    now = timezone.now()
    walk = Walk(user, 7, now)
    writes = walk.today_writes()
    seen: set[str] = set()
    said: set[str] = set()
    for step in range(160):
        write = walk.rng.choice([*writes, walk.drink])
        write()
        active = walk.active()
        before = len(today_module.KEPT._items)
        notes = training_today(user, active, now)
        if write == walk.drink and before:
            assert len(today_module.KEPT._items) == before, "a drink drew the notes again"
        today_module.KEPT.clear()
        fresh = training_today(user, active, now)
        assert _plain(notes) == _plain(fresh), f"step {step}: after {write.__name__}"
        today_module.KEPT.clear()
        training_today(user, active, now)  # kept again, as it was before the write
        seen.add(write.__name__)
        said.update(name for name, part in zip(PARTS, _plain(notes), strict=True) if part)
    # The walk wrote every kind, and the notes had something to say along the way.
    assert seen == {w.__name__ for w in [*writes, walk.drink]}
    assert said == set(PARTS), said
