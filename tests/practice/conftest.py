from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from knotless.journal import services as journal
from knotless.journal.models import Knot

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


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
