"""Next time for each lift: pain-aware double progression (``lib/progression``) with the knots,
the safety answers and recent flares taken into account, and the first-time checklist."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from knotless.journal.models import Knot
from knotless.lib import progression
from knotless.lib.planner.model import REP_RANGE_WIDTH
from knotless.safety.policy import Gates
from knotless.training import insights, programmes, services
from knotless.training.models import Entry, TrainingSettings, WorkSet
from knotless.training.services import Lift, entry_lift

OUTINGS_READ = 2  # progression judges the last outing, and the one before for a second miss
RECENT_LIFTS = 12
RECENT_ENTRIES = 60  # the lifts of the last dozen or so sessions
OWN_RANGE = (8, 12)  # ACSM's novice range, for the person's own exercises


@dataclass(frozen=True, slots=True)
class NextTime:
    lift: Lift
    last_day: date
    last_sets: str
    action: str  # progression's action, or "none" when no suggestion may be made
    advice: str  # the dose to aim for, in words ("3 x 8-12 at 21 kg")
    reason: str
    target: progression.Target | None = None  # the numbers of the advice, when there is one
    unit: str = "kg"  # the unit of the target's load: the person's own

    @property
    def sets_text(self) -> str:
        """The advice as sets to log (``3x8@21kg``), for a prefilled form."""
        if self.target is None:
            return ""
        load = f"@{self.target.load_kg.normalize():f}{self.unit}" if self.target.load_kg else ""
        return f"{self.target.sets}x{self.target.reps_low}{load}"


def _target(
    lift: Lift, outing: progression.Outing, sets: int, planned: programmes.Item | None = None
) -> progression.Target:
    if planned is not None:
        return progression.Target(planned.sets, planned.reps_low, planned.reps_high, outing.load_kg)
    if lift.exercise is not None and lift.exercise.dose.reps:
        high = lift.exercise.dose.reps
        low = max(1, high - REP_RANGE_WIDTH)
        sets = lift.exercise.dose.sets
    else:
        typical = max(outing.reps, default=OWN_RANGE[1])
        low, high = OWN_RANGE if typical > 6 else (3, 6)
    return progression.Target(max(1, min(sets, 10)), low, high, outing.load_kg)


def _outings(
    entries: list[Entry], sets: dict[int, list[WorkSet]], unit: str = "kg"
) -> list[progression.Outing]:
    """The outings progression judges, with loads in the person's unit (progression's steps
    and words are then in that unit too)."""
    out = []
    for entry in entries:
        work = [s for s in sets.get(entry.pk, []) if not s.warmup]
        loads = [services.in_unit(s.load_kg, unit) for s in work if s.load_kg is not None]
        rirs = [s.rir for s in work if s.rir is not None]
        rirs += [int(10 - s.rpe) for s in work if s.rpe is not None]
        morning = entry.next_morning or None
        out.append(
            progression.Outing(
                day=entry.workout.day,
                reps=tuple(s.reps for s in work),
                load_kg=max(loads) if loads else None,
                rir=min(rirs) if rirs else None,
                pain_during=entry.pain_during,
                familiar_knot=entry.familiar_knot,
                next_morning=morning,  # type: ignore[arg-type]
            )
        )
    out.sort(key=lambda o: o.day)
    return out


def _dose_words(target: progression.Target, unit: str = "kg") -> str:
    reps = (
        f"{target.reps_low}-{target.reps_high}"
        if target.reps_low != target.reps_high
        else str(target.reps_high)
    )
    at = f" at {target.load_kg.normalize():f} {unit}" if target.load_kg is not None else ""
    return f"{target.sets} × {reps}{at}"


def recent_lifts(
    user: Any,
    *,
    gates: Gates | None = None,
    limit: int = RECENT_LIFTS,
    knots: list[Knot] | None = None,
    flares: list[insights.Flare] | None = None,
    marks: TrainingSettings | None = None,
    followed: tuple[Any, programmes.Template] | Literal[False] | None = False,
) -> list[NextTime]:
    """The person's recently logged lifts, newest first, each with what to do next time.
    ``knots`` (the active ones), ``flares`` (:func:`insights.flares` of those knots),
    ``marks`` (the training settings) and ``followed`` (:func:`programmes.active`), when the
    page has them already, are used rather than read again."""
    latest = list(
        Entry.objects.filter(workout__user=user)
        .select_related("workout", "own")
        .order_by("-workout__started_at", "-position")[:RECENT_ENTRIES]
    )
    by_lift: dict[str, list[Entry]] = defaultdict(list)
    order: list[str] = []
    for entry in latest:
        key = f"own:{entry.own_id}" if entry.own_id else f"lib:{entry.slug}"
        if key not in by_lift:
            if len(order) >= limit:
                continue
            order.append(key)
        if len(by_lift[key]) < OUTINGS_READ:
            by_lift[key].append(entry)
    if not order:
        return []
    ids = [e.pk for group in by_lift.values() for e in group]
    sets: dict[int, list[WorkSet]] = defaultdict(list)
    for work in WorkSet.objects.filter(entry_id__in=ids).order_by("entry_id", "order"):
        sets[work.entry_id].append(work)
    around = _Around.read(user, gates, knots, flares, marks, followed)
    return [_next_time(by_lift[key], sets, around) for key in order]


def next_time(user: Any, lift: Lift, gates: Gates | None = None) -> NextTime | None:
    entries = services.of_lift(
        Entry.objects.filter(workout__user=user).select_related("workout", "own"), lift
    )
    found = list(entries.order_by("-workout__started_at", "-position")[:OUTINGS_READ])
    if not found:
        return None
    sets: dict[int, list[WorkSet]] = defaultdict(list)
    for work in WorkSet.objects.filter(entry__in=found).order_by("entry_id", "order"):
        sets[work.entry_id].append(work)
    return _next_time(found, sets, _Around.read(user, gates))


@dataclass(frozen=True, slots=True)
class _Around:
    """What every lift's advice is weighed against, read once per page."""

    gates: Gates
    knots: list[Knot]
    flares: list[insights.Flare]
    planned: dict[str, programmes.Item]  # the programme's targets, by exercise
    unit: str
    rules: progression.Rules

    @classmethod
    def read(
        cls,
        user: Any,
        gates: Gates | None,
        knots: list[Knot] | None = None,
        flares: list[insights.Flare] | None = None,
        marks: TrainingSettings | None = None,
        followed: tuple[Any, programmes.Template] | Literal[False] | None = False,
    ) -> _Around:
        if knots is None:
            knots = list(Knot.objects.filter(user=user, status=Knot.Status.ACTIVE))
            flares = None  # flares go with the knots they were read for
        if followed is False:
            followed = programmes.active(user)
        planned = {i.slug: i for i in followed[1].items} if followed else {}
        marks = marks or services.settings_of(user)
        rules = progression.Rules(
            acceptable_pain=marks.acceptable_pain, increment_kg=marks.increment
        )
        return cls(
            gates or Gates(user),
            knots,
            insights.flares(user, knots=knots) if flares is None else flares,
            planned,
            services.unit_of(user),
            rules,
        )


