"""The PostgreSQL-only covering indexes (practice migrations 0008, 0009 and 0012) are made, and
the one 0012 replaced is gone."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

MIGRATIONS = ("0008_covering_indexes", "0009_sessionknot_covering", "0012_session_revision_covered")


def declared() -> tuple[set[str], set[str]]:
    """(indexes the migrations make, indexes a later one replaced)."""
    names: set[str] = set()
    replaced: set[str] = set()
    for name in MIGRATIONS:
        module = importlib.import_module(f"knotless.practice.migrations.{name}")
        names |= set(getattr(module, "INDEXES", {})) | {getattr(module, "NAME", "")}
        names.add(getattr(module, "NEW", ""))
        replaced.add(getattr(module, "OLD", ""))
    return names - {""} - replaced, replaced - {""}


@pytest.mark.django_db
def test_every_covering_index_exists_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL alone has INCLUDE; SQLite keeps its own indexes (CI runs both)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        present = {row[0] for row in cursor.fetchall()}
    made, replaced = declared()
    assert made == {
        "practice_session_user_started_revision",
        "practice_sessionexercise_session_covering",
        "practice_sessionknot_knot_covering",
    }
    assert replaced == {"practice_session_user_started_covering"}
    assert made <= present
    assert not replaced & present
