"""What the sessions page keeps its drawings under, kept by the database: a person's count of
sessions and the versions of their page (practice.SessionTally), and each session's revision.

The sessions page keeps its table under the person's version and each row under its session's
revision, so these must move with every write to what the page shows, whichever way it comes: a
session added, changed or removed; an exercise of one or a knot's rating (they move their
session's revision, and so the version); a knot moved to another place (its name is the place:
it moves the person's ``labels`` and version). Triggers see all of them: the app, imports,
Django's cascades, a statement typed into a shell. Each number is a fresh random one every time:
a write rolled back can never bring back a number that a drawing was kept under with other rows
behind it. Sessions stored before this migration keep revision 0 until they are next written.

PostgreSQL's tally triggers fire once per statement with the statement's rows, SQLite's once per
row; both take a person's row in order of person, so two statements wait for each other rather
than deadlock.
"""

from collections.abc import Iterable

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TALLY = "practice_sessiontally"
# The tables whose rows hang from a session: a write to one gives its session a new revision.
CHILDREN = ("practice_sessionexercise", "practice_sessionknot")
# A tally row's count and version, for the person of ``{who}`` (NEW or OLD), on SQLite.
SQLITE_ADD = f"""
      INSERT INTO {TALLY} (user_id, sessions, version, labels)
      VALUES ({{who}}.user_id, 1, random(), random())
      ON CONFLICT (user_id) DO UPDATE SET sessions = sessions + 1, version = excluded.version;"""
SQLITE_TAKE = f"""
      UPDATE {TALLY} SET sessions = sessions - 1, version = random()
       WHERE user_id = {{who}}.user_id;"""


def _sqlite_children() -> list[str]:
    made = []
    for table in CHILDREN:
        for event, sessions in (
            ("INSERT", "NEW.session_id"),
            ("DELETE", "OLD.session_id"),
            ("UPDATE", "OLD.session_id, NEW.session_id"),
        ):
            made.append(
                f"""
    CREATE TRIGGER {table}_tally_{event.lower()} AFTER {event} ON {table}
    BEGIN
      UPDATE practice_session SET revision = random() WHERE id IN ({sessions});
    END"""
            )
    return made


