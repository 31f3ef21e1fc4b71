"""`knotless lift`, `knotless session` and `knotless training`: log training from the terminal.

    knotless lift row 3x10@20kg --rir 2
    knotless lift "goblet squat" 3x8@16kg --pain 2 --knot
    knotless lift "barbell hip thrust" 5,5,4@100lb      (your own exercise, added the first time)
    knotless session run 40 --effort 6
    knotless training --json

Sets follow the training log's grammar: COUNTxREPS or REPS,REPS,..., then @LOAD in kg or lb,
`bw` for bodyweight or `band:COLOUR`, then `rir N` or `rpe N`; join groups with `+`
(`1x5@140kg rpe9 + 3x8@100kg`). No server needed.
"""

from __future__ import annotations

import json
from typing import Any

import click

from knotless.cli.django_setup import pick_user, ready
from knotless.cli.knots import user_option

SESSION_KINDS = (
    "run",
    "cycle",
    "swim",
    "walk",
    "football",
    "climbing",
    "team",
    "drive",
    "other",
)


def _usage(exc: Any) -> click.UsageError:
    messages = getattr(exc, "messages", None)
    return click.UsageError(messages[0] if messages else str(exc))


def _match(account: Any, words: str) -> str:
    """A short name such as `row` picks the one library or own lift whose name contains it."""
    from django.core.exceptions import ValidationError

    from knotless.library.exercises import load_exercises
    from knotless.training import services

    try:
        return services.find_lift(account, words).name
    except ValidationError:
        pass
    key = services.fold(words)
    names = [e.name for e in load_exercises().values() if e.kind == "strength"]
    names += [o.name for o in account.own_exercises.all()]
    found = [n for n in names if key and key in services.fold(n)]
    if len(found) > 1:
        # Of several, the one the person has logged before (`row` means their usual row).
        logged = {services.entry_lift(e).name for e in _logged(account)}
        mine = [n for n in found if n in logged]
        if len(mine) == 1:
            return mine[0]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        shown = ", ".join(sorted(found)[:6])
        raise click.UsageError(
            f"{words!r} could mean {shown}{' …' if len(found) > 6 else ''}: say which, in quotes."
        )
    return words  # a new exercise of the person's own


def _logged(account: Any) -> Any:
    from knotless.training.models import Entry

    return (
        Entry.objects.filter(workout__user=account)
        .select_related("own")
        .order_by("-workout__started_at")[:200]
    )


@click.command()
@click.argument("exercise")
@click.argument("sets", nargs=-1, required=True)
@click.option("--rir", type=click.IntRange(0, 10), help="Reps in reserve, for every set.")
@click.option("--rpe", type=click.FloatRange(1, 10), help="RPE 1-10, for every set.")
@click.option("--pain", type=click.IntRange(0, 10), help="Pain during the exercise, 0-10.")
@click.option("--knot/--not-knot", default=None, help="Was it your familiar knot?")
@user_option
def lift(
    exercise: str,
    sets: tuple[str, ...],
    rir: int | None,
    rpe: float | None,
    pain: int | None,
    knot: bool | None,
    username: str | None,
) -> None:
    """Log sets of an exercise: knotless lift row 3x10@20kg --rir 2."""
    text = " ".join(sets)
    if rir is not None and rpe is not None:
        raise click.UsageError("Give --rir or --rpe, not both.")
    if rir is not None:
        text += f" rir{rir}"
    if rpe is not None:
        text += f" rpe{rpe:g}"
    ready()
    from django.core.exceptions import ValidationError

    from knotless.training import coaching, services
    from knotless.training.models import Workout

    account = pick_user(username)
    try:
        services.read_sets(text)  # the grammar's message before anything else
        name = _match(account, exercise)
        entry = services.log_lift(
            account, name, text, pain=pain, familiar=knot, source=Workout.Source.TERMINAL
        )
    except ValidationError as exc:
        raise _usage(exc) from None
    lift_ = services.entry_lift(entry)
    click.echo(f"Logged {lift_.name}: {entry.sets_text}.")
    if entry.knot is not None:
        click.echo(f"Tomorrow morning, Today asks how {entry.knot.label.lower()} feels.")
    advice = coaching.next_time(account, lift_)
    if advice is not None and advice.reason:
        click.echo(f"Next time: {advice.advice + '. ' if advice.advice else ''}{advice.reason}")


