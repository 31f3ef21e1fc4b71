"""`knotless knot …`: the journal from the terminal. Quick-log paths: no matplotlib, no server.

Every change goes through the journal services the web app uses, and times typed here are read
by the web form's own field, so both apply the same rules (the user's clock, DST gaps, no
future check-ins). Bad input ends with a clear message and exit status 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any, NoReturn

import click

from knotless.cli.django_setup import pick_user, ready

user_option = click.option(
    "--user",
    "username",
    envvar="KNOTLESS_USER",
    help="Whose journal (needed when there are several users; or set KNOTLESS_USER).",
)
PAIN = click.IntRange(0, 10)


def _fail_validation(exc: Any) -> NoReturn:
    raise click.UsageError(" ".join(exc.messages)) from None


def _interactive() -> bool:
    """Whether a person is at the keyboard to answer a question."""
    return sys.stdin.isatty()


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


def _check_region(region: str) -> None:
    from knotless.atlas.regions import close_matches, load_regions

    if region not in load_regions():
        hints = close_matches(region)
        hint = f" Did you mean: {', '.join(hints)}?" if hints else ""
        raise click.BadParameter(
            f"unknown region {region!r}.{hint} See `knotless regions` for the list.",
            param_hint="--region",
        )


@click.group()
def knot() -> None:
    """Log knots and check-ins from the terminal."""


@knot.command("add")
@click.option(
    "--region", required=True, help="Body-map region slug, e.g. medial-border-of-scapula."
)
@click.option("--side", required=True, type=click.Choice(["left", "right", "center"]))
@click.option("--pain", required=True, type=PAIN, help="0 (none) to 10 (worst).")
@click.option("--muscle", default="", help="Muscle slug, if you know it (e.g. upper-trapezius).")
@click.option("--note", default="", help="A short note.")
@user_option
def knot_add(
    region: str, side: str, pain: int, muscle: str, note: str, username: str | None
) -> None:
    """Add a knot with its first pain rating."""
    ready()
    from django.core.exceptions import ValidationError

    from knotless.journal.services import add_knot

    _check_region(region)
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
@click.option("--pain", required=True, type=PAIN, help="0 (none) to 10 (worst).")
@click.option("--note", default="", help="A short note.")
@click.option(
    "--at",
    "at",
    default="",
    metavar='"YYYY-MM-DD HH:MM"',
    help="When, on your own clock (your time zone in Settings); leave out for now.",
)
@user_option
def knot_checkin(knot_id: int, pain: int, note: str, at: str, username: str | None) -> None:
    """Rate knot KNOT_ID now, or at an earlier time with --at."""
    ready()
    from django.core.exceptions import ValidationError

    from knotless.journal.forms import CheckInForm
    from knotless.journal.services import check_in

    account = pick_user(username)
    target = _knot(account, knot_id)
    # The web form's own fields read the time, so a typed time means the same in both.
    form = CheckInForm({"pain": str(pain), "moment": at, "note": note})
    if not form.is_valid():
        problems = [
            f"--{'at' if field == 'moment' else field}: {' '.join(str(e) for e in errors)}"
            for field, errors in form.errors.items()
        ]
        raise click.UsageError(" ".join(problems))
    try:
        saved = check_in(
            target,
            pain=pain,
            note=form.cleaned_data["note"],
            moment=form.cleaned_data["moment"],
            tz_name=_tz(account),
        )
    except ValidationError as exc:
        _fail_validation(exc)
    when = "" if not at else f" at {_local(saved.moment, _tz(account))}"
    click.echo(f"Checked in knot #{knot_id} ({target.label}): {pain}/10{when}.")


def _local(moment: datetime, tz_name: str) -> str:
    from knotless.lib.days import zone

    return f"{moment.astimezone(zone(tz_name)):%Y-%m-%d %H:%M}"


@knot.command("untie")
@click.argument("knot_id", type=int)
@click.option(
    "--pain",
    type=PAIN,
    default=None,
    help="How much it hurts now, 0 to 10: the last rating. Asked for when left out.",
)
@click.option("--note", default="", help="A short note, such as what helped.")
@user_option
def knot_untie(knot_id: int, pain: int | None, note: str, username: str | None) -> None:
    """Mark knot KNOT_ID as untied, with a last rating (its history stays)."""
    ready()
    from django.core.exceptions import ValidationError

    from knotless.journal.services import untie

    account = pick_user(username)
    target = _knot(account, knot_id)
    if not target.is_active:
        raise click.UsageError(f"Knot #{knot_id} is already untied.")
    if pain is None:
        if not _interactive():
            raise click.UsageError(
                "Give a last rating with --pain N (0 = none, 10 = worst): it closes the "
                "knot's history, so it does not end on an older, higher number."
            )
        pain = click.prompt("How much does it hurt now, 0 (none) to 10 (worst)?", type=PAIN)
    try:
        untie(target, pain=pain, note=note, tz_name=_tz(account))
    except ValidationError as exc:
        _fail_validation(exc)
    click.echo(f"Knot #{knot_id} ({target.label}) is untied at {pain}/10. Well done.")


@knot.command("reopen")
@click.argument("knot_id", type=int)
@user_option
def knot_reopen(knot_id: int, username: str | None) -> None:
    """Reopen untied knot KNOT_ID: it is back."""
    ready()
    from knotless.journal.services import reopen

    account = pick_user(username)
    target = _knot(account, knot_id)
    if target.is_active:
        raise click.UsageError(f"Knot #{knot_id} is not untied; there is nothing to reopen.")
    reopen(target)
    click.echo(f"Reopened knot #{knot_id} ({target.label}). Check in when you can.")


@knot.command("edit")
@click.argument("knot_id", type=int)
@click.option("--region", default=None, help="Body-map region slug.")
@click.option("--side", default=None, type=click.Choice(["left", "right", "center"]))
@click.option("--muscle", default=None, help='Muscle slug; --muscle "" for not known.')
@click.option("--note", default=None, help='The note; --note "" clears it.')
@click.option(
    "--first-felt",
    "first_felt",
    default=None,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The day you first felt it.",
)
@user_option
def knot_edit(
    knot_id: int,
    region: str | None,
    side: str | None,
    muscle: str | None,
    note: str | None,
    first_felt: datetime | None,
    username: str | None,
) -> None:
    """Change where knot KNOT_ID is, its muscle, note or first day; the rest stays."""
    ready()
    from django.core.exceptions import ValidationError

    from knotless.journal.services import StaleEdit, edit_fields

    if all(v is None for v in (region, side, muscle, note, first_felt)):
        raise click.UsageError(
            "Nothing to change: give --region, --side, --muscle, --note or --first-felt."
        )
    if region is not None:
        _check_region(region)
    account = pick_user(username)
    target = _knot(account, knot_id)
    try:
        saved = edit_fields(
            target,
            _tz(account),
            region=region,
            side=side,
            muscle=muscle,
            note=note,
            first_felt=first_felt.date() if first_felt else None,
        )
    except ValidationError as exc:
        _fail_validation(exc)
    except StaleEdit:
        raise click.UsageError(
            f"Knot #{knot_id} changed while saving (another window?). Run the command again."
        ) from None
    muscle_text = f", muscle {saved.muscle}" if saved.muscle else ""
    click.echo(f"Saved knot #{knot_id}: {saved.label}{muscle_text}, first felt {saved.first_felt}.")


@knot.command("delete")
@click.argument("knot_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@user_option
def knot_delete(knot_id: int, yes: bool, username: str | None) -> None:
    """Delete knot KNOT_ID and all its check-ins for good (untie keeps the history)."""
    ready()
    from knotless.journal.services import delete_knot

    account = pick_user(username)
    target = _knot(account, knot_id)
    count = target.checkins.count()
    what = f"knot #{knot_id} ({target.label}) and its {count} check-in{'s' * (count != 1)}"
    if not yes:
        if not _interactive():
            raise click.UsageError(f"Deleting {what} cannot be undone: add --yes to confirm.")
        click.confirm(f"Delete {what} for good? There is no undo", abort=True)
    delete_knot(target)
    click.echo(f"Deleted {what}.")


@knot.command("checkins")
@click.argument("knot_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@user_option
def knot_checkins(knot_id: int, as_json: bool, username: str | None) -> None:
    """List knot KNOT_ID's check-ins with their ids, newest first."""
    ready()
    account = pick_user(username)
    target = _knot(account, knot_id)
    tz_name = _tz(account)
    rows = list(target.checkins.order_by("-moment", "-id"))
    if as_json:
        payload = [
            {"id": c.pk, "moment": c.moment.isoformat(), "pain": c.pain, "note": c.note}
            for c in rows
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    from knotless.cli.tables import print_table

    click.echo(
        f"Knot #{knot_id}: {target.label}. Delete a mistaken one with `knot delete-checkin ID`."
    )
    print_table(
        ["ID", "When", "Pain", "Note"],
        [[str(c.pk), _local(c.moment, tz_name), f"{c.pain}/10", c.note] for c in rows],
        keys=(0, 1),
    )


@knot.command("delete-checkin")
@click.argument("checkin_id", type=int)
@user_option
def knot_delete_checkin(checkin_id: int, username: str | None) -> None:
    """Delete the mistaken check-in CHECKIN_ID (see `knot checkins KNOT_ID` for ids)."""
    ready()
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from knotless.journal.services import checkin_for, delete_checkin

    account = pick_user(username)
    try:
        found = checkin_for(account, checkin_id)
    except Http404:
        raise click.UsageError(
            f"There is no check-in #{checkin_id} in this journal. "
            "See `knotless knot checkins KNOT_ID`."
        ) from None
    try:
        delete_checkin(found)
    except ValidationError as exc:
        _fail_validation(exc)
    click.echo(
        f"Deleted the {found.pain}/10 check-in of {_local(found.moment, _tz(account))} "
        f"from knot #{found.knot_id} ({found.knot.label})."
    )


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
                "change_7d": s.trend.change if s.knot.is_active else None,
                "first_felt": s.knot.first_felt.isoformat(),
                "untied_at": s.knot.untied_at.isoformat() if s.knot.untied_at else None,
            }
            for s in rows
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    if not rows:
        click.echo("No active knots." if active_only else "No knots yet.")
        return
    from knotless.cli.tables import print_table

    tz_name = _tz(account)
    table = []
    for s in rows:
        change = s.trend.change
        if s.knot.is_active:
            # The 7-day change only means something while the knot is followed.
            trend_text = "–" if change is None else f"{change:+d}"
            status = "active"
        else:
            trend_text = "–"
            untied = s.knot.untied_at
            status = f"untied {_local(untied, tz_name)[:10]}" if untied else "untied"
        table.append(
            [
                str(s.knot.pk),
                s.knot.label,
                s.knot.muscle or "–",
                "–" if s.trend.latest is None else f"{s.trend.latest}/10",
                trend_text,
                s.knot.first_felt.isoformat(),
                status,
            ]
        )
    # Ids and muscle slugs are typed back (`knot checkin 3`, `--muscle`): never cut.
    print_table(
        ["ID", "Knot", "Muscle", "Pain", "7 days", "Since", "Status"], table, keys=(0, 2, 5)
    )
