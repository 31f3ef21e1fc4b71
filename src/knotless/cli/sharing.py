"""`knotless share`: links for a physio (SMART Health Links), from the terminal.

The same services as the Your shares page: ``create`` prints the link (and its QR code) once,
since knotless keeps only the encrypted copy; ``list`` shows each share and who opened it;
``revoke`` withdraws one; ``purge`` deletes what has ended (reads do it too).
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta
from typing import Any

import click

from knotless.cli.django_setup import pick_user, ready
from knotless.cli.knots import user_option

LIFETIMES = ["1h", "1d", "7d", "14d", "30d", "90d"]  # as sharing.services.LIFETIMES


def _site() -> str:
    host = os.environ.get("KNOTLESS_HOST", "127.0.0.1")
    port = os.environ.get("KNOTLESS_PORT", "8000")
    return f"http://{host}:{port}"


@click.group(name="share")
def share() -> None:
    """Share knots and dates with your physio through a link that expires."""


@share.command(name="create")
@click.option(
    "--knot",
    "knot_ids",
    type=click.IntRange(1, 2**63 - 1),
    multiple=True,
    help="A knot's number (`knotless knot list`); repeat for several. Default: the open ones.",
)
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: 5 weeks ago)."
)
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default: today).")
@click.option(
    "--for",
    "lifetime",
    type=click.Choice(LIFETIMES),
    default="7d",
    show_default=True,
    help="How long the link works.",
)
@click.option(
    "--passcode",
    default="",
    help="A passcode your physio must type (4 to 40 characters; tell it separately).",
)
@click.option(
    "--site",
    default=_site,
    show_default="http://KNOTLESS_HOST:KNOTLESS_PORT",
    help="The address your physio reaches knotless at, such as https://knots.example.",
)
@user_option
def create(
    knot_ids: tuple[int, ...],
    since: datetime | None,
    until: datetime | None,
    lifetime: str,
    passcode: str,
    site: str,
    username: str | None,
) -> None:
    """Make a link (and a QR code) to the chosen knots and dates."""
    if passcode and not 4 <= len(passcode) <= 40:
        raise click.UsageError("The passcode needs 4 to 40 characters.")
    if not site.startswith(("http://", "https://")) or len(site) > 80 or site.strip() != site:
        raise click.UsageError("--site must be an http:// or https:// address (80 characters).")
    ready()
    import segno

    from knotless.accounts.services import local_today
    from knotless.journal.models import Knot
    from knotless.sharing import services

    account = pick_user(username)
    knots = Knot.objects.filter(user=account)
    chosen = list(knots.filter(pk__in=knot_ids) if knot_ids else knots.filter(status="active"))
    if not chosen or (knot_ids and len(chosen) != len(set(knot_ids))):
        raise click.UsageError("Choose knots of this journal (see `knotless knot list`).")
    today = local_today(account)
    first: date = since.date() if since else today - timedelta(weeks=5)
    last: date = until.date() if until else today
    made = services.create(
        account,
        [k.pk for k in chosen],
        first,
        last,
        services.LIFETIMES[lifetime][1],
        passcode=passcode,
        absolute=lambda path: site.rstrip("/") + path,
    )
    segno.make(made.link, error="m").terminal(compact=True)
    click.echo(made.link)
    click.echo(
        f"Works until {made.share.expires_at:%Y-%m-%d %H:%M} UTC. Copy it now: knotless keeps "
        "only the encrypted copy and cannot show this link again."
    )


@share.command(name="list")
@user_option
def list_shares(username: str | None) -> None:
    """Your shares, and every time one was asked for."""
    ready()
    from knotless.sharing import services

    account = pick_user(username)
    found = services.shares_of(account)
    if not found:
        click.echo("No shares yet. Make one with `knotless share create`.")
        return
    for s in found:
        click.echo(
            f"{s.pk[:8]}  {s.state():8}  until {s.expires_at:%Y-%m-%d %H:%M}  "
            f"{', '.join(s.knots)}  ({s.since} to {s.until})"
        )
        for a in s.accesses.all():
            click.echo(
                f"    {a.at:%Y-%m-%d %H:%M}  {a.get_outcome_display()}  {a.recipient}  {a.address}"
            )


# An id may begin with "-" (base64url): taken as the id, not as an unknown option.
@share.command(name="revoke", context_settings={"ignore_unknown_options": True})
@click.argument("share_id")
@user_option
def revoke(share_id: str, username: str | None) -> None:
    """Withdraw a share: give the start of its id from `knotless share list`."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{4,43}", share_id):
        raise click.UsageError("Give at least the first 4 characters of the share's id.")
    ready()
    from knotless.sharing import services
    from knotless.sharing.models import Share

    account = pick_user(username)
    matches: list[Any] = list(Share.objects.filter(user=account, pk__startswith=share_id)[:2])
    if len(matches) != 1:
        raise click.UsageError(
            "No share of yours starts like that." if not matches else "Give more of the id."
        )
    services.revoke(matches[0])
    click.echo(f"Withdrawn: {matches[0].label}. The link opens nothing any more.")


@share.command(name="purge")
def purge() -> None:
    """Delete the content of ended shares, and shares ended over 30 days ago."""
    ready()
    from knotless.sharing import services

    emptied, deleted = services.purge()
    click.echo(f"Emptied {emptied} ended share(s); deleted {deleted} older one(s).")
