"""`knotless play SLUG...`: the guided player in the terminal.

It follows the same script as the web player (``practice.services.script``), shows a rich
progress bar with a countdown, rings the terminal bell at every change, and stores the session
with the knots' pain before and after and a verdict per exercise. Ctrl+C stops early and still
offers to save what was done.
"""

from __future__ import annotations

import time
from typing import Any

import click

from knotless.cli.django_setup import pick_user, ready
from knotless.cli.knots import user_option

# Swapped by tests for a fake clock.
clock = time.monotonic
sleep = time.sleep

STATE_LABELS = {
    "get-ready": "Get ready",
    "hold": "Hold",
    "reps": "Reps",
    "switch-side": "Switch sides",
    "rest": "Rest",
    "next": "Next up",
}
VERDICTS = {
    "h": "helped",
    "helped": "helped",
    "n": "neutral",
    "neutral": "neutral",
    "x": "hurt",
    "hurt": "hurt",
    "": "",
}


def _ask_pain(question: str) -> int | None:
    while True:
        raw = click.prompt(f"{question} (0-10, Enter to skip)", default="", show_default=False)
        raw = raw.strip()
        if not raw:
            return None
        if raw.isascii() and raw.isdecimal() and 0 <= int(raw) <= 10:
            return int(raw)
        click.echo("Please type a whole number from 0 (no pain) to 10 (worst imaginable).")


def _ask_verdict(name: str) -> str:
    while True:
        raw = click.prompt(
            f"{name}: [h]elped, [n]eutral, hurt [x]? (Enter to skip)",
            default="",
            show_default=False,
        )
        raw = raw.strip().lower()
        if raw in VERDICTS:
            return VERDICTS[raw]
        click.echo("Type h (helped), n (neutral) or x (hurt), or just press Enter.")


def _bell(console: Any) -> None:
    # Straight to the stream: rich drops control codes when it thinks the output is no terminal.
    console.file.write("\a")
    console.file.flush()


def _run(steps: list[Any], total: int, bell: bool, console: Any) -> tuple[int, bool]:
    """Play the steps; returns (seconds played, stopped early)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    played = 0.0
    columns = (
        TextColumn("{task.description}", style="bold"),
        BarColumn(),
        TextColumn("{task.fields[left]}", style="bold cyan"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        overall = progress.add_task("Routine", total=total, left="")
        for number, step in enumerate(steps, start=1):
            if bell:
                _bell(console)
            label = STATE_LABELS.get(step.state, step.state)
            progress.console.print(f"[bold]{label}[/] · {step.text}")
            task = progress.add_task(label, total=step.seconds, left=f"{step.seconds:>3} s")
            begun = clock()
            spent = 0.0
            try:
                while spent < step.seconds:
                    left = step.seconds - spent
                    detail = f"{int(left + 0.999):>3} s"
                    if step.state == "reps" and step.reps:
                        rep = min(step.reps, int(spent / step.seconds * step.reps) + 1)
                        detail = f"rep {rep}/{step.reps} · {detail}"
                    progress.update(task, completed=spent, left=detail)
                    progress.update(
                        overall, completed=played + spent, left=f"{number}/{len(steps)}"
                    )
                    sleep(min(0.25, left))
                    spent = clock() - begun
            except KeyboardInterrupt:
                played += min(spent, step.seconds)
                progress.update(task, completed=step.seconds, left="stopped")
                return round(played), True
            played += step.seconds
            progress.update(task, completed=step.seconds, left="  done")
            progress.remove_task(task)
        progress.update(overall, completed=total, left="done")
    if bell:
        _bell(console)
    return round(played), False


@click.command()
@click.argument("slugs", nargs=-1)
@click.option("--today", is_flag=True, help="Play today's plan (see `knotless plan`).")
@user_option
@click.option("--no-bell", is_flag=True, help="Do not ring the terminal bell at each change.")
@click.option("--no-questions", is_flag=True, help="Do not ask for pain or verdicts.")
def play(
    slugs: tuple[str, ...], today: bool, username: str | None, no_bell: bool, no_questions: bool
) -> None:
    """Play exercises in order with timed holds, reps, sides and rests, then save the session.

    Example: knotless play chin-tuck upper-trapezius-side-bend-stretch
    """
    if bool(slugs) == today:
        raise click.UsageError("Name exercises to play, or use --today for today's plan.")
    ready()
    from django.core.exceptions import ValidationError
    from rich.console import Console

    from knotless.lib.sequence import total_seconds
    from knotless.practice import planning, services
    from knotless.practice.models import Session

    account = pick_user(username)
    if today:
        from knotless.cli.check import remind_unanswered

        remind_unanswered(account)  # knots the plan leaves out until they are answered
        slugs = tuple(p.token for p in planning.planned(planning.todays_plan(account)))
        if not slugs:
            raise click.UsageError("Today's plan is empty; see `knotless plan`.")
    try:
        exercises = services.routine(list(slugs))
    except ValidationError as exc:
        raise click.BadParameter(exc.messages[0], param_hint="SLUGS") from None
    steps = services.script(exercises)
    total = total_seconds(steps)
    console = Console()
    console.print(f"[bold]Routine[/] · about {total // 60}:{total % 60:02d} min")
    for number, e in enumerate(exercises, start=1):
        console.print(f"  {number}. {e.name} — {e.dose.describe()}")
    console.print("Stop at once if anything turns sharp, electric, numb or tingly. Ctrl+C stops.")
    knots = services.targeted_knots(account, exercises)
    before: dict[int, int | None] = {}
    if knots and not no_questions:
        console.print("\nHow do the knots this works on feel right now?")
        for knot in knots:
            before[knot.pk] = _ask_pain(f"  {knot.label}")
    else:
        before = {knot.pk: None for knot in knots}
    session = services.start(account, list(slugs), before=before, source=Session.Source.TERMINAL)
    played, stopped = _run(steps, total, not no_bell, console)
    console.print("\n[bold]Stopped early.[/]" if stopped else "\n[bold]All done. Well done.[/]")
    after: dict[int, int | None] = {}
    verdicts: dict[int, str] = {}
    try:
        if not no_questions:
            for knot in knots:
                after[knot.pk] = _ask_pain(f"How does {knot.label} feel now?")
            click.echo("What felt good?")
            for number, e in enumerate(exercises):
                verdicts[number] = _ask_verdict(f"  {e.name}")
    except (click.Abort, KeyboardInterrupt, EOFError):
        # Leaving the questions still saves what was played, with the answers given so far.
        click.echo("\nSaving without the remaining answers.")
    services.finish(
        account, session.pk, after=after, verdicts=verdicts, played_seconds=played, stopped=stopped
    )
    click.echo(f"Saved session #{session.pk} ({played // 60}:{played % 60:02d} played).")
    for row in session.knots.select_related("knot"):
        if row.pain_before is not None and row.pain_after is not None:
            click.echo(f"  {row.knot.label}: {row.pain_before} → {row.pain_after}")
