"""`knotless play SLUG...`: the guided player in the terminal.

It follows the same script as the web player (``practice.services.script``), shows a rich
progress bar with a countdown, rings the terminal bell at every change, and stores the session
with the knots' pain before and after and a verdict per exercise. Reps go at one's own pace:
Enter ends a set; past its guide time the player waits the step's grace, then moves on. Ctrl+C
stops early and still offers to save what was done (verdicts only for exercises reached).
"""

from __future__ import annotations

import select
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import click

from knotless.cli.django_setup import pick_user, ready
from knotless.cli.knots import user_option

# Swapped by tests for a fake clock.
clock = time.monotonic
sleep = time.sleep


def _enter_pressed(timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for Enter on the terminal; True when it came.

    Without a terminal (a pipe, a test) this only sleeps: nobody is there to press it."""
    stream = sys.stdin
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        sleep(timeout)
        return False
    if sys.platform == "win32":  # pragma: no cover - no select() on a Windows console
        import msvcrt

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if msvcrt.kbhit() and msvcrt.getwch() in "\r\n":
                return True
            time.sleep(0.05)
        return False
    ready, _, _ = select.select([stream], [], [], timeout)
    if ready:
        stream.readline()  # the line ends with the Enter just pressed
        return True
    return False


# Swapped by tests for a fake keyboard.
enter_pressed = _enter_pressed

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


@dataclass
class Played:
    seconds: int = 0
    stopped: bool = False
    reached: int = 0  # exercises, from the first, whose first hold or set was begun
    sets: dict[int, dict[str, int]] = field(default_factory=dict)  # item -> side -> sets done

    def sets_done(self, item: int) -> int:
        return max(self.sets.get(item, {}).values(), default=0)


def _run(steps: list[Any], total: int, bell: bool, console: Any) -> Played:
    """Play the steps; returns what was played."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    result = Played()
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
            if step.state == "get-ready" and step.why:
                progress.console.print(f"  [cyan]{step.why}[/]")
            if step.state in ("hold", "reps"):
                result.reached = max(result.reached, step.item + 1)
            reps = step.state == "reps"
            if reps:
                progress.console.print("  At your pace: press Enter when the set is done.")
            task = progress.add_task(label, total=step.seconds, left=f"{step.seconds:>3} s")
            begun = clock()
            spent = 0.0
            limit = step.seconds + (step.grace if reps else 0)
            waiting = False
            try:
                while spent < limit:
                    left = step.seconds - spent
                    detail = f"{int(left + 0.999):>3} s"
                    if reps and step.reps:
                        rep = min(step.reps, int(spent / step.seconds * step.reps) + 1)
                        detail = f"rep {rep}/{step.reps} · {detail}"
                        if left <= 0:
                            detail = f"Enter when done · on in {int(limit - spent + 0.999)} s"
                            if not waiting:
                                waiting = True
                                progress.console.print(
                                    "  Take your time: Enter when the set is done."
                                )
                    progress.update(task, completed=min(spent, step.seconds), left=detail)
                    progress.update(
                        overall,
                        completed=played + min(spent, step.seconds),
                        left=f"{number}/{len(steps)}",
                    )
                    if reps:
                        if enter_pressed(min(0.25, limit - spent)):
                            break  # the set is done, at the person's own pace
                    else:
                        sleep(min(0.25, left))
                    spent = clock() - begun
            except KeyboardInterrupt:
                played += min(spent, step.seconds)
                progress.update(task, completed=step.seconds, left="stopped")
                result.seconds, result.stopped = round(played), True
                return result
            if reps:
                # Ended with Enter or after its grace: the set counts in full.
                sides = result.sets.setdefault(step.item, {})
                sides[step.side] = sides.get(step.side, 0) + 1
            played += step.seconds
            progress.update(task, completed=step.seconds, left="  done")
            progress.remove_task(task)
        progress.update(overall, completed=total, left="done")
    if bell:
        _bell(console)
    result.seconds, result.reached = round(played), len({s.item for s in steps})
    return result


def _ask_count(question: str, default: int, top: int) -> int:
    while True:
        raw = click.prompt(question, default=str(default), show_default=True).strip()
        if raw.isascii() and raw.isdecimal() and int(raw) <= top:
            return int(raw)
        click.echo(f"Please type a whole number from 0 to {top}.")


def _obey_the_gate(account: Any, exercises: Sequence[Any]) -> None:
    """The one safety gate, as on the web: nothing is played while an emergency answer stands
    (exit 3); an exercise for a knot whose questions wait, or whose answers hold it back, is
    refused with the reason and what to do (exit 2)."""
    from knotless.journal.models import Knot
    from knotless.safety import policy

    gates = policy.Gates(account)
    if gates.emergency is not None:
        click.secho(
            "An emergency answer from the last 12 hours stands: get medical help now, and no "
            "exercise meanwhile. `knotless check` shows what to do again.",
            fg="red",
            bold=True,
            err=True,
        )
        raise SystemExit(3)
    knots = list(Knot.objects.filter(user=account, status=Knot.Status.ACTIVE).order_by("id"))
    held = gates.held(exercises, knots)
    if not held:
        return
    for exercise, verdict in held:
        click.echo(f"{exercise.name}: held back — {verdict.why}.", err=True)
    for knot in policy.targeted([e for e, _ in held], knots):
        if gates.for_knot(knot).state == policy.NEEDS_ANSWERS:
            click.echo(f"Answer them with: knotless check --knot {knot.pk}", err=True)
    raise SystemExit(2)


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
    _obey_the_gate(account, exercises)
    steps = services.script(exercises, services.active_knots(account))
    total = total_seconds(steps)
    console = Console()
    console.print(f"[bold]Routine[/] · about {total // 60}:{total % 60:02d} min")
    for number, e in enumerate(exercises, start=1):
        console.print(f"  {number}. {e.name} — {e.dose.describe()}")
    console.print(
        "Stop at once if anything turns sharp, electric, numb or tingly. "
        "Enter ends a set of reps; Ctrl+C stops."
    )
    knots = services.targeted_knots(account, exercises)
    before: dict[int, int | None] = {}
    if knots and not no_questions:
        console.print("\nHow do the knots this works on feel right now?")
        for knot in knots:
            before[knot.pk] = _ask_pain(f"  {knot.label}")
    else:
        before = {knot.pk: None for knot in knots}
    session = services.start(account, list(slugs), before=before, source=Session.Source.TERMINAL)
    run = _run(steps, total, not no_bell, console)
    played, stopped = run.seconds, run.stopped
    console.print("\n[bold]Stopped early.[/]" if stopped else "\n[bold]All done. Well done.[/]")
    after: dict[int, int | None] = {}
    verdicts: dict[int, str] = {}
    reps_items = {step.item for step in steps if step.state == "reps"}
    # What the player saw, saved even when the questions are left: the person may correct it.
    done: dict[int, tuple[int | None, int | None]] = {
        n: (run.sets_done(n), exercises[n].dose.reps) for n in reps_items if n < run.reached
    }
    try:
        if not no_questions:
            for knot in knots:
                after[knot.pk] = _ask_pain(f"How does {knot.label} feel now?")
            if run.reached < len(exercises):
                click.echo("Only the exercises you got to are asked about.")
            click.echo("What felt good?")
            for number, e in enumerate(exercises[: run.reached]):
                verdicts[number] = _ask_verdict(f"  {e.name}")
                if number in done:
                    sets, reps = done[number]
                    sets = _ask_count("    How many sets did you do?", sets or 0, 20)
                    each = " each side" if e.dose.per_side else ""
                    done[number] = (sets, _ask_count(f"    Reps in a set{each}?", reps or 0, 100))
    except (click.Abort, KeyboardInterrupt, EOFError):
        # Leaving the questions still saves what was played, with the answers given so far.
        click.echo("\nSaving without the remaining answers.")
    services.finish(
        account,
        session.pk,
        after=after,
        verdicts=verdicts,
        played_seconds=played,
        stopped=stopped,
        reached=run.reached,
        done=done,
    )
    click.echo(f"Saved session #{session.pk} ({played // 60}:{played % 60:02d} played).")
    for row in session.knots.select_related("knot"):
        if row.pain_before is not None and row.pain_after is not None:
            click.echo(f"  {row.knot.label}: {row.pain_before} → {row.pain_after}")
