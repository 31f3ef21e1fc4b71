"""On PostgreSQL, a person's workouts read with their revisions from the index alone.

The first plan's checkpoint (practice/done.py) is checked by the number and the summed revisions
of the person's settled workouts: with the revision in the (user, start) index of migration
0005, that reads the index and no heap page. The covering index is built beside the old one and
takes its name once the old one is dropped, all CONCURRENTLY (outside a transaction) but the
rename, so reads keep an index and writes keep flowing while it is made.
"""

from typing import Any

from django.db import migrations

NAME = "training_workout_user_started"
BUILDING = "training_workout_user_started_building"
KEYS = "training_workout (user_id, started_at DESC)"


def _swap(schema_editor: Any, include: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {BUILDING}")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY {BUILDING} ON {KEYS}{include}")
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
    schema_editor.execute(f"ALTER INDEX {BUILDING} RENAME TO {NAME}")


def forward(apps: Any, schema_editor: Any) -> None:
    _swap(schema_editor, " INCLUDE (revision)")


def backward(apps: Any, schema_editor: Any) -> None:
    _swap(schema_editor, "")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("training", "0006_workout_revision")]

    operations = [migrations.RunPython(forward, backward)]
