"""`knotless regions|muscles|muscle|find`: the atlas from the terminal. No database needed."""

from __future__ import annotations

import json
from typing import Any

import click

from knotless.atlas.regions import close_matches


def _print_table(
    columns: list[str], rows: list[list[str]], slug_lists: tuple[int, ...] = ()
) -> None:
    from knotless.cli.tables import print_table

    print_table(columns, rows, slug_lists=slug_lists)  # the first column is the slug to type


def _red_flags(marked: Any, muscles: list[Any]) -> list[Any]:
    """The emergency questions for the head, neck, chest or back areas an answer involves."""
    from knotless.safety.checklist import areas_for, flags_for

    zones = [z for m in muscles for z in m.essential]
    return [f for f in flags_for(areas_for([*marked, *zones])) if f.tier == "emergency"]


def _warn(flags: list[Any], *, err: bool = False) -> None:
    if not flags:
        return
    click.secho(
        "Before self-care: call emergency services now if any of these apply to you:",
        bold=True,
        err=err,
    )
    for flag in flags:
        click.secho(f"  ! {flag.question}", fg="red", err=err)
    click.echo(err=err)


def _unknown_region(slug: str) -> click.BadParameter:
    hints = close_matches(slug)
    hint = f" Did you mean: {', '.join(hints)}?" if hints else " See `knotless regions`."
    return click.BadParameter(f"unknown region {slug!r}.{hint}", param_hint="REGION")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def regions(as_json: bool) -> None:
    """List the body-map regions."""
    from knotless.atlas.bodymap import regions_in_view, views
    from knotless.atlas.regions import load_regions

    in_views = {view: regions_in_view(view) for view in views()}
    rows: list[dict[str, Any]] = [
        {
            "slug": r.slug,
            "name": r.name,
            "views": [v for v, slugs in in_views.items() if r.slug in slugs],
            "sided": r.sided,
            "aliases": list(r.aliases),
        }
        for r in load_regions().values()
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    _print_table(
        ["Slug", "Name", "Views", "Also called"],
        [[r["slug"], r["name"], ", ".join(r["views"]), ", ".join(r["aliases"])] for r in rows],
    )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def muscles(as_json: bool) -> None:
    """List the muscles of the atlas."""
    from knotless.atlas.muscles import GROUPS, load_muscles

    found = list(load_muscles().values())
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "slug": m.slug,
                        "name": m.name,
                        "anatomical": m.anatomical,
                        "group": m.group,
                        "essential": list(m.essential),
                        "spillover": list(m.spillover),
                        "self_care": m.self_care,
                        "treated_by": m.treated_by or None,
                    }
                    for m in found
                ],
                indent=2,
            )
        )
        return
    _print_table(
        ["Slug", "Name", "Area", "Usually refers to"],
        [[m.slug, m.name, GROUPS[m.group], ", ".join(m.essential)] for m in found],
        slug_lists=(3,),
    )


@click.command()
@click.argument("slug")
def muscle(slug: str) -> None:
    """Show one muscle: where it refers pain, how to find and release its knots."""
    from knotless.atlas.muscles import get_muscle
    from knotless.atlas.regions import load_regions

    try:
        m = get_muscle(slug)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="SLUG") from None
    names = load_regions()
    _warn(_red_flags([], [m]))
    same = m.anatomical.lower() == m.name.lower()
    click.secho(m.name if same else f"{m.name} ({m.anatomical})", bold=True)
    click.echo(f"Usually refers pain to: {', '.join(names[z].name for z in m.essential)}")
    if m.spillover:
        click.echo(f"Sometimes also: {', '.join(names[z].name for z in m.spillover)}")
    click.echo(f"\nWhere the knots sit: {m.trigger_points}")
    click.echo(f"How to find it: {m.find_it}")
    if m.self_care:
        click.echo(f"Self-release: {m.release}")
    else:
        click.echo(f"Not for self-treatment: {m.treated_by} treats it. {m.release}")
    if m.cautions:
        click.echo("Take care:")
        for caution in m.cautions:
            click.echo(f"  - {caution}")
    click.echo("What keeps it going:")
    for item in m.perpetuating:
        click.echo(f"  - {item}")
    click.secho(
        "\nThese are common patterns, not a diagnosis. Pain that is severe, sudden, follows an "
        "injury, or comes with numbness, weakness, fever or chest symptoms needs a professional.",
        dim=True,
    )


@click.command()
@click.argument("marks", nargs=-1, required=True, metavar="REGION[:INTENSITY]...")
@click.option(
    "--context",
    type=click.Choice(["desk", "lifting", "running"]),
    help="What you mostly do: nudges muscles that this commonly loads.",
)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def find(marks: tuple[str, ...], context: str | None, limit: int, as_json: bool) -> None:
    """Which muscles commonly send pain to the areas you name.

    Name body-map regions, each optionally with an intensity from 1 to 10, e.g.
    `knotless find temple:7 back-of-neck:4 --context desk`.
    """
    from knotless.atlas.muscles import load_muscles
    from knotless.atlas.regions import load_regions
    from knotless.lib import finder

    try:
        marked = finder.marks_from(marks)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="REGION[:INTENSITY]") from None
    known = load_regions()
    for slug in marked:
        if slug not in known:
            raise _unknown_region(slug)
    atlas = load_muscles()
    ranked = finder.find(marked, atlas.values(), context=context, limit=limit)
    flags = _red_flags(marked, [atlas[f.slug] for f in ranked])
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "slug": f.slug,
                        "name": atlas[f.slug].name,
                        "score": round(f.score, 4),
                        "explained": list(f.explained),
                        "unmarked_usual": list(f.unmarked_usual),
                    }
                    for f in ranked
                ],
                indent=2,
            )
        )
        _warn(flags, err=True)  # stdout stays plain JSON for scripts; people still see it
        return
    _warn(flags)
    if not ranked:
        click.echo("No muscle in the atlas commonly sends pain to those areas.")
        return
    _print_table(
        ["#", "Muscle", "Share", "Explains", "Its usual zones you did not mark"],
        [
            [
                str(i),
                f"{atlas[f.slug].name} ({f.slug})",
                f"{f.score:.0%}",
                ", ".join(known[r].name for r in f.explained),
                ", ".join(known[r].name for r in f.unmarked_usual) or "–",
            ]
            for i, f in enumerate(ranked, start=1)
        ],
        slug_lists=(1,),  # the muscle's slug, in brackets after its name
    )
    click.secho(
        "Commonly associated patterns, not a diagnosis. Sudden, severe or unusual pain, or pain "
        "with numbness, weakness, fever or chest symptoms, needs a professional first.",
        dim=True,
    )
