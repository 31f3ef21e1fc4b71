"""`knotless knot …`: the journal from the terminal. Quick-log paths: no matplotlib, no server."""

from __future__ import annotations

import json
from typing import Any

import click

from knotless.cli.django_setup import pick_user, ready

user_option = click.option(
    "--user",
    "username",
    envvar="KNOTLESS_USER",
    help="Whose journal (needed when there are several users; or set KNOTLESS_USER).",
)


def _fail_validation(exc: Any) -> None:
    raise click.UsageError(" ".join(exc.messages)) from None


def _knot(account: Any, knot_id: int) -> Any:
    from knotless.journal.models import Knot

    found = Knot.objects.filter(pk=knot_id, user=account).first()
    if found is None:
        raise click.UsageError(
            f"There is no knot #{knot_id} in this journal. See `knotless knot list`."
        )
    return found


def _tz(account: Any) -> str:
    from knotless.accounts.services import profile_for

    return profile_for(account).time_zone


@click.group()
def knot() -> None:
    """Log knots and check-ins from the terminal."""


@knot.command("add")
@click.option(
    "--region", required=True, help="Body-map region slug, e.g. medial-border-of-scapula."
)
@click.option("--side", required=True, type=click.Choice(["left", "right", "center"]))
@click.option("--pain", required=True, type=click.IntRange(0, 10), help="0 (none) to 10 (worst).")
@click.option("--muscle", default="", help="Muscle slug, if you know it (e.g. upper-trapezius).")
@click.option("--note", default="", help="A short note.")
@user_option
def knot_add(
    region: str, side: str, pain: int, muscle: str, note: str, username: str | None
) -> None:
    """Add a knot with its first pain rating."""
    ready()
    from django.core.exceptions import ValidationError

    from knotless.atlas.regions import close_matches, load_regions
    from knotless.journal.services import add_knot

    if region not in load_regions():
        hints = close_matches(region)
        hint = f" Did you mean: {', '.join(hints)}?" if hints else ""
        raise click.BadParameter(
            f"unknown region {region!r}.{hint} See the full list on the body map.",
            param_hint="--region",
        )
    account = pick_user(username)
    try:
        created = add_knot(
            account,
            region=region,
            side=side,
            pain=pain,
            muscle=muscle,
            note=note,
            tz_name=_tz(account),
        )
    except ValidationError as exc:
        _fail_validation(exc)
    click.echo(f"Added knot #{created.pk}: {created.label}, pain {pain}/10.")


@knot.command("checkin")
@click.argument("knot_id", type=int)
@click.option("--pain", required=True, type=click.IntRange(0, 10), help="0 (none) to 10 (worst).")
@click.option("--note", default="", help="A short note.")
@user_option
def knot_checkin(knot_id: int, pain: int, note: str, username: str | None) -> None:
    """Rate knot KNOT_ID now."""
    ready()
    from django.core.exceptions import ValidationError

    from knotless.journal.services import check_in

    account = pick_user(username)
    target = _knot(account, knot_id)
    try:
        check_in(target, pain=pain, note=note, tz_name=_tz(account))
    except ValidationError as exc:
        _fail_validation(exc)
    click.echo(f"Checked in knot #{knot_id} ({target.label}): {pain}/10.")


@knot.command("untie")
@click.argument("knot_id", type=int)
@user_option
def knot_untie(knot_id: int, username: str | None) -> None:
    """Mark knot KNOT_ID as untied (its history stays)."""
    ready()
    from knotless.journal.services import untie

    account = pick_user(username)
    target = untie(_knot(account, knot_id))
    click.echo(f"Knot #{knot_id} ({target.label}) is untied. Well done.")


@knot.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--active", "active_only", is_flag=True, help="Only knots that are not untied.")
@user_option
def knot_list(as_json: bool, active_only: bool, username: str | None) -> None:
    """List knots with their latest pain and 7-day change."""
    ready()
    from knotless.journal.models import Knot
    from knotless.journal.services import summaries

    account = pick_user(username)
    knots = Knot.objects.filter(user=account).order_by("id")
    if active_only:
        knots = knots.filter(status=Knot.Status.ACTIVE)
    rows = summaries(knots)
    if as_json:
        payload = [
            {
                "id": s.knot.pk,
                "region": s.knot.region,
                "side": s.knot.side,
                "muscle": s.knot.muscle or None,
                "status": s.knot.status,
                "latest_pain": s.trend.latest,
                "change_7d": s.trend.change,
                "first_felt": s.knot.first_felt.isoformat(),
            }
            for s in rows
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    if not rows:
        click.echo("No active knots." if active_only else "No knots yet.")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("#", "Knot", "Latest", "7 days", "Since", "Status")
    for s in rows:
        change = s.trend.change
        table.add_row(
            str(s.knot.pk),
            s.knot.label + (f" ({s.knot.muscle})" if s.knot.muscle else ""),
            "–" if s.trend.latest is None else f"{s.trend.latest}/10",
            "–" if change is None else f"{change:+d}",
            s.knot.first_felt.isoformat(),
            s.knot.status,
        )
    Console().print(table)