SQLITE = [
    f"""
    CREATE TRIGGER practice_session_tally_insert AFTER INSERT ON practice_session
    BEGIN{SQLITE_ADD.format(who="NEW")}
      UPDATE practice_session SET revision = random() WHERE id = NEW.id;
    END""",
    f"""
    CREATE TRIGGER practice_session_tally_delete AFTER DELETE ON practice_session
    BEGIN{SQLITE_TAKE.format(who="OLD")}
    END""",
    # A session written again: its person's new version, and its own new revision, written
    # last (SQLite never fires a trigger from within itself, so this does not loop).
    f"""
    CREATE TRIGGER practice_session_tally_update AFTER UPDATE ON practice_session
    BEGIN
      UPDATE {TALLY} SET version = random() WHERE user_id IN (OLD.user_id, NEW.user_id);
      UPDATE practice_session SET revision = random() WHERE id = NEW.id;
    END""",
    # A session moved to another person (knotless never moves one) is counted for both.
    f"""
    CREATE TRIGGER practice_session_tally_moved AFTER UPDATE OF user_id ON practice_session
    WHEN OLD.user_id IS NOT NEW.user_id
    BEGIN{SQLITE_TAKE.format(who="OLD")}{SQLITE_ADD.format(who="NEW")}
    END""",
    *_sqlite_children(),
    f"""
    CREATE TRIGGER journal_knot_tally_update AFTER UPDATE ON journal_knot
    WHEN OLD.region IS NOT NEW.region OR OLD.side IS NOT NEW.side
      OR OLD.user_id IS NOT NEW.user_id OR OLD.id IS NOT NEW.id
    BEGIN
      UPDATE {TALLY} SET labels = random(), version = random()
       WHERE user_id IN (OLD.user_id, NEW.user_id);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS practice_session_tally_insert",
    "DROP TRIGGER IF EXISTS practice_session_tally_delete",
    "DROP TRIGGER IF EXISTS practice_session_tally_update",
    "DROP TRIGGER IF EXISTS practice_session_tally_moved",
    *(
        f"DROP TRIGGER IF EXISTS {table}_tally_{event}"
        for table in CHILDREN
        for event in ("insert", "delete", "update")
    ),
    "DROP TRIGGER IF EXISTS journal_knot_tally_update",
]

# A random bigint below 2**62, made afresh wherever it is written.
RANDOM = "(random() * 4611686018427387904)::bigint"

POSTGRES = [
    f"""
    CREATE FUNCTION practice_session_revision() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.revision := {RANDOM};
      RETURN NEW;
    END $$""",
    """
    CREATE TRIGGER practice_session_revision BEFORE INSERT OR UPDATE ON practice_session
    FOR EACH ROW EXECUTE FUNCTION practice_session_revision()""",
    f"""
    CREATE FUNCTION practice_session_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO {TALLY} AS t (user_id, sessions, version, labels)
      SELECT user_id, count(*), {RANDOM}, {RANDOM} FROM added GROUP BY user_id ORDER BY user_id
      ON CONFLICT (user_id) DO UPDATE
        SET sessions = t.sessions + EXCLUDED.sessions, version = EXCLUDED.version;
      RETURN NULL;
    END $$""",
    """
    CREATE TRIGGER practice_session_tally_insert AFTER INSERT ON practice_session
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION practice_session_tally_insert()""",
    f"""
    CREATE FUNCTION practice_session_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM {TALLY} WHERE user_id IN (SELECT user_id FROM removed)
        ORDER BY user_id FOR UPDATE;
      UPDATE {TALLY} AS t SET sessions = t.sessions - r.n, version = {RANDOM}
        FROM (SELECT user_id, count(*) AS n FROM removed GROUP BY user_id) r
       WHERE t.user_id = r.user_id;
      RETURN NULL;
    END $$""",
    """
    CREATE TRIGGER practice_session_tally_delete AFTER DELETE ON practice_session
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION practice_session_tally_delete()""",
    # Sessions written again: their people's new versions. Sessions moved to another person
    # (knotless never moves one), seen as a person's count of rows differing before and after,
    # are counted for both.
    f"""
    CREATE FUNCTION practice_session_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      touched bigint[];
    BEGIN
      SELECT array_agg(DISTINCT user_id ORDER BY user_id) INTO touched
        FROM (SELECT user_id FROM before UNION SELECT user_id FROM after) people;
      IF touched IS NULL THEN
        RETURN NULL;
      END IF;
      IF EXISTS (
        (SELECT user_id, count(*) FROM before GROUP BY user_id
         EXCEPT SELECT user_id, count(*) FROM after GROUP BY user_id)
        UNION ALL
        (SELECT user_id, count(*) FROM after GROUP BY user_id
         EXCEPT SELECT user_id, count(*) FROM before GROUP BY user_id)
      ) THEN
        INSERT INTO {TALLY} (user_id, sessions, version, labels)
        SELECT u, 0, 0, {RANDOM} FROM unnest(touched) u ORDER BY u
        ON CONFLICT (user_id) DO NOTHING;
        PERFORM 1 FROM {TALLY} WHERE user_id = ANY(touched) ORDER BY user_id FOR UPDATE;
        UPDATE {TALLY} AS t
           SET sessions = t.sessions
                          + (SELECT count(*) FROM after a WHERE a.user_id = t.user_id)
                          - (SELECT count(*) FROM before b WHERE b.user_id = t.user_id)
         WHERE t.user_id = ANY(touched);
      END IF;
      PERFORM 1 FROM {TALLY} WHERE user_id = ANY(touched) ORDER BY user_id FOR UPDATE;
      UPDATE {TALLY} SET version = {RANDOM} WHERE user_id = ANY(touched);
      RETURN NULL;
    END $$""",
    """
    CREATE TRIGGER practice_session_tally_update AFTER UPDATE ON practice_session
    REFERENCING OLD TABLE AS before NEW TABLE AS after
    FOR EACH STATEMENT EXECUTE FUNCTION practice_session_tally_update()""",
    # An exercise or a rating that came, changed or went: its session is written again (so
    # gets a new revision, and its person a new version), its rows locked in order of session.
    """
    CREATE FUNCTION practice_session_child_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      touched bigint[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT session_id) INTO touched FROM added;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT session_id) INTO touched FROM removed;
      ELSE
        SELECT array_agg(DISTINCT session_id) INTO touched
          FROM (SELECT session_id FROM before UNION SELECT session_id FROM after) s;
      END IF;
      IF touched IS NULL THEN
        RETURN NULL;
      END IF;
      PERFORM 1 FROM practice_session WHERE id = ANY(touched) ORDER BY id FOR UPDATE;
      UPDATE practice_session SET revision = 0 WHERE id = ANY(touched);
      RETURN NULL;
    END $$""",
    *(
        f"""
    CREATE TRIGGER {table}_tally_{event.lower()} AFTER {event} ON {table}
    REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION practice_session_child_tally()"""
        for table in CHILDREN
        for event, tables in (
            ("INSERT", "NEW TABLE AS added"),
            ("DELETE", "OLD TABLE AS removed"),
            ("UPDATE", "OLD TABLE AS before NEW TABLE AS after"),
        )
    ),
    # A knot's name on the page is its place: a knot moved, or given to another person.
    f"""
    CREATE FUNCTION journal_knot_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      touched bigint[];
    BEGIN
      SELECT array_agg(DISTINCT user_id) INTO touched FROM (
        SELECT unnest(array[b.user_id, a.user_id]) AS user_id
          FROM before b JOIN after a ON a.id = b.id
         WHERE (a.region, a.side, a.user_id) IS DISTINCT FROM (b.region, b.side, b.user_id)
      ) moved;
      IF touched IS NULL THEN
        RETURN NULL;
      END IF;
      PERFORM 1 FROM {TALLY} WHERE user_id = ANY(touched) ORDER BY user_id FOR UPDATE;
      UPDATE {TALLY} SET labels = {RANDOM}, version = {RANDOM} WHERE user_id = ANY(touched);
      RETURN NULL;
    END $$""",
    """
    CREATE TRIGGER journal_knot_tally_update AFTER UPDATE ON journal_knot
    REFERENCING OLD TABLE AS before NEW TABLE AS after
    FOR EACH STATEMENT EXECUTE FUNCTION journal_knot_tally_update()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS practice_session_revision ON practice_session",
    "DROP TRIGGER IF EXISTS practice_session_tally_insert ON practice_session",
    "DROP TRIGGER IF EXISTS practice_session_tally_delete ON practice_session",
    "DROP TRIGGER IF EXISTS practice_session_tally_update ON practice_session",
    *(
        f"DROP TRIGGER IF EXISTS {table}_tally_{event} ON {table}"
        for table in CHILDREN
        for event in ("insert", "delete", "update")
    ),
    "DROP TRIGGER IF EXISTS journal_knot_tally_update ON journal_knot",
    "DROP FUNCTION IF EXISTS practice_session_revision()",
    "DROP FUNCTION IF EXISTS practice_session_tally_insert()",
    "DROP FUNCTION IF EXISTS practice_session_tally_delete()",
    "DROP FUNCTION IF EXISTS practice_session_tally_update()",
    "DROP FUNCTION IF EXISTS practice_session_child_tally()",
    "DROP FUNCTION IF EXISTS journal_knot_tally_update()",
]


