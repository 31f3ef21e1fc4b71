"""Covering indexes on PostgreSQL, so a person's sessions and their exercises are read from the
index alone instead of one heap page per session.

A person's rows sit one per heap page among everyone else's (each day's rows arrive together for
all people), so with 1,000 people over two years the first plan of the day read 626 session
pages and 555 exercise pages (1.0 + 4.3 ms, bench/scale.py). PostgreSQL alone has INCLUDE, and
these indexes only speed reads up, so the models do not declare them: SQLite is left as it is,
where the table's rowid order already keeps a session's exercises together.

Built CONCURRENTLY (outside a transaction), so a server with many people keeps taking writes
while they are made.
"""

from typing import Any

from django.db import migrations

INDEXES = {
    "practice_session_user_started_covering": (
        "practice_session (user_id, started_at DESC, id DESC) "
        "INCLUDE (status, planned_seconds, played_seconds)"
    ),
    "practice_sessionexercise_session_covering": (
        "practice_sessionexercise (session_id, position) INCLUDE (slug, verdict, reached)"
    ),
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, what in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {what}")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("practice", "0007_client_id")]

    operations = [migrations.RunPython(create, drop)]
