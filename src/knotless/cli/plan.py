"""`knotless plan`: today's routine with the reason for each exercise."""

from __future__ import annotations

import json

import click

from knotless.cli.check import remind_unanswered, unanswered_knots
from knotless.cli.django_setup import pick_user, ready
from knotless.cli.knots import user_option


@click.command()
@click.option(
    "--minutes", type=click.IntRange(1, 90), help="Time you have (default: your setting)."
)
@click.option("--place", type=click.Choice(["desk", "floor", "gym"]), help="Where you are.")
@click.option(
    "--variant",
    type=click.Choice(["main", "morning", "desk"]),
    default="main",
    show_default=True,
    help="The daily routine, the morning mobility routine or a desk break.",
)
@click.option("--new", "rebuild", is_flag=True, help="Build it afresh, dropping today's edits.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@user_option
def plan(
    minutes: int | None,
    place: str | None,
    variant: str,
    rebuild: bool,
    as_json: bool,
    username: str | None,
) -> None:
    """Today's plan for your active knots, your time and your equipment."""
    ready()
    from django.core.exceptions import ValidationError

    from knotless.practice import planning

    account = pick_user(username)
    try:
        dayplan = planning.todays_plan(
            account, variant, minutes=minutes, place=place, rebuild=rebuild
        )
    except ValidationError as exc:
        raise click.UsageError(exc.messages[0]) from None
    items = planning.planned(dayplan)
    total = sum(p.seconds for p in items)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "day": dayplan.day.isoformat(),
                    "variant": dayplan.variant,
                    "minutes": dayplan.minutes,
                    "place": dayplan.place,
                    "seconds": total,
                    "items": [
                        {
                            "slug": p.exercise.slug,
                            "name": p.exercise.name,
                            "kind": p.exercise.kind,
                            "dose": p.exercise.dose.describe(),
                            "seconds": p.seconds,
                            "reason": p.reason,
                            "play": p.token,
                        }
                        for p in items
                    ],
                    "left_out": [{"knot": label, "why": why} for label, why in dayplan.left_out],
                    "check": [
                        {"knot": k.pk, "command": f"knotless check --knot {k.pk}"}
                        for k in unanswered_knots(account)
                    ],
                },
                indent=2,
            )
        )
        return
    click.secho(
        f"{dayplan.get_variant_display()} · {dayplan.day:%a %-d %b} · {dayplan.place} · "
        f"about {total // 60}:{total % 60:02d} of {dayplan.minutes} min",
        bold=True,
    )
    if not items:
        click.echo(
            "Nothing fits this time, place and equipment. Try more minutes or --place floor."
        )
    for number, p in enumerate(items, start=1):
        click.echo(
            f"{number}. {p.exercise.name} ({p.exercise.kind}) — {p.exercise.dose.describe()}"
        )
        click.echo(f"   why: {p.reason}")
    for label, why in dayplan.left_out:
        click.echo(f"Not in this plan: {label}: {why}.")
    remind_unanswered(account)
    if items:
        click.echo("\nPlay it: knotless play --today")
