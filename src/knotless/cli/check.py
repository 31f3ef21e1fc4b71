"""`knotless check`: the red-flag questions in the terminal.

A knot in a screened area (head, neck, chest, back, abdomen, pelvis, leg or foot) stays out of
every plan until these are answered. The answers are stored with the same
``safety.screening.record`` as the web page, so they count for the web app too, and
``safety.policy`` (the one gate) reads them the same way everywhere: an emergency stops
self-care and says what to do now; "today" or "soon" comes with the web's advice; "none" opens
self-care for ``VALID_FOR``.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import click

from knotless.cli.django_setup import pick_user, ready
from knotless.cli.knots import _knot, user_option
from knotless.safety.checklist import AREAS

EMERGENCY_EXIT = 3  # scripts (and carers' shortcuts) can tell "get help now" from a usage error
NONE_WORDS = {"0", "none", "no", "n", "-"}
TIER_WORDS = {
    "emergency": "Get medical help now if",
    "today": "See a doctor today if",
    "soon": "Book a doctor or physiotherapist soon if",
}


def _in_words(areas: Iterable[str]) -> str:
    names = [a for a in AREAS if a in set(areas)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _hours() -> int:
    from knotless.safety.screening import VALID_FOR

    return int(VALID_FOR.total_seconds() // 3600)


def _wrap(text: str, first: str, rest: str) -> str:
    width = min(100, shutil.get_terminal_size((80, 24)).columns)
    # Never split "self-care" or "light-headedness" across lines.
    return textwrap.fill(
        text, width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )


def knot_areas(knot: Any) -> frozenset[str]:
    from knotless.safety import policy

    return policy.knot_areas(knot)


def unanswered_knots(user: Any) -> list[Any]:
    """Active knots kept out of plans until their safety questions are answered."""
    from knotless.journal.models import Knot
    from knotless.safety import policy

    gates = policy.gates_for(user)
    knots = Knot.objects.filter(user=user, status=Knot.Status.ACTIVE).order_by("id")
    return [k for k in knots if gates.for_knot(k).state == policy.NEEDS_ANSWERS]


def remind_unanswered(user: Any) -> None:
    """One line per knot whose safety questions wait, with the command that answers them;
    `knotless plan` and `knotless play --today` print these under the plan."""
    for knot in unanswered_knots(user):
        click.echo(
            f"Knot #{knot.pk} ({knot.label}) waits for its safety questions: "
            f"knotless check --knot {knot.pk}"
        )


def _show(flags: Sequence[Any], areas: frozenset[str], with_ids: bool) -> None:
    click.echo(
        _wrap(
            f"Pain in the {_in_words(areas)} is nearly always harmless, but a few signs mean it "
            "needs a doctor rather than self-care. Which of these apply to you now?",
            "",
            "",
        )
    )
    tier = ""
    for number, flag in enumerate(flags, start=1):
        if flag.tier != tier:
            tier = flag.tier
            click.echo()
            click.secho(f"{TIER_WORDS[tier]}:", bold=True)
        label = flag.id if with_ids else str(number)
        first = f"  {label:>3}. "
        click.echo(_wrap(flag.question, first, " " * len(first)))


def _parse(raw: str, flags: Sequence[Any]) -> list[str] | None:
    """The flag ids a typed answer picks (numbers or ids), [] for none, None if unclear."""
    words = raw.replace(",", " ").split()
    if not words:
        return None
    if len(words) == 1 and words[0].lower() in NONE_WORDS:
        return []
    by_id = {f.id.lower(): f.id for f in flags}
    chosen: list[str] = []
    for word in words:
        if word.isdecimal() and 1 <= int(word) <= len(flags):
            picked = flags[int(word) - 1].id
        elif word.lower() in by_id:
            picked = by_id[word.lower()]
        else:
            return None
        if picked not in chosen:
            chosen.append(picked)
    return chosen


def _ask(flags: Sequence[Any], areas: frozenset[str]) -> list[str]:
    _show(flags, areas, with_ids=False)
    click.echo()
    while True:
        raw = click.prompt(
            "Type the numbers that apply (for example: 2 5), or 0 if none of these apply",
            default="",
            show_default=False,
        )
        chosen = _parse(raw, flags)
        if chosen is None:
            click.echo(f"Please type numbers from 1 to {len(flags)}, or 0 for none of these.")
            continue
        if chosen:
            click.echo("You ticked:")
            for flag in flags:
                if flag.id in chosen:
                    click.echo(_wrap(flag.question, "  - ", "    "))
        else:
            click.echo("You said none of these apply.")
        if click.confirm("Is that right?", default=True):
            return chosen


def _from_options(none: bool, yes: str, flags: Sequence[Any]) -> list[str]:
    if none and yes:
        raise click.UsageError("Use --none or --yes, not both.")
    if none:
        return []
    asked = {f.id.lower(): f.id for f in flags}
    chosen = []
    for word in yes.replace(" ", ",").split(","):
        if not word:
            continue
        if word.lower() not in asked:
            raise click.BadParameter(
                f"{word!r} is not one of these questions ({', '.join(f.id for f in flags)}). "
                "See them with --list.",
                param_hint="--yes",
            )
        chosen.append(asked[word.lower()])
    return chosen


def _emergency(number: str, ticked: Iterable[str], areas: Iterable[str]) -> None:
    from knotless.safety.checklist import load_flags

    click.secho("\nGet medical help now.", bold=True, fg="red")
    click.secho(
        f"Call {number} (your emergency number) or go to the nearest emergency department.",
        bold=True,
    )
    click.echo(
        _wrap(
            "What you ticked can point to something serious that should be checked at once. "
            "Do not wait for it to pass, and leave the area alone: no pressing, stretching or "
            "exercise in the meantime.",
            "",
            "",
        )
    )
    click.echo(
        _wrap("If you are on your own, call for help or tell someone near you first.", "- ", "  ")
    )
    click.echo(
        _wrap("With chest pain, sit down and rest while you wait, and do not drive.", "- ", "  ")
    )
    click.echo("Take this list of what you noticed with you, and say when it began:")
    chosen = set(ticked)
    for flag in load_flags():  # in the checklist's order, as the web lists them
        if flag.id in chosen:
            click.echo(_wrap(flag.question, "  * ", "    "))
    again = " ".join(a for a in AREAS if a in set(areas))
    click.echo(
        _wrap(
            f"knotless holds back its self-care suggestions for the next {_hours()} hours. "
            f"Ticked something by mistake? Answer again with: knotless check {again}",
            "\n",
            "",
        )
    )


def _rebuild_plans(user: Any, waiting: Sequence[Any]) -> list[tuple[str, bool]]:
    """Rebuild today's kept plans that the new answers make out of date: one that left out a
    knot which waited for answers and is now allowed, or one with exercises for a knot the
    answers now hold back. Otherwise `knotless plan` would show the kept plan unchanged. The
    web does the same after its questions (it returns to the plan with rebuild=1)."""
    from knotless.accounts.services import local_today
    from knotless.journal.models import Knot
    from knotless.practice import planning
    from knotless.practice.models import DayPlan
    from knotless.safety import policy

    gates = policy.gates_for(user)
    opened = {k.label for k in waiting if gates.for_knot(k).allowed}
    active = Knot.objects.filter(user=user, status=Knot.Status.ACTIVE)
    held = {k.pk for k in active if not gates.for_knot(k).allowed}
    rebuilt = []
    for dayplan in DayPlan.objects.filter(user=user, day=local_today(user)).order_by("id"):
        left_out = {label for label, _ in dayplan.left_out}
        aimed = {i for item in dayplan.items for i in item.get("knots", [])}
        if opened & left_out or held & aimed:
            planning.todays_plan(user, dayplan.variant, rebuild=True)
            rebuilt.append((dayplan.get_variant_display(), dayplan.edited))
    return rebuilt


@click.command()
@click.argument("areas", nargs=-1, type=click.Choice(AREAS, case_sensitive=False))
@click.option("--knot", "knot_id", type=int, help="Answer the questions for knot ID.")
@click.option("--none", "none_apply", is_flag=True, help="Answer that none of the questions apply.")
@click.option(
    "--yes",
    "yes_ids",
    default="",
    metavar="IDS",
    help="Tick these questions by id, without asking (e.g. --yes A1a,B2; ids from --list).",
)
@click.option("--list", "list_only", is_flag=True, help="Show the questions with their ids only.")
@user_option
def check(
    areas: tuple[str, ...],
    knot_id: int | None,
    none_apply: bool,
    yes_ids: str,
    list_only: bool,
    username: str | None,
) -> None:
    """Answer the safety questions for a knot (--knot ID) or for body AREAS.

    AREAS are head, neck, chest, back, abdomen, pelvis (the groin), leg (knee to ankle) and
    foot. With neither, it asks for every active knot still
    waiting for answers. Exits with 3 when an answer calls for medical help now.
    """
    if knot_id is not None and areas:
        raise click.UsageError("Give --knot ID or areas, not both.")
    ready()
    from knotless.accounts.services import profile_for
    from knotless.safety import policy, screening
    from knotless.safety.checklist import flags_for
    from knotless.safety.views import ADVICE

    account = pick_user(username)
    knot = None
    if knot_id is not None:
        knot = _knot(account, knot_id)
        asked = knot_areas(knot)
        if not asked:
            click.echo(
                f"Knot #{knot.pk} ({knot.label}) has no safety questions: they are asked "
                f"for the {_in_words(AREAS)}."
            )
            return
        click.secho(f"Safety questions for knot #{knot.pk}: {knot.label}", bold=True)
    elif areas:
        asked = frozenset(a.lower() for a in areas)
    else:
        standing = policy.gates_for(account).emergency
        if standing is not None and not list_only:
            click.echo("An answer you gave in the last hours still calls for help now.")
            _emergency(profile_for(account).emergency_number, standing.ticked, standing.area_set)
            click.get_current_context().exit(EMERGENCY_EXIT)
        knots = unanswered_knots(account)
        asked = frozenset(a for k in knots for a in knot_areas(k))
        if not asked:
            click.echo("Nothing needs answering: no active knot waits for safety questions.")
            return
        for k in knots:
            click.echo(f"Waiting for answers: knot #{k.pk} ({k.label})")
        if len(knots) == 1:
            knot = knots[0]  # kept with that knot's journal, as the web does
    flags = flags_for(asked)
    if list_only:
        _show(flags, asked, with_ids=True)
        return
    if none_apply or yes_ids:
        ticked = _from_options(none_apply, yes_ids, flags)
    elif not sys.stdin.isatty():
        raise click.UsageError(
            "There is no terminal to ask the questions in. Say --none if none of them apply, "
            "or tick questions by id with --yes (for example --yes A1a,B2); "
            "see them with --list."
        )
    else:
        ticked = _ask(flags, asked)
    waiting = unanswered_knots(account)  # before the answers: whose plans may change
    result = screening.record(account, asked, ticked, knot=knot)
    rebuilt = _rebuild_plans(account, waiting)
    if result.outcome == "emergency":
        _emergency(profile_for(account).emergency_number, result.ticked, asked)
        click.get_current_context().exit(EMERGENCY_EXIT)
    if result.outcome in ADVICE:
        click.echo(_wrap(ADVICE[result.outcome], "", ""))
    else:
        click.echo(
            "Thank you; self-care suggestions for these areas are open for the next "
            f"{_hours()} hours."
        )
    for variant, edited in rebuilt:
        dropped = " (your edits to it are replaced)" if edited else ""
        click.echo(f"Rebuilt today's plan “{variant}” with these answers{dropped}: knotless plan")
