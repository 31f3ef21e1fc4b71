"""On PostgreSQL, a person's sessions read with their revisions from the index alone.

The day's first plan checks its checkpoint (practice/done.py) by the number and the summed
revisions of the person's settled sessions, and the sessions page keys each row by its revision:
with the revision in the covering index of migration 0008, both read the index and no heap page.
The new index is built before the old one is dropped, both CONCURRENTLY (outside a transaction),
so reads keep an index and writes keep flowing while it is made.
"""

from typing import Any

from django.db import migrations

OLD = "practice_session_user_started_covering"
NEW = "practice_session_user_started_revision"
KEYS = "practice_session (user_id, started_at DESC, id DESC)"
COVERED = "status, planned_seconds, played_seconds"


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NEW} ON {KEYS} INCLUDE ({COVERED}, revision)"
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD}")


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {OLD} ON {KEYS} INCLUDE ({COVERED})"
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NEW}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("practice", "0011_done_checkpoint")]

    operations = [migrations.RunPython(forward, backward)]
