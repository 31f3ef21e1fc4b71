"""A workout's revision moves with its sets too.

Migration 0006 moves a workout's revision with every write to the workout or to one of its
exercises, which is all the day's first plan reads. The training page also reads the sets
(each lift's last outings, for what to do next time), and keeps what it draws from them under
the workouts' summed revisions (training/log_parts.py). So a set that comes, changes or goes
writes its workout again, whichever way it was written: the app always rewrites an exercise's
sets with the exercise, but an import, a cascade or a statement typed into a shell need not.
A set whose exercise is gone with it leaves nothing to find here: the exercise's own trigger
has written the workout already.
"""

from collections.abc import Iterable

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

WORKOUT, ENTRY, SET = "training_workout", "training_entry", "training_workset"
EVENTS = ("insert", "delete", "update")
_SQLITE_ROWS = {"insert": "NEW.entry_id", "delete": "OLD.entry_id"}
_SQLITE_ROWS["update"] = "OLD.entry_id, NEW.entry_id"

SQLITE = [
    f"""
    CREATE TRIGGER {SET}_revision_{event} AFTER {event.upper()} ON {SET}
    BEGIN
      UPDATE {WORKOUT} SET revision = random()
       WHERE id IN (SELECT workout_id FROM {ENTRY} WHERE id IN ({_SQLITE_ROWS[event]}));
    END"""
    for event in EVENTS
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {SET}_revision_{event}" for event in EVENTS]

POSTGRES = [
    # As for exercises (0006): the workouts are written again (0006's BEFORE UPDATE trigger
    # gives each a new revision), locked in order of workout so two statements wait rather
    # than deadlock.
    f"""
    CREATE FUNCTION {SET}_revision() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      touched bigint[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT e.workout_id) INTO touched
          FROM {ENTRY} e WHERE e.id IN (SELECT entry_id FROM added);
      ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT e.workout_id) INTO touched
          FROM {ENTRY} e WHERE e.id IN (SELECT entry_id FROM removed);
      ELSE
        SELECT array_agg(DISTINCT e.workout_id) INTO touched
          FROM {ENTRY} e
         WHERE e.id IN (SELECT entry_id FROM before UNION SELECT entry_id FROM after);
      END IF;
      IF touched IS NULL THEN
        RETURN NULL;
      END IF;
      PERFORM 1 FROM {WORKOUT} WHERE id = ANY(touched) ORDER BY id FOR UPDATE;
      UPDATE {WORKOUT} SET revision = 0 WHERE id = ANY(touched);
      RETURN NULL;
    END $$""",
    *(
        f"""
    CREATE TRIGGER {SET}_revision_{event} AFTER {event.upper()} ON {SET}
    REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {SET}_revision()"""
        for event, tables in (
            ("insert", "NEW TABLE AS added"),
            ("delete", "OLD TABLE AS removed"),
            ("update", "OLD TABLE AS before NEW TABLE AS after"),
        )
    ),
]
POSTGRES_DROP = [
    *(f"DROP TRIGGER IF EXISTS {SET}_revision_{event} ON {SET}" for event in EVENTS),
    f"DROP FUNCTION IF EXISTS {SET}_revision()",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: Iterable[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def keep_revisions(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE)
    else:
        raise NotImplementedError(
            f"knotless keeps a workout's revision on SQLite or PostgreSQL: {vendor}"
        )


def stop_keeping(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    _run(schema_editor, POSTGRES_DROP if vendor == "postgresql" else SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("training", "0007_workout_revision_covered")]

    operations = [migrations.RunPython(keep_revisions, stop_keeping)]
