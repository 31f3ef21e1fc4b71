"""The ``knotless`` command. Each command group lives in its own small module.

Adding a command is one line in :data:`COMMANDS`: ``"name": "module:attribute"``, the module
under ``knotless.cli`` and the click command in it, which must carry that name. For example,
``"lift": "training:lift"`` runs ``knotless.cli.training.lift`` as ``knotless lift``.

The modules are imported only when their command runs (or when ``--help`` lists them all), so a
quick command such as ``knotless drink 250`` does not pay for every other command's imports
(issue 13). Keep it that way in the command modules too: import Django, the models and the
services inside the command function, after ``ready()``, never at the top of the module.
"""

from __future__ import annotations

import click

from knotless import __version__
from knotless.cli.lazy import LazyGroup

COMMANDS: dict[str, str] = {
    "serve": "serve:serve",
    "user": "users:user",
    "knot": "knots:knot",
    "desk": "desk:desk",
    "regions": "atlas:regions",
    "muscles": "atlas:muscles",
    "muscle": "atlas:muscle",
    "find": "atlas:find",
    "exercises": "library:exercises",
    "exercise": "library:exercise",
    "figure": "library:figure",
    "play": "player:play",
    "plan": "plan:plan",
    "check": "check:check",
    "drink": "water:drink",
    "water": "water:water",
    "lift": "training:lift",
    "session": "training:session",
    "training": "training:training",
    "summary": "summary:summary",
    "export": "portable:export_command",
    "import": "portable:import_command",
    "share": "sharing:share",
    "physio": "physio:physio",
}


# Guarded: every argument is checked first, and a bad setting, an unreachable database or an
# unusable data folder ends in a message, not a traceback.
@click.group(cls=LazyGroup, lazy=COMMANDS, invoke_without_command=True)
@click.version_option(__version__, prog_name="knotless")
@click.pass_context
def main(ctx: click.Context) -> None:
    """knotless: untie muscle knots and keep them gone.

    Run without a command to start the app in your browser (the same as `knotless serve`).
    """
    if ctx.invoked_subcommand is None:
        serve = main.get_command(ctx, "serve")
        assert serve is not None
        # A real sub-context, not ctx.invoke: only parsing reads KNOTLESS_HOST / KNOTLESS_PORT.
        with serve.make_context("serve", [], parent=ctx) as serve_ctx:
            serve.invoke(serve_ctx)
