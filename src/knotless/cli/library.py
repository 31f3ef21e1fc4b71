"""`knotless exercises|exercise`: the exercise library from the terminal. No database needed."""

from __future__ import annotations

import json

import click

from knotless.library.exercises import KINDS, POSITIONS


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--muscle", help="Only exercises for this atlas muscle (slug).")
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--position", type=click.Choice(POSITIONS))
@click.option("--desk", is_flag=True, help="Only short seated ones for the desk.")
def exercises(
    as_json: bool, muscle: str | None, kind: str | None, position: str | None, desk: bool
) -> None:
    """List the exercise library, optionally filtered."""
    from knotless.atlas.muscles import get_muscle
    from knotless.lib.sequence import item_seconds
    from knotless.library.exercises import load_exercises

    if muscle:
        try:
            get_muscle(muscle)
        except KeyError as exc:
            raise click.BadParameter(str(exc.args[0]), param_hint="--muscle") from None
    chosen = [
        e
        for e in load_exercises().values()
        if (not muscle or muscle in e.primary + e.secondary)
        and (not kind or e.kind == kind)
        and (not position or e.position == position)
        and (not desk or e.desk)
    ]
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "slug": e.slug,
                        "name": e.name,
                        "kind": e.kind,
                        "primary": list(e.primary),
                        "position": e.position,
                        "equipment": list(e.equipment),
                        "seconds": item_seconds(e.dose),
                    }
                    for e in chosen
                ],
                indent=2,
            )
        )
        return
    if not chosen:
        click.echo("No exercise matches.")
        return
    from knotless.cli.tables import print_table

    rows = []
    for e in chosen:
        seconds = item_seconds(e.dose)
        rows.append(
            [
                e.slug,
                e.name,
                e.kind,
                e.position,
                ", ".join(e.equipment),
                f"{seconds // 60}:{seconds % 60:02d}",
            ]
        )
    # The slug is what `knotless exercise` and `play` take: never cut.
    print_table(["Slug", "Name", "Kind", "Position", "Equipment", "Time"], rows)


@click.command()
@click.argument("slug")
def exercise(slug: str) -> None:
    """Show one exercise: dose, steps, what it should feel like, cautions."""
    import difflib

    from knotless.atlas.muscles import load_muscles
    from knotless.library.exercises import load_exercises

    library = load_exercises()
    if slug not in library:
        close = difflib.get_close_matches(slug, library, n=5, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else " See `knotless exercises`."
        raise click.BadParameter(f"unknown exercise {slug!r}.{hint}", param_hint="SLUG")
    e = library[slug]
    muscles = load_muscles()
    click.secho(e.name, bold=True)
    targets = [muscles[m].name for m in e.primary] + list(e.trains)
    click.echo(
        f"{e.kind.capitalize()} for {', '.join(targets)} · {e.position} · {', '.join(e.equipment)}"
    )
    click.echo(f"Dose: {e.dose.describe()}")
    click.echo()
    for number, step in enumerate(e.steps, start=1):
        click.echo(f"{number}. {step}")
    click.echo(f"\nShould feel like: {e.feel}")
    click.echo("Avoid: " + "; ".join(e.mistakes))
    click.echo("Take care: " + "; ".join(e.cautions))


@click.command()
@click.argument("slug")
@click.option(
    "--frame", type=int, help="Draw keyframe N (0 = start) as a still; without it, the animation."
)
def figure(slug: str, frame: int | None) -> None:
    """Print an exercise's figure as SVG: knotless figure chin-tuck > chin-tuck.svg"""
    from knotless.library.exercises import load_exercises
    from knotless.library.figure import render, render_animated
    from knotless.library.figures import load_figures

    figures = load_figures()
    if slug not in figures:
        raise click.BadParameter(
            f"no figure for {slug!r}. See `knotless exercises`.", param_hint="SLUG"
        )
    spec = figures[slug]
    name = load_exercises()[slug].name
    if frame is None:
        click.echo(render_animated(spec, title=name), nl=False)
        return
    if not 0 <= frame < len(spec.frames):
        raise click.BadParameter(
            f"{slug} has keyframes 0 to {len(spec.frames) - 1}.", param_hint="--frame"
        )
    click.echo(render(spec, frame, title=name), nl=False)
