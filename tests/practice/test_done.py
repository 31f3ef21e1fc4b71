"""The exercise history the first plan of the day reads (practice/done.py): the same answer as
the aggregate it replaced, on random histories."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Max, Q

from knotless.library.exercises import load_exercises
from knotless.practice import done
from knotless.practice.done import done_history
from knotless.practice.models import Session, SessionExercise
from tests.practice.conftest import random_session

ZONE = ZoneInfo("Europe/Berlin")


def _oracle(user: Any) -> tuple[dict[str, tuple[int, int, Any]], dict[str, list[Any]]]:
    """The history read the old way: exercises joined to sessions, counted by the database."""
    library = load_exercises()
    done = SessionExercise.objects.filter(session__user=user, reached=True).exclude(
        session__status=Session.Status.STARTED
    )
    said = (
        done.filter(verdict__in=("helped", "hurt"))
        .values("slug")
        .annotate(
            helped=Count("id", filter=Q(verdict="helped")),
            hurt=Count("id", filter=Q(verdict="hurt")),
            last_hurt=Max("session__started_at", filter=Q(verdict="hurt")),
        )
        .order_by()
    )
    feedback = {
        r["slug"]: (
            r["helped"],
            r["hurt"],
            r["last_hurt"].astimezone(ZONE).date() if r["last_hurt"] else None,
        )
        for r in said
    }
    strength: dict[str, list[Any]] = {}
    rows = (
        done.filter(slug__in=[s for s, e in library.items() if e.kind == "strength"])
        .order_by("session__started_at", "position")
        .values_list("slug", "verdict", "session__started_at")
    )
    for slug, verdict, at in rows:
        strength.setdefault(slug, []).append((at.astimezone(ZONE).date(), verdict))
    return feedback, strength


@pytest.mark.parametrize(("seed", "batch"), [(0, 900), (1, 900), (2, 7)])
def test_the_history_is_what_the_old_aggregate_gave(
    make_user: Any, seed: int, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(done, "BATCH", batch)  # 7: the sessions are read in several batches
    rng = random.Random(seed)
    user, other = make_user("mine"), make_user("theirs")
    library = load_exercises()
    strength = [s for s, e in library.items() if e.kind == "strength"][:4]
    gentle = [s for s, e in library.items() if e.kind != "strength"][:4]
    start = datetime(2025, 1, 1, 8, tzinfo=UTC)
    for n in range(60):
        owner = user if rng.random() < 0.8 else other
        began = start + timedelta(days=n, hours=rng.randint(0, 14))
        random_session(rng, owner, began, [*strength, *gentle, "gone-from-library"], 4, 0.85)
    feedback, strength_log = done_history(user, ZONE)
    said, logged = _oracle(user)
    assert {s: (f.helped, f.hurt, f.last_hurt) for s, f in feedback.items()} == said
    assert strength_log == logged
    assert said and logged  # the random history had both
