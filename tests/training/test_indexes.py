"""The newest lifts are read through (user, started_at DESC) rather than by sorting every lift a
person has logged (migration training/0005); on PostgreSQL the index carries each workout's
revision too (0007), for the first plan's checkpoint."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from knotless.training.coaching import RECENT_ENTRIES
from knotless.training.models import Entry, Workout

NAME = "training_workout_user_started"


@pytest.mark.django_db
def test_the_index_is_there_on_either_database() -> None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Workout._meta.db_table)
    assert NAME in found
    # PostgreSQL lists the covered column after the keys, SQLite has no such column.
    covered = ["revision"] if connection.vendor == "postgresql" else []
    assert found[NAME]["columns"] == ["user_id", "started_at", *covered]
    assert found[NAME]["orders"][:2] == ["ASC", "DESC"]
    assert not {n for n in found if n.endswith("_building")}  # none left half made


@pytest.mark.django_db
def test_the_newest_lifts_are_read_in_index_order_without_a_sort(user: Any) -> None:
    """The query recent_lifts makes: on SQLite, its plan walks the index and needs no sort of
    the person's lifts (PostgreSQL's plan depends on its statistics: bench/scale.py measures
    it there with two years for a thousand people)."""
    if connection.vendor != "sqlite":
        pytest.skip("the plan is read on SQLite; PostgreSQL's is measured by bench/scale.py")
    query = (
        Entry.objects.filter(workout__user=user)
        .select_related("workout", "own")
        .order_by("-workout__started_at", "-position")[:RECENT_ENTRIES]
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert NAME in plan, plan
    # Only each workout's few entries are put in order (by position), not all of them.
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
