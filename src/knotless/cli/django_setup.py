"""Start Django for a CLI command: settings, apps, and an up-to-date database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click


def setup_django() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knotless.settings")
        django.setup()


def migration_files() -> set[tuple[str, str]] | None:
    """Every migration on disk as (app label, name), read from the folders' file names without
    importing them; None when a folder is not plain ``APP/migrations/*.py`` (a MIGRATION_MODULES
    setting, a compiled-only migration), which only Django's own loader reads right."""
    from django.apps import apps
    from django.conf import settings

    found: set[tuple[str, str]] = set()
    for app in apps.get_app_configs():
        if app.label in settings.MIGRATION_MODULES:
            return None
        folder = Path(app.path) / "migrations"
        if not (folder / "__init__.py").is_file():
            continue
        with os.scandir(folder) as entries:
            for entry in entries:
                stem, dot, suffix = entry.name.rpartition(".")
                if not dot or stem[:1] in ("_", "~", "") or not entry.is_file():
                    continue
                if suffix == "py":
                    found.add((app.label, stem))
                elif suffix in ("pyc", "so", "pyd"):
                    return None
    return found


def applied_migrations(connection: Any) -> set[tuple[str, str]]:
    """What the database's migration record says was applied (nothing when it has none yet)."""
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            return set()
        cursor.execute("SELECT app, name FROM django_migrations")
        return {(str(app), str(name)) for app, name in cursor.fetchall()}


def up_to_date(connection: Any) -> bool:
    """A quick yes when every migration file on disk is recorded as applied: two folder
    listings and one query, instead of importing every migration to build Django's graph
    (a fifth of a quick command's time). False means "look properly", not "migrate"."""
    on_disk = migration_files()
    return on_disk is not None and on_disk <= applied_migrations(connection)


# Databases (by name) this process found up to date.
_migrated: set[str] = set()


def ensure_migrated(*, verbose: bool = False) -> None:
    """Apply any pending migrations, so every command works on a fresh machine and after an
    upgrade. The quick check settles the usual case; anything else asks Django's migration
    executor, exactly as ``migrate`` would."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if name in _migrated or up_to_date(connection):
        # Once up to date, a database stays so for this process: its code cannot gain
        # migrations while it runs (the server, running the terminal's quick commands, checks
        # once, not per command).
        _migrated.add(name)
        return
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        if verbose:
            click.echo(f"Preparing the database ({len(plan)} migration{'s' * (len(plan) != 1)})…")
        call_command("migrate", interactive=False, verbosity=0)
    _migrated.add(name)


def ready() -> None:
    setup_django()
    ensure_migrated()


def pick_user(name: str | None) -> Any:
    """The user a command acts on: the one named, or the only one there is."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if name is not None and not name.strip():
        # An empty --user must not quietly mean "the only user there is".
        raise click.UsageError("The user name is empty: give a name, or leave out --user.")
    if name:
        found = User.objects.filter(username=name).first()
        if found is None:
            raise click.UsageError(f"There is no user called {name!r}. See `knotless user list`.")
        return found
    users = list(User.objects.order_by("id")[:2])
    if not users:
        raise click.UsageError(
            "There is no user yet. Run `knotless` and open the setup link, "
            "or `knotless user create NAME`."
        )
    if len(users) > 1:
        raise click.UsageError(
            "There are several users: say which with --user NAME or KNOTLESS_USER=NAME."
        )
    return users[0]
