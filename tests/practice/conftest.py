from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from knotless.journal import services as journal
from knotless.journal.models import Knot
from knotless.practice.models import Session, SessionExercise

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def random_session(
    rng: random.Random, owner: Any, began: datetime, slugs: list[str], count: int, reached: float
) -> Session:
    """A session of ``count`` exercises drawn from ``slugs``, with random status and verdicts
    (for the exercise history's tests: practice/done.py)."""
    status = rng.choice(["finished", "finished", "stopped", "started"])
    session = Session.objects.create(
        user=owner,
        started_at=began,
        ended_at=None if status == "started" else began + timedelta(minutes=10),
        status=status,
        planned_seconds=600,
        played_seconds=600,
    )
    for position, slug in enumerate(rng.sample(slugs, count)):
        SessionExercise.objects.create(
            session=session,
            position=position,
            slug=slug,
            verdict=rng.choice(["", "", "helped", "hurt"]),
            reached=rng.random() < reached,
        )
    return session


def add_knot(user: Any, region: str, side: str, muscle: str = "") -> Knot:
    return journal.add_knot(
        user,
        region=region,
        side=side,
        muscle=muscle,
        pain=6,
        tz_name="Europe/Berlin",
        moment=NOW - timedelta(days=1),
        first_felt=date(2026, 11, 20),
    )


@pytest.fixture
def shoulder_knot(user: Any) -> Knot:
    return add_knot(user, "top-of-shoulder", "right", "upper-trapezius")


@pytest.fixture
def calf_knot(user: Any) -> Knot:
    """A calf knot whose safety questions (the leg's, and the foot's for the pain it sends to
    the sole) are answered "none apply": an open knot. Unanswered, it would wait out of every
    plan like any knot in a screened area (tests/safety/test_new_areas.py)."""
    return answered(add_knot(user, "calf", "left", "gastrocnemius"))


def answered(knot: Knot) -> Knot:
    """The knot, with its safety questions answered "none apply"."""
    from knotless.safety.policy import knot_areas
    from knotless.safety.screening import record

    record(knot.user, knot_areas(knot), [])
    return knot
