"""A random walk of writes to a person's training log and what it is read against, for the
tests of parts kept under what they rest on (training/today.py, training/log_parts.py).

Each write is a method named for what it does, made through the ORM or through SQL (as an
import or a statement typed into a shell would); ``drink`` writes something neither part reads.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from knotless.hydration import services as water
from knotless.journal import services as journal
from knotless.journal.models import CheckIn, Knot
from knotless.safety.checklist import flags_for
from knotless.safety.policy import knot_areas
from knotless.safety.screening import record
from knotless.training import programmes, services
from knotless.training.models import Entry, OwnExercise, Workout, WorkSet
from tests.training.test_log import TZ, knot

SLUGS = ["one-arm-dumbbell-row", "goblet-squat", "dumbbell-shrug"]


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


class Walk:
    """A knot rated every nine hours for twenty days, a light month of training before the
    last week (a load to jump from), and three sessions of the last days near the knot."""

    def __init__(self, user: Any, seed: int, now: datetime) -> None:
        self.user, self.rng, self.now = user, random.Random(seed), now
        self.sore = knot(user, pain=3, when=now - timedelta(days=20))
        for hours in range(20 * 24, 0, -9):
            journal.check_in(
                self.sore,
                pain=self.rng.randint(2, 7),
                tz_name=TZ,
                moment=now - timedelta(hours=hours),
            )
        for age in range(8, 36, 2):
            started = now - timedelta(days=age)
            Workout.objects.create(
                user=user,
                uid=uuid.uuid4(),
                day=timezone.localtime(started).date(),
                started_at=started,
                minutes=30,
                effort=2,
            )
        for _ in range(3):
            self.log()

    def active(self) -> list[Knot]:
        return list(Knot.objects.filter(user=self.user, status=Knot.Status.ACTIVE))

    def _workouts(self) -> list[Workout]:
        return list(Workout.objects.filter(user=self.user).order_by("pk"))

    def _entries(self) -> list[int]:
        return list(Entry.objects.filter(workout__user=self.user).values_list("pk", flat=True))

    # --- what Today's notes and the training page both read -------------------------------

    def log(self) -> None:
        """A session of the last few days, near the knot, with its sets."""
        rng = self.rng
        started = self.now - timedelta(days=rng.uniform(0, 6), minutes=rng.randint(30, 90))
        workout = Workout.objects.create(
            user=self.user,
            uid=uuid.uuid4(),
            day=timezone.localtime(started).date(),
            started_at=started,
            minutes=rng.choice([None, 20, 45]),
            effort=rng.choice([None, 3, 9]),
        )
        entry = Entry.objects.create(
            workout=workout,
            position=0,
            slug=rng.choice(SLUGS),
            sets_text="3x10@20kg",
            knot=self.sore,
            next_morning="pending",
        )
        WorkSet.objects.bulk_create(
            WorkSet(entry=entry, order=n, reps=10, load_kg=Decimal(20)) for n in range(3)
        )

    def rate(self) -> None:
        found = self._workouts()
        if found:
            chosen = self.rng.choice(found)
            chosen.effort, chosen.minutes = self.rng.randint(1, 10), self.rng.choice([30, 60])
            chosen.save()

    def sql_day(self) -> None:
        found = self._workouts()
        if found:
            moved = self.now.date() - timedelta(days=self.rng.randint(0, 8))
            _sql(
                "UPDATE training_workout SET day = %s WHERE id = %s",
                [moved, self.rng.choice(found).pk],
            )

    def sql_effort(self) -> None:
        found = self._workouts()
        if found:
            _sql(
                "UPDATE training_workout SET effort = %s, minutes = %s WHERE id = %s",
                [self.rng.choice([None, 2, 10]), 50, self.rng.choice(found).pk],
            )

    def sql_morning(self) -> None:
        entries = self._entries()
        if entries:
            _sql(
                "UPDATE training_entry SET next_morning = %s WHERE id = %s",
                [self.rng.choice(["", "pending", "worse"]), self.rng.choice(entries)],
            )

    def sql_lift(self) -> None:
        entries = list(
            Entry.objects.filter(workout__user=self.user, own__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if entries:
            _sql(
                "UPDATE training_entry SET slug = %s WHERE id = %s",
                [self.rng.choice(SLUGS), entries[0]],
            )

    def sql_drop(self) -> None:
        found = self._workouts()
        if found:
            gone = self.rng.choice(found).pk
            _sql(
                "DELETE FROM training_workset WHERE entry_id IN"
                " (SELECT id FROM training_entry WHERE workout_id = %s)",
                [gone],
            )
            _sql("DELETE FROM training_entry WHERE workout_id = %s", [gone])
            _sql("DELETE FROM training_workout WHERE id = %s", [gone])

    def rating(self) -> None:
        CheckIn.objects.create(
            knot=self.sore, pain=self.rng.choice([1, 9]), moment=self.now - timedelta(hours=1)
        )

    def sql_rating(self) -> None:
        _sql(
            "INSERT INTO journal_checkin (knot_id, moment, pain, note, created_at)"
            " VALUES (%s, %s, %s, '', %s)",
            [
                self.sore.pk,
                self.now - timedelta(minutes=self.rng.randint(5, 600)),
                self.rng.choice([0, 10]),
                self.now,
            ],
        )

    def sql_unrate(self) -> None:
        newest = self.sore.checkins.order_by("-moment").first()
        if newest is not None:
            _sql("DELETE FROM journal_checkin WHERE id = %s", [newest.pk])

    def settings(self) -> None:
        marks = services.settings_of(self.user)
        marks.ratio_jump = self.rng.choice([Decimal("1.1"), Decimal("1.5"), Decimal("3.0")])
        marks.save()

    def sql_settings(self) -> None:
        services.settings_of(self.user).save()
        _sql(
            "UPDATE training_trainingsettings SET week_jump = %s WHERE user_id = %s",
            [self.rng.choice([Decimal("1.1"), Decimal("1.5"), Decimal("3.0")]), self.user.pk],
        )

    def untie(self) -> None:
        sore = self.sore
        sore.refresh_from_db()
        sore.status = self.rng.choice([Knot.Status.ACTIVE, Knot.Status.UNTIED])
        sore.untied_at = self.now if sore.status == Knot.Status.UNTIED else None
        sore.save()

    def sql_muscle(self) -> None:
        _sql(
            "UPDATE journal_knot SET muscle = %s, status = 'active', untied_at = NULL"
            " WHERE id = %s",
            [self.rng.choice(["rhomboids", "upper-trapezius", "quadratus-lumborum"]), self.sore.pk],
        )

    def drink(self) -> None:
        """Read by neither part: they stay kept."""
        water.log_drink(self.user, 250)

    # --- what only the training page reads -------------------------------------------------

    def sql_set(self) -> None:
        entries = self._entries()
        if entries:
            _sql(
                "UPDATE training_workset SET load_kg = %s, reps = %s WHERE entry_id = %s",
                [
                    self.rng.choice([Decimal(15), Decimal(25)]),
                    self.rng.choice([6, 12]),
                    self.rng.choice(entries),
                ],
            )

    def own_lift(self) -> None:
        """A lift of the person's own, named by them."""
        services.log_lift(
            self.user,
            self.rng.choice(["Cable face pull", "Landmine press"]),
            "3x12@10kg",
            when=self.now - timedelta(hours=self.rng.randint(1, 48)),
        )

    def sql_rename(self) -> None:
        own = list(OwnExercise.objects.filter(user=self.user))
        if own:
            _sql(
                "UPDATE training_ownexercise SET name = %s WHERE id = %s",
                [self.rng.choice(["Face pull", "Rope pull", "Press"]), own[0].pk],
            )

    def programme(self) -> None:
        if self.rng.random() < 0.3:
            programmes.stop(self.user)
        else:
            programmes.start(self.user, self.rng.choice(sorted(programmes.TEMPLATES)))

    def answer(self) -> None:
        """The knot's safety questions answered again, sometimes with a worrying answer."""
        self.sore.refresh_from_db()
        areas = knot_areas(self.sore)
        ticked = [self.rng.choice(flags_for(areas)).id] if self.rng.random() < 0.15 else []
        record(self.user, areas, ticked, knot=self.sore)

    def sql_unanswer(self) -> None:
        _sql(
            "DELETE FROM safety_screening WHERE id IN (SELECT id FROM safety_screening"
            " WHERE user_id = %s ORDER BY created_at DESC, id DESC LIMIT 1)",
            [self.user.pk],
        )

    def increment(self) -> None:
        marks = services.settings_of(self.user)
        marks.increment = self.rng.choice([Decimal("1"), Decimal("2.5")])
        marks.acceptable_pain = self.rng.choice([1, 3, 5])
        marks.save()

    def units(self) -> None:
        profile = self.user.profile
        profile.units = self.rng.choice(["metric", "imperial"])
        profile.save()

    def today_writes(self) -> list[Callable[[], None]]:
        return [
            self.log,
            self.log,
            self.rate,
            self.sql_day,
            self.sql_effort,
            self.sql_morning,
            self.sql_lift,
            self.sql_drop,
            self.rating,
            self.sql_rating,
            self.sql_unrate,
            self.settings,
            self.sql_settings,
            self.untie,
            self.sql_muscle,
        ]

    def page_writes(self) -> list[Callable[[], None]]:
        return [
            *self.today_writes(),
            self.sql_set,
            self.own_lift,
            self.sql_rename,
            self.programme,
            self.answer,
            self.sql_unanswer,
            self.increment,
            self.units,
        ]
