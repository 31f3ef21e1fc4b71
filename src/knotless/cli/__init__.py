"""The ``knotless`` command. Each command group lives in its own small module."""

from __future__ import annotations

import click

from knotless import __version__
from knotless.cli.atlas import find, muscle, muscles, regions
from knotless.cli.check import check
from knotless.cli.desk import desk
from knotless.cli.guard import GuardedGroup
from knotless.cli.knots import knot
from knotless.cli.library import exercise, exercises, figure
from knotless.cli.plan import plan
from knotless.cli.player import play
from knotless.cli.serve import serve
from knotless.cli.users import user
from knotless.cli.water import drink, water


# Guarded: every argument is checked first, and a bad setting, an unreachable database or an
# unusable data folder ends in a message, not a traceback.
@click.group(cls=GuardedGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="knotless")
@click.pass_context
def main(ctx: click.Context) -> None:
    """knotless: untie muscle knots and keep them gone.

    Run without a command to start the app in your browser (the same as `knotless serve`).
    """
    if ctx.invoked_subcommand is None:
        # A real sub-context, not ctx.invoke: only parsing reads KNOTLESS_HOST / KNOTLESS_PORT.
        with serve.make_context("serve", [], parent=ctx) as serve_ctx:
            serve.invoke(serve_ctx)


main.add_command(serve)
main.add_command(user)
main.add_command(knot)
main.add_command(desk)
for command in (
    regions,
    muscles,
    muscle,
    find,
    exercises,
    exercise,
    figure,
    play,
    plan,
    check,
    drink,
    water,
):
    main.add_command(command)
