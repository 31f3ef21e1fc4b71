"""A quick command starts quickly (issue 13): it imports its own module only, and a database that
is up to date is confirmed by a cheap check instead of Django's migration graph; a fresh or
out-of-date database is still migrated before the command runs.

What a start imports is checked in fresh Python processes: this one has imported everything.
The times themselves are measured by ``bench/cli.py``; a test would only be a flaky timer.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from knotless.cli import COMMANDS, main
from knotless.cli.django_setup import applied_migrations, migration_files, up_to_date
from knotless.cli.lazy import LazyGroup

PASSWORD = "a-long-startup-passphrase-9"
# Every module a command in COMMANDS lives in.
COMMAND_MODULES = {f"knotless.cli.{target.split(':')[0]}" for target in COMMANDS.values()}
LOADED = (
    "import json, sys\n"
    "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('knotless', 'django')))))\n"
)


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KNOTLESS_DATABASE_URL", "KNOTLESS_SECRET_KEY", "KNOTLESS_USER")
    }
    env["KNOTLESS_DATA_DIR"] = str(data_dir)
    return env


def _python(data_dir: Path, code: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(data_dir),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _knotless(data_dir: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "knotless", *args],
        env=_env(data_dir),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _modules_after(data_dir: Path, args: list[str]) -> set[str]:
    """The knotless and Django modules a process has loaded after running ``knotless ARGS``."""
    run = f"from knotless.cli import main\nmain({args!r}, standalone_mode=False)\n"
    out = _python(data_dir, run + LOADED)
    return set(json.loads(out.strip().splitlines()[-1]))


def _applied_in_file(data_dir: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(data_dir / "knotless.sqlite3") as db:
        return {(app, name) for app, name in db.execute("SELECT app, name FROM django_migrations")}


@pytest.fixture
def journal(tmp_path: Path) -> tuple[Path, str]:
    """A data folder made by the CLI itself (a fresh database), with a user and a knot."""
    _knotless(tmp_path, "user", "create", "u", "--password-stdin", stdin=PASSWORD)
    out = _knotless(
        tmp_path, "knot", "add", "--region", "calf", "--side", "left", "--pain", "5", "--user", "u"
    )
    return tmp_path, out.split("#", 1)[1].split(":", 1)[0]


def test_importing_the_cli_loads_no_command_and_no_django(tmp_path: Path) -> None:
    loaded = set(json.loads(_python(tmp_path, "import knotless.cli\n" + LOADED)))
    assert "knotless.cli" in loaded
    assert not loaded & COMMAND_MODULES
    assert not {m for m in loaded if m.startswith("django")}


def test_version_starts_no_command_module(tmp_path: Path) -> None:
    run = (
        "from knotless.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
    )
    first, loaded = _python(tmp_path, run + LOADED).strip().splitlines()
    assert first.startswith("knotless, version ")
    assert not set(json.loads(loaded)) & COMMAND_MODULES


@pytest.mark.parametrize(
    ("args", "own"),
    [
        (["drink", "250", "--user", "u"], {"knotless.cli.water", "knotless.cli.knots"}),
        (["knot", "checkin", "KNOT", "--pain", "3", "--user", "u"], {"knotless.cli.knots"}),
    ],
)
def test_a_quick_command_loads_its_own_module_and_no_migration_graph(
    journal: tuple[Path, str], args: list[str], own: set[str]
) -> None:
    data_dir, knot_id = journal
    loaded = _modules_after(data_dir, [knot_id if a == "KNOT" else a for a in args])
    assert loaded & COMMAND_MODULES == own
    # The database is up to date, so Django's migration loader was never built.
    assert "django.db.migrations.loader" not in loaded
    assert "django.db.migrations.executor" not in loaded
    assert "knotless.hydration.models" in loaded  # it did start Django and use the database


def test_the_first_command_migrates_a_fresh_database(journal: tuple[Path, str]) -> None:
    data_dir, _ = journal
    on_disk = migration_files()
    assert on_disk  # the reader found the project's migrations
    assert _applied_in_file(data_dir) >= on_disk


def test_a_command_after_an_upgrade_applies_the_new_migrations(
    journal: tuple[Path, str],
) -> None:
    # An older database: the water app's migrations not yet applied, as after an upgrade that
    # brought them. The next quick command must apply them before it runs.
    data_dir, _ = journal
    _python(
        data_dir,
        "import django, os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'knotless.settings'\n"
        "django.setup()\nfrom django.core.management import call_command\n"
        "call_command('migrate', 'hydration', 'zero', verbosity=0)\n",
    )
    missing = migration_files() or set()
    missing -= _applied_in_file(data_dir)
    assert any(app == "hydration" for app, _ in missing)
    out = _knotless(data_dir, "drink", "300", "--user", "u")
    assert out.startswith("Logged 300 ml of water.")
    assert _applied_in_file(data_dir) >= (migration_files() or set())


@pytest.mark.django_db
def test_the_cheap_reader_sees_the_migrations_django_sees() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert migration_files() == set(loader.disk_migrations)


@pytest.mark.django_db
def test_up_to_date_until_a_migration_is_missing_from_the_record() -> None:
    assert up_to_date(connection)
    app, name = sorted(migration_files() or set())[-1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, name])
    assert (app, name) not in applied_migrations(connection)
    assert not up_to_date(connection)


@pytest.mark.django_db
def test_a_migrations_setting_leaves_the_question_to_django(settings: Any) -> None:
    settings.MIGRATION_MODULES = {"hydration": "knotless.hydration.migrations"}
    assert migration_files() is None
    assert not up_to_date(connection)


def test_every_registered_command_loads_under_its_name() -> None:
    ctx = click.Context(main)
    assert main.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
    assert set(main.commands) == set(COMMANDS)


def test_help_lists_every_command_without_starting_django(tmp_path: Path) -> None:
    code = "from knotless.cli import main\nmain(['--help'], standalone_mode=False)\n"
    out = _python(tmp_path, code + LOADED)
    help_text, loaded = out.rsplit("\n[", 1)
    listed = help_text.split("Commands:", 1)[1].split()
    assert set(COMMANDS) <= set(listed)
    assert "django.db.models" not in json.loads("[" + loaded)


def test_a_registry_entry_is_all_a_new_command_needs() -> None:
    group = LazyGroup("demo", lazy={"water": "water:water"})
    assert group.list_commands(click.Context(group)) == ["water"]
    result = CliRunner().invoke(group, ["water", "--help"])
    assert result.exit_code == 0 and "Today's water" in result.output


def test_a_registry_entry_under_the_wrong_name_is_refused() -> None:
    group = LazyGroup("demo", lazy={"sip": "water:drink"})
    with pytest.raises(TypeError, match="not a click command named 'sip'"):
        group.get_command(click.Context(group), "sip")


def test_an_unknown_command_still_gets_a_suggestion() -> None:
    result = CliRunner().invoke(main, ["drnk"])
    assert result.exit_code == 2
    assert "drink" in result.output
