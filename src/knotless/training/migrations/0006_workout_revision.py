"""Each workout's revision, kept by the database, for the day's first plan.

The first plan replays every lift of the training log (double progression). Its checkpoint
(practice/done.py) keeps what the settled workouts add up to, and is trusted only while their
number and the sum of their revisions are what it was made from. So a workout's revision must
move with every write to what the plan reads from it: the workout itself (its day, its start, its
person, its link to a routine) and any of its exercises (their slug, order, pain, next morning).
Triggers see every such write: the app, imports, Django's cascades, a statement typed into a
shell. Each revision is a fresh random number, so a write rolled back cannot bring back an old
sum. Workouts stored before this migration keep revision 0 until they are next written.

The same shape as practice/0010: PostgreSQL gives a workout its revision before each insert or
update and writes again, once per statement and in order of workout, the workouts whose
exercises came, changed or went; SQLite does the same row by row.
"""

from collections.abc import Iterable

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

WORKOUT, ENTRY = "training_workout", "training_entry"
EVENTS = ("insert", "delete", "update")
_SQLITE_ROWS = {"insert": "NEW.workout_id", "delete": "OLD.workout_id"}
_SQLITE_ROWS["update"] = "OLD.workout_id, NEW.workout_id"

SQLITE = [
    # SQLite never fires a trigger from within itself, so the write of the revision does not loop.
    *(
        f"""
    CREATE TRIGGER {WORKOUT}_revision_{event} AFTER {event.upper()} ON {WORKOUT}
    BEGIN
      UPDATE {WORKOUT} SET revision = random() WHERE id = NEW.id;
    END"""
        for event in ("insert", "update")
    ),
    *(
        f"""
    CREATE TRIGGER {ENTRY}_revision_{event} AFTER {event.upper()} ON {ENTRY}
    BEGIN
      UPDATE {WORKOUT} SET revision = random() WHERE id IN ({_SQLITE_ROWS[event]});
    END"""
        for event in EVENTS
    ),
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {WORKOUT}_revision_{event}" for event in ("insert", "update")),
    *(f"DROP TRIGGER IF EXISTS {ENTRY}_revision_{event}" for event in EVENTS),
]

# A random bigint below 2**62, made afresh wherever it is written.
RANDOM = "(random() * 4611686018427387904)::bigint"

POSTGRES = [
    f"""
    CREATE FUNCTION {WORKOUT}_revision() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.revision := {RANDOM};
      RETURN NEW;
    END $$""",
    f"""
    CREATE TRIGGER {WORKOUT}_revision BEFORE INSERT OR UPDATE ON {WORKOUT}
    FOR EACH ROW EXECUTE FUNCTION {WORKOUT}_revision()""",
    # Exercises that came, changed or went: their workouts are written again (and so get a new
    # revision), locked in order of workout so that two statements wait rather than deadlock.
    f"""
    CREATE FUNCTION {ENTRY}_revision() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      touched bigint[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT workout_id) INTO touched FROM added;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT workout_id) INTO touched FROM removed;
      ELSE
        SELECT array_agg(DISTINCT workout_id) INTO touched
          FROM (SELECT workout_id FROM before UNION SELECT workout_id FROM after) w;
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
    CREATE TRIGGER {ENTRY}_revision_{event} AFTER {event.upper()} ON {ENTRY}
    REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {ENTRY}_revision()"""
        for event, tables in (
            ("insert", "NEW TABLE AS added"),
            ("delete", "OLD TABLE AS removed"),
            ("update", "OLD TABLE AS before NEW TABLE AS after"),
        )
    ),
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {WORKOUT}_revision ON {WORKOUT}",
    *(f"DROP TRIGGER IF EXISTS {ENTRY}_revision_{event} ON {ENTRY}" for event in EVENTS),
    f"DROP FUNCTION IF EXISTS {WORKOUT}_revision()",
    f"DROP FUNCTION IF EXISTS {ENTRY}_revision()",
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
    dependencies = [("training", "0005_workout_user_started")]

    operations = [
        migrations.AddField(
            model_name="workout",
            name="revision",
            field=models.BigIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunPython(keep_revisions, stop_keeping),
    ]
