"""`knotless drink` and `knotless water`: log a drink, see today's water. No server needed."""

from __future__ import annotations

import json

import click

from knotless.cli.django_setup import pick_user, ready
from knotless.cli.knots import user_option

KINDS = ("water", "tea", "coffee", "other")


@click.command()
@click.argument("amount", required=False)
@click.option("--kind", type=click.Choice(KINDS), default="water", show_default=True)
@click.option("--undo", is_flag=True, help="Remove the last drink instead (from the last day).")
@user_option
def drink(amount: str | None, kind: str, undo: bool, username: str | None) -> None:
    """Log a drink: knotless drink 250 / 250ml / 0.5l / 12oz (a bare number is in your units)."""
    if bool(amount) == undo:
        raise click.UsageError("Give an amount, e.g. `knotless drink 250`, or --undo.")
    ready()
    from django.core.exceptions import ValidationError

    from knotless.hydration import services
    from knotless.lib import hydration

    account = pick_user(username)
    units = services.units_of(account)
    if undo:
        try:
            gone = services.undo(account)
        except ValidationError as exc:
            raise click.UsageError(exc.messages[0]) from None
        click.echo(f"Removed {hydration.show(gone.ml, units)} of {gone.kind}.")
        return
    assert amount is not None
    text = amount
    if units == "imperial" and amount.strip().replace(".", "").isdigit():
        text += "oz"
    try:
        ml = hydration.parse_amount(text)
        services.log_drink(account, ml, kind=kind)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="AMOUNT") from None
    today = services.today(account)
    click.echo(
        f"Logged {hydration.show(ml, units)} of {kind}. Today: "
        f"{hydration.show(today.intake, units)} of {hydration.show(today.target.ml, units)}."
    )
    if today.warning:
        click.secho(today.warning.text, fg="red" if today.warning.level == "firm" else "yellow")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@user_option
def water(as_json: bool, username: str | None) -> None:
    """Today's water: target and how it was reached, intake, pace, drinks."""
    ready()
    from knotless.hydration import services
    from knotless.lib import hydration

    account = pick_user(username)
    units = services.units_of(account)
    today = services.today(account)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "day": today.day.isoformat(),
                    "target_ml": today.target.ml,
                    "intake_ml": today.intake,
                    "pace_ml": today.pace,
                    "overridden": today.target.overridden,
                    "parts": [
                        {"label": p.label, "ml": p.ml, "source": p.source}
                        for p in today.target.parts
                    ],
                    "drinks": [
                        {"moment": d.moment.isoformat(), "ml": d.ml, "kind": d.kind}
                        for d in today.drinks
                    ],
                    "warning": today.warning.text if today.warning else None,
                },
                indent=2,
            )
        )
        return

    def show(ml: int) -> str:
        return hydration.show(ml, units)

    click.secho(
        f"Water {today.day:%a %-d %b}: {show(today.intake)} of {show(today.target.ml)}", bold=True
    )
    if today.behind:
        click.echo(
            f"By now you'd typically be at {show(today.pace)}: {show(today.behind)} to catch up."
        )
    else:
        click.echo(f"On pace (by now you'd typically be at {show(today.pace)}).")
    click.echo("How the target was reached:")
    for part in today.target.parts:
        click.echo(f"  {show(part.ml):>8}  {part.label} ({part.source})")
    if today.target.overridden:
        click.echo(f"  Your own target: {show(today.target.ml)}")
    if today.warning:
        click.secho(today.warning.text, fg="red" if today.warning.level == "firm" else "yellow")
