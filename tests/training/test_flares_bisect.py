"""Flares find a workout's ratings before and after it by bisection: they are the flares a plain
scan of every rating finds, over random histories."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from knotless.journal import services as journal
from knotless.library.exercises import load_exercises
from knotless.safety.policy import targeted
from knotless.training import insights
from knotless.training.insights import FLARE_RISE, FLARE_SHOWN_DAYS, FLARE_WINDOW

LIFTS = ["one-arm-dumbbell-row", "dumbbell-shrug", "goblet-squat", "band-pull-apart"]


def scanned(knot: Any, now: Any, entries: list[Any], ratings: list[Any]) -> tuple[Any, ...] | None:
    """The flare of one knot as the first version found it: a scan of all its ratings."""
    library = load_exercises()
    by_workout: dict[Any, list[Any]] = {}
    for started, day, slug in entries:
        if slug in library:
            by_workout.setdefault((started, day), []).append(library[slug])
    best = None
    for (started, day), exercises in sorted(by_workout.items()):
        near = [e for e in exercises if targeted([e], [knot])]
        if not near:
            continue
        before = [p for m, p in ratings if m <= started]
        after = [(m, p) for m, p in ratings if started < m <= started + FLARE_WINDOW]
        if not before or not after:
            continue
        peak = max(p for _, p in after)
        if peak - before[-1] < FLARE_RISE or ratings[-1][1] - before[-1] < FLARE_RISE:
            continue
        if max(m for m, _ in after) < now - timedelta(days=FLARE_SHOWN_DAYS):
            continue
        best = (day, before[-1], peak)
    return best


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
def test_bisection_finds_the_flares_a_scan_finds(user: Any, seed: int) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    knot = journal.add_knot(
        user,
        region="medial-border-of-scapula",
        side="right",
        pain=3,
        tz_name="UTC",
        muscle="rhomboids",
    )
    found_any = 0
    for _ in range(40):
        entries = []
        for _ in range(rng.randint(0, 4)):
            started = now - timedelta(days=rng.uniform(0, FLARE_SHOWN_DAYS + 2))
            for slug in rng.sample(LIFTS, rng.randint(1, 3)):
                entries.append((started, started.date(), slug))
        start = insights.flare_ratings_since(now)
        moments = sorted(
            start + timedelta(hours=rng.uniform(0, (now - start).total_seconds() / 3600))
            for _ in range(rng.randint(0, 30))
        )
        # Some ratings exactly at a workout's start or its window's end: the edges count.
        for started, _, _ in entries[:2]:
            moments += [started, started + FLARE_WINDOW]
        moments.sort()
        ratings = [(m, rng.choice([2, 3, 3, 6, 7, 8])) for m in moments]
        found = insights.flares(user, now, knots=[knot], entries=entries, held={knot.pk: ratings})
        expected = scanned(knot, now, entries, ratings)
        assert [(f.workout_day, f.before, f.after) for f in found] == (
            [expected] if expected else []
        )
        found_any += bool(found)
    assert found_any  # the draws made some flares, not only none
