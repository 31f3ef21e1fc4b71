"""`knotless summary`: the last week per knot, what was done, a pattern, experiment results."""

from __future__ import annotations

import json

import click

from knotless.cli.django_setup import pick_user, ready
from knotless.cli.knots import user_option


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@user_option
def summary(as_json: bool, username: str | None) -> None:
    """The last seven days against the seven before, and what helped."""
    ready()
    from knotless.insights.weekly import DONE_WORDS, week_summary

    account = pick_user(username)
    week = week_summary(account)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "start": week.start.isoformat(),
                    "end": week.end.isoformat(),
                    "knots": [
                        {
                            "id": k.knot.pk,
                            "label": k.knot.label,
                            "this_week": k.this_week,
                            "last_week": k.last_week,
                            "change": k.change,
                            "rated_days": k.rated_days,
                            "reminder": k.stalled or None,
                        }
                        for k in week.knots
                    ],
                    "done": week.done,
                    "pattern": week.pattern or None,
                    "experiment_results": week.results,
                },
                indent=2,
            )
        )
        return
    click.echo(f"Week of {week.start:%a %d %b} to {week.end:%a %d %b}")
    if not week.knots:
        click.echo("No active knots.")
    for k in week.knots:
        now = "not rated" if k.this_week is None else f"{k.this_week}/10 over {k.rated_days} days"
        change = "" if k.change is None else f" ({k.change:+g} on the week before)"
        click.echo(f"  {k.knot.label}: {now}{change}")
        if k.stalled:
            click.secho(f"    {k.stalled}", fg="yellow")
    done = [f"{n} {DONE_WORDS[key]}" for key, n in week.done.items() if n]
    click.echo("Done: " + ("; ".join(done) if done else "nothing logged") + ".")
    if week.pattern:
        click.echo(week.pattern)
    for line in week.results:
        click.echo(line)
