"""The PostgreSQL-only covering indexes (practice migrations 0008 and 0009) are made."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

MIGRATIONS = ("0008_covering_indexes", "0009_sessionknot_covering")


def declared() -> set[str]:
    names: set[str] = set()
    for name in MIGRATIONS:
        module = importlib.import_module(f"knotless.practice.migrations.{name}")
        names |= set(getattr(module, "INDEXES", {})) | {getattr(module, "NAME", "")}
    return names - {""}


@pytest.mark.django_db
def test_every_covering_index_exists_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL alone has INCLUDE; SQLite keeps its own indexes (CI runs both)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        present = {row[0] for row in cursor.fetchall()}
    assert declared() == {
        "practice_session_user_started_covering",
        "practice_sessionexercise_session_covering",
        "practice_sessionknot_knot_covering",
    }
    assert declared() <= present
