"""Start Django for a CLI command: settings, apps, and an up-to-date database."""

from __future__ import annotations

import os
from typing import Any

import click


def setup_django() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knotless.settings")
        django.setup()


def ensure_migrated(*, verbose: bool = False) -> None:
    """Apply any pending migrations, so every command works on a fresh machine."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        if verbose:
            click.echo(f"Preparing the database ({len(plan)} migration{'s' * (len(plan) != 1)})…")
        call_command("migrate", interactive=False, verbosity=0)


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
