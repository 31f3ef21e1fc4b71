"""Patterns per knot, personal experiments, day tags and the weekly summary."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from knotless.accounts.services import local_today, user_zone
from knotless.desk.models import DeskEvent
from knotless.hydration.models import Drink
from knotless.insights import facts as factsmod
from knotless.insights.models import TAG_MAX, DayTag, Experiment, ExperimentDay, OwnTag
from knotless.journal.models import Knot, KnotTally
from knotless.lib import experiments as trial
from knotless.lib import patterns
from knotless.practice.models import SessionTally
from knotless.safety.policy import Gates
from knotless.training import services as training

PATTERNS_SHOWN = 3
CACHE_SECONDS = 6 * 3600
PHASES = (4, 8)  # phases in an experiment, fewest to most
PHASE_DAYS = (3, 7)


@dataclass(frozen=True, slots=True)
class KnotPatterns:
    knot: Knot | None  # None: all knots together
    findings: patterns.Findings
    shown: list[patterns.Effect]
    sentences: list[str]
    waiting: list[patterns.Effect]  # habits with too few days either way
    days: list[patterns.Day]  # the rows the patterns rest on, oldest first

    @property
    def label(self) -> str:
        return self.knot.label if self.knot is not None else "Your knots together"


def _knot_words(knot: Knot | None) -> str:
    return f"your {knot.label.lower()} knot" if knot is not None else "your knots"


def _version(user: Any, knots: list[Knot], today: date) -> str:
    """What the patterns rest on, in a few small reads, so a cached answer is never older than
    the data. Numbers the database keeps itself, whichever way a row was written: each knot's
    tally of check-ins; the person's session tally, whose version moves with every write to a
    session, its exercises or its ratings; the number of workouts and the sum of their
    revisions, which move with every write to a workout (a day corrected, too). And the count
    and newest id of the drinks, desk events and tags, which are only ever added or removed."""
    parts: list[Any] = [user.pk, today.isoformat(), *sorted(k.pk for k in knots)]
    parts += sorted(
        KnotTally.objects.filter(knot__in=knots).values_list("knot_id", "checkins", "last_id")
    )
    parts += list(SessionTally.objects.filter(user=user).values_list("sessions", "version"))
    parts += training.workout_tally(user)
    for found in (
        Drink.objects.filter(user=user),
        DeskEvent.objects.filter(user=user),
        DayTag.objects.filter(user=user),
    ):
        got = found.aggregate(n=Count("id"), top=Max("id"))
        parts += [got["n"], got["top"]]
    return hashlib.blake2s(repr(parts).encode(), digest_size=12).hexdigest()


def knot_patterns(user: Any, knots: list[Knot], today: date | None = None) -> list[KnotPatterns]:
    """For each knot (and all together when there are several), the patterns worth showing.
    Cached under the version of the data they rest on (see ``_version``)."""
    if not knots:
        return []
    today = today or local_today(user)
    key = f"patterns:1:{_version(user, knots, today)}"
    cached: list[KnotPatterns] | None = cache.get(key)
    if cached is not None:
        by_id = {k.pk: k for k in knots}
        return [replace(kp, knot=by_id.get(kp.knot.pk) if kp.knot else None) for kp in cached]
    found = _knot_patterns(user, knots, today)
    cache.set(key, found, CACHE_SECONDS)
    return found


def _knot_patterns(user: Any, knots: list[Knot], today: date) -> list[KnotPatterns]:
    read = factsmod.read(user, knots, today=today)
    out = []
    targets: list[Knot | None] = list(knots)
    if len(knots) > 1:
        targets.append(None)
    for knot in targets:
        found = patterns.find_patterns(read.days_for(knot.pk if knot else None), read.keys)
        shown = patterns.top(found, PATTERNS_SHOWN)
        sentences = [
            patterns.sentence(
                e, factsmod.habit_words(e.habit), _knot_words(knot), found.trend_words
            )
            for e in shown
        ]
        waiting = [e for e in found.effects if not e.enough and e.lag == 0]
        rows = read.days_for(knot.pk if knot else None)
        out.append(KnotPatterns(knot, found, shown, sentences, waiting, rows))
    return out


# --- experiments -------------------------------------------------------------------------------


def start_experiment(
    user: Any, knot_id: int, habit: str, *, phases: int = 4, days_per_phase: int = 7
) -> Experiment:
    knot = Knot.objects.filter(user=user, pk=knot_id, status=Knot.Status.ACTIVE).first()
    if knot is None:
        raise Knot.DoesNotExist("No such active knot.")
    if habit not in factsmod.EXPERIMENTS:
        raise ValidationError("Pick one of the habits knotless can test.")
    if not PHASES[0] <= phases <= PHASES[1] or not PHASE_DAYS[0] <= days_per_phase <= PHASE_DAYS[1]:
        raise ValidationError("An experiment has 4 to 8 phases of 3 to 7 days.")
    try:
        with transaction.atomic():
            return Experiment.objects.create(
                user=user,
                knot=knot,
                habit=habit,
                started_on=local_today(user) + timedelta(days=1),  # a whole first day
                seed=secrets.randbelow(2**31),
                phases=phases,
                days_per_phase=days_per_phase,
            )
    except IntegrityError:
        raise ValidationError(
            "This knot already has an experiment running: finish or stop it first."
        ) from None


def schedule_of(experiment: Experiment) -> list[trial.Phase]:
    return trial.schedule(
        experiment.started_on,
        phases=experiment.phases,
        days_per_phase=experiment.days_per_phase,
        seed=experiment.seed,
    )


def last_day(experiment: Experiment) -> date:
    return schedule_of(experiment)[-1].end


def settle(experiment: Experiment, today: date) -> Experiment:
    """A running experiment whose last day has passed is finished."""
    if experiment.status == Experiment.Status.RUNNING and today > last_day(experiment):
        experiment.status = Experiment.Status.FINISHED
        experiment.ended_on = last_day(experiment)
        experiment.save(update_fields=["status", "ended_on"])
    return experiment


@dataclass(frozen=True, slots=True)
class Instruction:
    experiment: Experiment
    day: date
    arm: str  # "A" usual, "B" do it, "" not started yet
    text: str
    answered: bool | None  # followed, not followed, or not said yet
    day_number: int
    total_days: int


# Experiments whose "do it" days ask for an exercise on the knot (a release, a stretch).
EXERCISE_HABITS = frozenset({"release", "stretch"})


def instructions(
    user: Any, today: date | None = None, gates: Gates | None = None
) -> list[Instruction]:
    """Today's instruction for each running experiment; none while an emergency answer stands,
    and no exercise for a knot whose safety answers hold it back (Today, the plan page and the
    desk agent all read them from here). ``gates``, when the page holds them already, are used
    rather than asked again."""
    today = today or local_today(user)
    out: list[Instruction] = []
    running = Experiment.objects.filter(user=user, status=Experiment.Status.RUNNING).select_related(
        "knot"
    )
    gates = gates or Gates(user)
    if gates.emergency is not None:
        return out
    for experiment in running:
        settle(experiment, today)
        if experiment.status != Experiment.Status.RUNNING:
            continue
        habit = factsmod.EXPERIMENTS[experiment.habit]
        phases = schedule_of(experiment)
        arm = trial.arm_on(phases, today) or ""
        total = (phases[-1].end - phases[0].start).days + 1
        if not arm:
            text = "Starts tomorrow: the first instruction shows here then."
        else:
            text = habit.do if arm == "B" else habit.usual
        if arm == "B" and habit.key in EXERCISE_HABITS and experiment.knot is not None:
            # The same rule as every other surface: no exercise for a knot its safety answers
            # hold back (unanswered, or calling for a doctor first).
            verdict = gates.for_knot(experiment.knot)
            if not verdict.permits(habit.key):
                text = f"Not today: {verdict.why}. The experiment waits; do no {habit.key} for it."
        said = ExperimentDay.objects.filter(experiment=experiment, day=today).first()
        out.append(
            Instruction(
                experiment,
                today,
                arm,
                text,
                None if said is None else said.followed,
                (today - phases[0].start).days + 1,
                total,
            )
        )
    return out


def answer(user: Any, experiment_id: int, day: date, followed: bool) -> ExperimentDay:
    experiment = Experiment.objects.filter(user=user, pk=experiment_id).first()
    if experiment is None:
        raise Experiment.DoesNotExist("No such experiment.")
    phases = schedule_of(experiment)
    if trial.arm_on(phases, day) is None or day > local_today(user):
        raise ValidationError("That day is not part of the experiment.")
    row, _ = ExperimentDay.objects.update_or_create(
        experiment=experiment, day=day, defaults={"followed": followed}
    )
    return row


def stop_experiment(user: Any, experiment_id: int) -> Experiment:
    experiment = Experiment.objects.filter(
        user=user, pk=experiment_id, status=Experiment.Status.RUNNING
    ).first()
    if experiment is None:
        raise Experiment.DoesNotExist("No such running experiment.")
    experiment.status = Experiment.Status.STOPPED
    experiment.ended_on = local_today(user)
    experiment.save(update_fields=["status", "ended_on"])
    return experiment


@dataclass(frozen=True, slots=True)
class Result:
    experiment: Experiment
    effect: patterns.Effect
    adherence: float  # share of answered days that followed the instruction
    answered: int
    sentence: str
    next_step: str


def result(user: Any, experiment: Experiment) -> Result:
    """The experiment's answer from the same model as the patterns, by phase (intention to
    treat: a day counts in its phase whether or not it was followed)."""
    phases = schedule_of(experiment)
    end = min(phases[-1].end, experiment.ended_on or phases[-1].end, local_today(user))
    read = factsmod.read(user, [experiment.knot], today=end, days=(end - phases[0].start).days + 1)
    said = dict(ExperimentDay.objects.filter(experiment=experiment).values_list("day", "followed"))
    analysed = trial.analyse(read.days_for(experiment.knot_id), phases, said)
    effect = analysed.effect
    followed = sum(said.values())
    adherence = followed / len(said) if said else 0.0
    habit = factsmod.EXPERIMENTS[experiment.habit]
    sentence = experiment_sentence(effect, habit.words, _knot_words(experiment.knot))
    if not effect.enough:
        step = "Too few rated days to tell: run it again, rating the knot every day."
    elif effect.shown:
        step = "Worth keeping: make it a habit, and check the knot still eases."
    elif effect.mean > 0 and effect.low > 0:
        step = "It seemed to make the knot worse: drop it, and tell a professional if it stays."
    else:
        step = "No clear difference: keep it only if you like it, or test something else."
    return Result(experiment, effect, adherence, len(said), sentence, step)


# --- tags ---------------------------------------------------------------------------------------


def tags_offered(user: Any) -> list[str]:
    return list(factsmod.TAGS) + list(
        OwnTag.objects.filter(user=user).values_list("name", flat=True)
    )


def clean_tag(text: str) -> str:
    name = " ".join(text.split()).lower()
    if not name or len(name) > TAG_MAX:
        raise ValidationError(f"A tag has 1 to {TAG_MAX} characters.")
    return name


def add_own_tag(user: Any, text: str) -> str:
    name = clean_tag(text)
    OwnTag.objects.get_or_create(user=user, name=name)
    return name


def set_tags(user: Any, day: date, tags: list[str]) -> list[str]:
    """Tag a day with some of the offered tags (others are ignored)."""
    offered = set(tags_offered(user))
    chosen = sorted({t for t in tags if t in offered})
    for tag in chosen:
        DayTag.objects.get_or_create(user=user, day=day, tag=tag)
    return chosen


def tag_checkin(user: Any, checkin: Any, tags: list[str], post: Any) -> list[str]:
    """The tags sent with a check-in, on the check-in's local day; "another tag" adds one."""
    chosen = [t[:TAG_MAX] for t in tags[:20]]
    extra = str(post.get("new_tag", ""))[: TAG_MAX * 2].strip()
    if extra:
        # The rating counts; a tag that is too long is simply not added.
        with contextlib.suppress(ValidationError):
            chosen.append(add_own_tag(user, extra))
    if not chosen:
        return []
    day = timezone.localtime(checkin.moment, user_zone(user)).date()
    return set_tags(user, day, chosen)


def experiment_sentence(effect: patterns.Effect, words: str, knot_words: str) -> str:
    """The result in one sentence: the "do it" phases against the usual ones."""
    if not effect.enough:
        return f"Too few rated days to compare the phases for {knot_words}."
    if abs(effect.mean) < 0.05:
        return f"In the phases when you {words}, {knot_words} was about the same as usual."
    direction = "lower" if effect.mean < 0 else "higher"
    a, b = (-effect.high, -effect.low) if effect.mean < 0 else (effect.low, effect.high)
    if a >= 0:
        span = f"likely {a:.1f} to {b:.1f}"
    else:
        other = "higher" if effect.mean < 0 else "lower"
        span = f"somewhere between {-a:.1f} {other} and {b:.1f} {direction}"
    return (
        f"In the phases when you {words}, {knot_words} was about {abs(effect.mean):.1f} points "
        f"{direction} than in the usual ones ({span})."
    )


def chance(p: float) -> str:
    """A probability as a person reads it: never a flat 0 % or 100 %."""
    if p > 0.99:
        return "over 99 %"
    if p < 0.01:
        return "under 1 %"
    return f"{round(p * 100)} %"
