"""A person's workouts by start time, newest first.

The training page's next-time advice reads the newest sixty lifts, ordered by their workout's
start: without this index PostgreSQL joined and sorted all of a person's entries (6 ms for two
years of gym work); with it, it walks the newest workouts and stops (0.25 ms). On PostgreSQL it is
built CONCURRENTLY (outside a transaction), so writes go on while it is made.
"""

from typing import Any

from django.db import migrations, models

INDEX = models.Index(fields=["user", "-started_at"], name="training_workout_user_started")


def forward(apps: Any, schema_editor: Any) -> None:
    workout = apps.get_model("training", "Workout")
    if schema_editor.connection.vendor == "postgresql":
        table = workout._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX.name} "
            f"ON {table} (user_id, started_at DESC)"
        )
    else:
        schema_editor.add_index(workout, INDEX)


def backward(apps: Any, schema_editor: Any) -> None:
    workout = apps.get_model("training", "Workout")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX.name}")
    else:
        schema_editor.remove_index(workout, INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("training", "0004_client_id")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="workout", index=INDEX)],
            database_operations=[migrations.RunPython(forward, backward)],
        )
    ]
