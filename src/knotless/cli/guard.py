"""The ``knotless`` group's guard: arguments are checked before any command sees them, and the
failures that come from the machine rather than from knotless (a setting, the database, the data
folder) end with a plain message and exit status 1, never a Python traceback."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import Any

import click

from knotless.cli.inputs import bad_text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _database_errors() -> tuple[type[BaseException], ...]:
    """Django's database errors, when Django is loaded (the atlas commands never load it)."""
    if "django.db" not in sys.modules:
        return ()
    from django.db import DatabaseError, InterfaceError

    return (DatabaseError, InterfaceError)


def explain(exc: BaseException) -> click.ClickException | None:
    """A message for a failure outside knotless's control, or None for anything else (a bug,
    which should show its traceback)."""
    from knotless.config import ConfigError

    if isinstance(exc, ConfigError):
        return click.ClickException(f"knotless cannot start: {exc}")
    if "django.core.exceptions" in sys.modules:
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(exc, ImproperlyConfigured):
            return click.ClickException(f"knotless cannot start: {_first_line(exc)}")
    if isinstance(exc, _database_errors()):
        where = (
            "the PostgreSQL server in KNOTLESS_DATABASE_URL"
            if os.environ.get("KNOTLESS_DATABASE_URL", "").strip()
            else "the SQLite database in the data folder (KNOTLESS_DATA_DIR)"
        )
        return click.ClickException(
            f"The database could not be used: {_first_line(exc)}. Check {where}."
        )
    if isinstance(exc, OSError) and exc.filename is not None:
        return click.ClickException(
            f"Cannot use {os.fsdecode(exc.filename)!r}: {exc.strerror or _first_line(exc)}."
        )
    return None


def shorten(message: str) -> str:
    """A message with any word over 80 characters cut to 40: a 4,000-character value said back
    in full helps nobody (and a megabyte of it did not fit a flash message)."""
    return re.sub(
        r"\S{81,}", lambda m: f"{m.group()[:40]}… ({len(m.group()):,} characters)", message
    )


class GuardedGroup(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        refuse(args, ctx)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            # click quotes a bad value whole; the stubs mark message Final, click does not.
            setattr(exc, "message", shorten(exc.message))  # noqa: B010
            raise
        except (click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            message = explain(exc)
            if message is None:
                raise
            raise message from None


def refuse(args: Sequence[str], ctx: click.Context | None = None) -> None:
    """Stop at the first argument or KNOTLESS_* setting no command could use: not UTF-8, a NUL,
    or longer than any command takes (a 100 kB region name took a minute to match)."""
    for position, arg in enumerate(args, start=1):
        why = bad_text(arg)
        if why is not None:
            before = args[position - 2] if position > 1 else ""
            short = before.startswith("-") and len(before) <= 40 and not bad_text(before)
            after = f", after {before}," if short else ""
            raise click.UsageError(f"Argument {position}{after} {why}.", ctx)
    for name, value in os.environ.items():
        if name.startswith("KNOTLESS_") and (why := bad_text(value)) is not None:
            raise click.UsageError(f"The setting {name} {why}.", ctx)