@click.command()
@click.argument("kind", type=click.Choice(SESSION_KINDS))
@click.argument("minutes", type=click.IntRange(1, 1440))
@click.option(
    "--effort",
    type=click.IntRange(0, 10),
    help="How hard it was as a whole, 0-10 (best asked about 30 minutes after).",
)
@click.option("--title", default="", help="A few words, such as 'Sunday league'.")
@user_option
def session(kind: str, minutes: int, effort: int | None, title: str, username: str | None) -> None:
    """Log any other session: knotless session run 40 --effort 6."""
    ready()
    from django.core.exceptions import ValidationError

    from knotless.training import services
    from knotless.training.models import Workout

    account = pick_user(username)
    try:
        workout = services.log_session(
            account, kind, minutes, effort=effort, title=title, source=Workout.Source.TERMINAL
        )
    except ValidationError as exc:
        raise _usage(exc) from None
    if workout.load is None:
        click.echo(
            f"Logged {workout.label.lower()}, {minutes} min. It counts in your load once "
            "rated: rate how hard it was (0-10) on the training page, about 30 minutes after."
        )
    else:
        click.echo(f"Logged {workout.label.lower()}, {minutes} min, load {workout.load}.")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--days", type=click.IntRange(1, 3650), default=14, show_default=True)
@user_option
def training(as_json: bool, days: int, username: str | None) -> None:
    """Recent training, the load and its jumps, and what to do next time per lift."""
    ready()
    from datetime import timedelta

    from knotless.accounts.services import local_today
    from knotless.journal.models import Knot
    from knotless.training import coaching, insights
    from knotless.training.models import Workout

    account = pick_user(username)
    today = local_today(account)
    workouts = list(
        Workout.objects.filter(user=account, day__gt=today - timedelta(days=days))
        .prefetch_related("entries__own")
        .order_by("-day", "-started_at")
    )
    summary = insights.load_summary(account, today)
    knots = list(Knot.objects.filter(user=account, status=Knot.Status.ACTIVE))
    flares = insights.flares(account, knots=knots)
    lifts = coaching.recent_lifts(account, knots=knots, flares=flares)  # the flares read once
    if as_json:
        click.echo(
            json.dumps(
                {
                    "workouts": [
                        {
                            "id": w.pk,
                            "uid": str(w.uid),
                            "day": w.day.isoformat(),
                            "kind": w.kind,
                            "title": w.title,
                            "minutes": w.minutes,
                            "effort": w.effort,
                            "load": w.load,
                            "entries": [
                                {
                                    "exercise": e.slug or (e.own.name if e.own else ""),
                                    "sets": e.sets_text,
                                    "pain": e.pain_during,
                                }
                                for e in w.entries.all()
                            ],
                        }
                        for w in workouts
                    ],
                    "load": {
                        "enough_history": summary.enough_history,
                        "acute": round(summary.acute, 1),
                        "chronic": round(summary.chronic, 1),
                        "ratio": None if summary.ratio is None else round(summary.ratio, 2),
                        "jump": summary.jump,
                        "reasons": list(summary.reasons),
                    },
                    "next": [
                        {
                            "lift": n.lift.name,
                            "action": n.action,
                            "advice": n.advice,
                            "why": n.reason,
                        }
                        for n in lifts
                    ],
                    "flares": [f.text for f in flares],
                },
                indent=2,
            )
        )
        return
    if not workouts:
        click.echo(f"No training in the last {days} days. Log some: knotless lift row 3x10@20kg")
    for w in workouts:
        rated = f"effort {w.effort}/10, load {w.load}" if w.load is not None else "not rated"
        minutes = f"{w.minutes} min" if w.minutes else "length not given"
        click.echo(f"{w.day:%a %d %b}  {w.label} · {minutes} · {rated}")
        for e in w.entries.all():
            name = e.own.name if e.own else e.slug
            click.echo(f"    {name}: {e.sets_text}")
    click.echo("")
    click.echo(summary.message or "Load: no unusually large jump.")
    for reason in summary.reasons:
        click.echo(f"  {reason}")
    for flare in flares:
        click.secho(flare.text, fg="yellow")
    if lifts:
        click.echo("\nNext time:")
        for n in lifts:
            click.echo(f"  {n.lift.name}: {n.advice or '–'}  {n.reason}")
