"""A knot's count of check-ins and their highest id, kept by the database (journal.KnotTally).

Triggers on the check-in table keep the tally whichever way rows come and go: the app, bulk
imports, Django's cascades, a statement typed into a shell. PostgreSQL's fire once per statement
with the statement's rows (so a bulk insert of years of history updates each knot once);
SQLite's once per row. Both take a knot's rows in order of knot, so two statements touching the
same knots wait for each other rather than deadlock.
"""

from collections.abc import Iterable

import django.db.models.deletion
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SQLITE = [
    """
    CREATE TRIGGER journal_tally_added AFTER INSERT ON journal_checkin
    BEGIN
      INSERT INTO journal_knottally (knot_id, checkins, last_id) VALUES (NEW.knot_id, 1, NEW.id)
      ON CONFLICT (knot_id) DO UPDATE
        SET checkins = checkins + 1, last_id = max(coalesce(last_id, 0), excluded.last_id);
    END""",
    """
    CREATE TRIGGER journal_tally_removed AFTER DELETE ON journal_checkin
    BEGIN
      UPDATE journal_knottally
         SET checkins = checkins - 1,
             last_id = CASE WHEN OLD.id < last_id THEN last_id
                       ELSE (SELECT max(c.id) FROM journal_checkin c WHERE c.knot_id = OLD.knot_id)
                       END
       WHERE knot_id = OLD.knot_id;
    END""",
    # Check-ins are never moved between knots or renumbered; if one ever is, count both again.
    """
    CREATE TRIGGER journal_tally_moved AFTER UPDATE OF knot_id, id ON journal_checkin
    WHEN OLD.knot_id IS NOT NEW.knot_id OR OLD.id IS NOT NEW.id
    BEGIN
      INSERT INTO journal_knottally (knot_id, checkins, last_id) VALUES (NEW.knot_id, 0, NULL)
      ON CONFLICT (knot_id) DO NOTHING;
      UPDATE journal_knottally
         SET checkins = (SELECT count(*) FROM journal_checkin c
                          WHERE c.knot_id = journal_knottally.knot_id),
             last_id = (SELECT max(c.id) FROM journal_checkin c
                         WHERE c.knot_id = journal_knottally.knot_id)
       WHERE knot_id IN (OLD.knot_id, NEW.knot_id);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS journal_tally_added",
    "DROP TRIGGER IF EXISTS journal_tally_removed",
    "DROP TRIGGER IF EXISTS journal_tally_moved",
]

POSTGRES = [
    """
    CREATE FUNCTION journal_tally_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO journal_knottally AS t (knot_id, checkins, last_id)
      SELECT knot_id, count(*), max(id) FROM added GROUP BY knot_id ORDER BY knot_id
      ON CONFLICT (knot_id) DO UPDATE
        SET checkins = t.checkins + EXCLUDED.checkins,
            last_id = GREATEST(t.last_id, EXCLUDED.last_id);
      RETURN NULL;
    END $$""",
    """
    CREATE TRIGGER journal_tally_added AFTER INSERT ON journal_checkin
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION journal_tally_added()""",
    """
    CREATE FUNCTION journal_tally_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM journal_knottally
        WHERE knot_id IN (SELECT knot_id FROM removed) ORDER BY knot_id FOR UPDATE;
      UPDATE journal_knottally AS t
         SET checkins = t.checkins - r.n,
             last_id = CASE WHEN r.top < t.last_id THEN t.last_id
                       ELSE (SELECT max(c.id) FROM journal_checkin c WHERE c.knot_id = t.knot_id)
                       END
        FROM (SELECT knot_id, count(*) AS n, max(id) AS top FROM removed GROUP BY knot_id) r
       WHERE t.knot_id = r.knot_id;
      RETURN NULL;
    END $$""",
    """
    CREATE TRIGGER journal_tally_removed AFTER DELETE ON journal_checkin
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION journal_tally_removed()""",
    # Check-ins are never moved between knots or renumbered; if one ever is, count again the
    # knots of the rows that changed.
    """
    CREATE FUNCTION journal_tally_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      touched bigint[];
    BEGIN
      SELECT array_agg(DISTINCT knot_id ORDER BY knot_id) INTO touched FROM (
        SELECT b.knot_id FROM before b WHERE NOT EXISTS
          (SELECT 1 FROM after a WHERE a.id = b.id AND a.knot_id = b.knot_id)
        UNION ALL
        SELECT a.knot_id FROM after a WHERE NOT EXISTS
          (SELECT 1 FROM before b WHERE b.id = a.id AND b.knot_id = a.knot_id)
      ) moved;
      IF touched IS NULL THEN
        RETURN NULL;
      END IF;
      INSERT INTO journal_knottally (knot_id, checkins, last_id)
      SELECT k, 0, NULL FROM unnest(touched) k ORDER BY k
      ON CONFLICT (knot_id) DO NOTHING;
      PERFORM 1 FROM journal_knottally WHERE knot_id = ANY(touched) ORDER BY knot_id FOR UPDATE;
      UPDATE journal_knottally AS t
         SET checkins = (SELECT count(*) FROM journal_checkin c WHERE c.knot_id = t.knot_id),
             last_id = (SELECT max(c.id) FROM journal_checkin c WHERE c.knot_id = t.knot_id)
       WHERE t.knot_id = ANY(touched);
      RETURN NULL;
    END $$""",
    """
    CREATE TRIGGER journal_tally_moved AFTER UPDATE ON journal_checkin
    REFERENCING OLD TABLE AS before NEW TABLE AS after
    FOR EACH STATEMENT EXECUTE FUNCTION journal_tally_moved()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS journal_tally_added ON journal_checkin",
    "DROP TRIGGER IF EXISTS journal_tally_removed ON journal_checkin",
    "DROP TRIGGER IF EXISTS journal_tally_moved ON journal_checkin",
    "DROP FUNCTION IF EXISTS journal_tally_added()",
    "DROP FUNCTION IF EXISTS journal_tally_removed()",
    "DROP FUNCTION IF EXISTS journal_tally_moved()",
]

# The check-ins already stored, counted once.
FILL = """
INSERT INTO journal_knottally (knot_id, checkins, last_id)
SELECT knot_id, count(*), max(id) FROM journal_checkin GROUP BY knot_id"""


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: Iterable[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def keep_tally(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # No check-in may come or go between the count and the triggers taking over.
        schema_editor.execute("LOCK TABLE journal_checkin IN SHARE ROW EXCLUSIVE MODE")
        _run(schema_editor, POSTGRES)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE)
    else:
        raise NotImplementedError(
            f"knotless keeps a knot's tally on SQLite or PostgreSQL: {vendor}"
        )
    schema_editor.execute(FILL, params=None)


def stop_keeping(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    _run(schema_editor, POSTGRES_DROP if vendor == "postgresql" else SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0004_checkin_count_from_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="KnotTally",
            fields=[
                (
                    "knot",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="tally",
                        serialize=False,
                        to="journal.knot",
                    ),
                ),
                ("checkins", models.PositiveIntegerField(default=0)),
                ("last_id", models.BigIntegerField(null=True)),
            ],
        ),
        migrations.RunPython(keep_tally, stop_keeping),
    ]
