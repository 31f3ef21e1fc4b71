"""Today's training notes (training/today.py) read the load's window of workouts once; what
they say is what the log page's own reads say (the load, the sessions to rate, flares and the
morning question), over random training, and someone who never trained costs one query."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knotless.accounts.services import local_today
from knotless.hydration import services as water
from knotless.journal import services as journal
from knotless.journal.models import CheckIn, Knot
from knotless.training import insights, services
from knotless.training import today as today_module
from knotless.training.models import Entry, Workout
from knotless.training.today import SHOWN_TO_RATE, training_today
from tests.training.test_log import TZ, knot


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
    rng = random.Random(7)
    now = timezone.now()
    sore = knot(user, pain=3, when=now - timedelta(days=20))
    for hours in range(20 * 24, 0, -9):
        journal.check_in(
            sore, pain=rng.randint(2, 7), tz_name=TZ, moment=now - timedelta(hours=hours)
        )
    slugs = ["one-arm-dumbbell-row", "goblet-squat", "dumbbell-shrug"]

    def workouts() -> list[Workout]:
        return list(Workout.objects.filter(user=user).order_by("pk"))

    def log() -> None:  # a session of the last few days, some of it near the knot
        started = now - timedelta(days=rng.uniform(0, 6), minutes=rng.randint(30, 90))
        workout = Workout.objects.create(
            user=user,
            uid=uuid.uuid4(),
            day=timezone.localtime(started).date(),
            started_at=started,
            minutes=rng.choice([None, 20, 45]),
            effort=rng.choice([None, 3, 9]),
        )
        Entry.objects.create(
            workout=workout,
            position=0,
            slug=rng.choice(slugs),
            sets_text="3x10@20kg",
            knot=sore,
            next_morning="pending",
        )

    def rate() -> None:
        found = workouts()
        if found:
            chosen = rng.choice(found)
            chosen.effort, chosen.minutes = rng.randint(1, 10), rng.choice([30, 60])
            chosen.save()

    def sql(statement: str, params: list[Any]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    def sql_day() -> None:
        found = workouts()
        if found:
            moved = now.date() - timedelta(days=rng.randint(0, 8))
            sql("UPDATE training_workout SET day = %s WHERE id = %s", [moved, rng.choice(found).pk])

    def sql_effort() -> None:
        found = workouts()
        if found:
            sql(
                "UPDATE training_workout SET effort = %s, minutes = %s WHERE id = %s",
                [rng.choice([None, 2, 10]), 50, rng.choice(found).pk],
            )

    def sql_morning() -> None:
        entries = list(Entry.objects.filter(workout__user=user).values_list("pk", flat=True))
        if entries:
            sql(
                "UPDATE training_entry SET next_morning = %s WHERE id = %s",
                [rng.choice(["", "pending", "worse"]), rng.choice(entries)],
            )

    def sql_lift() -> None:
        entries = list(Entry.objects.filter(workout__user=user).values_list("pk", flat=True))
        if entries:
            sql(
                "UPDATE training_entry SET slug = %s WHERE id = %s", [rng.choice(slugs), entries[0]]
            )

    def sql_drop() -> None:
        found = workouts()
        if found:
            gone = rng.choice(found).pk
            sql("DELETE FROM training_entry WHERE workout_id = %s", [gone])
            sql("DELETE FROM training_workout WHERE id = %s", [gone])

    def rating() -> None:
        CheckIn.objects.create(knot=sore, pain=rng.choice([1, 9]), moment=now - timedelta(hours=1))

    def sql_rating() -> None:
        sql(
            "INSERT INTO journal_checkin (knot_id, moment, pain, note, created_at)"
            " VALUES (%s, %s, %s, '', %s)",
            [sore.pk, now - timedelta(minutes=rng.randint(5, 600)), rng.choice([0, 10]), now],
        )

    def sql_unrate() -> None:
        newest = sore.checkins.order_by("-moment").first()
        if newest is not None:
            sql("DELETE FROM journal_checkin WHERE id = %s", [newest.pk])

    def settings() -> None:
        marks = services.settings_of(user)
        marks.ratio_jump = rng.choice([Decimal("1.1"), Decimal("1.5"), Decimal("3.0")])
        marks.save()

    def sql_settings() -> None:
        services.settings_of(user).save()
        sql(
            "UPDATE training_trainingsettings SET week_jump = %s WHERE user_id = %s",
            [rng.choice([Decimal("1.1"), Decimal("1.5"), Decimal("3.0")]), user.pk],
        )

    def untie() -> None:
        sore.refresh_from_db()
        sore.status = rng.choice([Knot.Status.ACTIVE, Knot.Status.UNTIED])
        sore.untied_at = now if sore.status == Knot.Status.UNTIED else None
        sore.save()

    def sql_muscle() -> None:
        sql(
            "UPDATE journal_knot SET muscle = %s, status = 'active', untied_at = NULL"
            " WHERE id = %s",
            [rng.choice(["rhomboids", "upper-trapezius", "quadratus-lumborum"]), sore.pk],
        )

    def drink() -> None:  # not read by the notes: they stay kept
        water.log_drink(user, 250)

    writes = [log, log, rate, sql_day, sql_effort, sql_morning, sql_lift, sql_drop, rating]
    writes += [sql_rating, sql_unrate, settings, sql_settings, untie, sql_muscle]
    for age in range(8, 36, 2):  # a light month before: the load to jump from
        started = now - timedelta(days=age)
        Workout.objects.create(
            user=user,
            uid=uuid.uuid4(),
            day=timezone.localtime(started).date(),
            started_at=started,
            minutes=30,
            effort=2,
        )
    seen = set()
    said: set[str] = set()
    for _ in range(3):
        log()
    for step in range(160):
        write = rng.choice([*writes, drink])
        write()
        active = list(Knot.objects.filter(user=user, status=Knot.Status.ACTIVE))
        before = len(today_module.KEPT._items)
        notes = training_today(user, active, now)
        if write is drink and before:
            assert len(today_module.KEPT._items) == before, "a drink drew the notes again"
        today_module.KEPT.clear()
        fresh = training_today(user, active, now)
        assert _plain(notes) == _plain(fresh), f"step {step}: after {write.__name__}"
        today_module.KEPT.clear()
        training_today(user, active, now)  # kept again, as it was before the write
        seen.add((write.__name__, bool(notes)))
        said.update(name for name, part in zip(PARTS, _plain(notes), strict=True) if part)
    # The walk wrote every kind, and the notes had something to say along the way.
    assert {name for name, _ in seen} == {w.__name__ for w in [*writes, drink]}
    assert said == set(PARTS), said