def _fill(vendor: str) -> str:
    """The sessions already stored, counted once, each person with versions of their own."""
    made = RANDOM if vendor == "postgresql" else "random()"
    return (
        f"INSERT INTO {TALLY} (user_id, sessions, version, labels)"
        f" SELECT user_id, count(*), {made}, {made} FROM practice_session GROUP BY user_id"
    )


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: Iterable[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def keep_tally(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # No session may come or go between the count and the triggers taking over.
        schema_editor.execute("LOCK TABLE practice_session IN SHARE ROW EXCLUSIVE MODE")
        _run(schema_editor, POSTGRES)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE)
    else:
        raise NotImplementedError(
            f"knotless keeps a person's session tally on SQLite or PostgreSQL: {vendor}"
        )
    schema_editor.execute(_fill(vendor), params=None)


def stop_keeping(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    _run(schema_editor, POSTGRES_DROP if vendor == "postgresql" else SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("journal", "0005_knot_tally"),
        ("practice", "0009_sessionknot_covering"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="revision",
            field=models.BigIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.CreateModel(
            name="SessionTally",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="session_tally",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("sessions", models.PositiveIntegerField(default=0)),
                ("version", models.BigIntegerField(default=0)),
                ("labels", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(keep_tally, stop_keeping),
    ]
