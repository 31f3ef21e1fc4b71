"""A covering index on PostgreSQL for a knot's sessions: the knot page reads the sessions a
knot took part in from the index alone instead of one heap page per session.

With 1,000 people over two years a knot's 626 session ratings sat on 626 table pages (2.6 ms of
the knot page, bench/scale.py); from the index they are 10 pages (0.9 ms, with the join to the
person's sessions). As in 0008: PostgreSQL alone has INCLUDE and the index only speeds reads up,
so the model does not declare it; built CONCURRENTLY so writes go on meanwhile.
"""

from typing import Any

from django.db import migrations

NAME = "practice_sessionknot_knot_covering"
WHAT = "practice_sessionknot (knot_id, session_id) INCLUDE (pain_before, pain_after)"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON {WHAT}")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("practice", "0008_covering_indexes")]

    operations = [migrations.RunPython(create, drop)]