def _next_time(entries: list[Entry], sets: dict[int, list[WorkSet]], around: _Around) -> NextTime:
    newest = entries[0]
    lift = entry_lift(newest)
    outings = _outings(entries, sets, around.unit)
    last = outings[-1]
    target = _target(lift, last, len(last.reps), around.planned.get(lift.slug))
    base = NextTime(lift, newest.workout.day, newest.sets_text, "none", "", "")
    gates = around.gates
    if lift.exercise is not None:
        verdict = gates.for_exercises([lift.exercise], around.knots)
        if not verdict.permits("strength"):
            return _replace(base, "none", "", f"No suggestion for now: {verdict.why}.")
        muscles = set(lift.exercise.primary) | set(lift.exercise.secondary)
        for flare in around.flares:
            if muscles & flare.muscles:
                return _replace(
                    base,
                    "hold",
                    _dose_words(target, around.unit),
                    f"Hold here: {flare.knot.label.lower()} rose from {flare.before} to "
                    f"{flare.after} after training near it. Go on once it settles.",
                )
    elif gates.emergency is not None:
        return _replace(base, "none", "", "No suggestion while an emergency answer stands.")
    small = lift.exercise is None or lift.exercise.size != "large"
    try:
        decision = progression.decide(target, outings, small=small, rules=around.rules)
    except ValueError as exc:
        return _replace(base, "none", "", str(exc))
    reason = decision.reason
    if around.unit != "kg":  # progression worked in the person's unit; its words say kg
        reason = reason.replace(" kg", f" {around.unit}")
    words = _dose_words(decision.next, around.unit)
    advice = _replace(base, decision.action, words, reason)
    return replace(advice, target=decision.next, unit=around.unit)


def _replace(base: NextTime, action: str, advice: str, reason: str) -> NextTime:
    return NextTime(base.lift, base.last_day, base.last_sets, action, advice, reason)


def needs_first_time(user: Any, lift: Lift) -> bool:
    """Show the first-time checklist: a library lift with one, never logged before."""
    technique = lift.exercise.technique if lift.exercise is not None else None
    if technique is None or not technique.first_time:
        return False
    return not Entry.objects.filter(workout__user=user, slug=lift.slug).exists()


def held_muscles(user: Any) -> frozenset[str]:
    """Muscles whose strength work holds because a knot flared after training them."""
    return frozenset(m for flare in insights.flares(user) for m in flare.muscles)


def kg_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"
