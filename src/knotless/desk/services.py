"""The desk guard's server side: one break policy (``lib.breaks``) per user, fed by the web
page or the desk agent, with every work block and break stored, and the day's stats."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from knotless.accounts.freshness import touch
from knotless.accounts.services import user_zone
from knotless.desk.models import DeskEvent, DeskSettings, DeskState
from knotless.lib import breaks
from knotless.lib.days import day_bounds, local_date

ACTIONS = ("take", "skip", "postpone")


def settings_of(user: Any) -> DeskSettings:
    found, _ = DeskSettings.objects.get_or_create(user=user)
    return found


def policy_for(user: Any, s: DeskSettings | None = None) -> breaks.Policy:
    s = s or settings_of(user)
    return breaks.Policy(
        micro_after=s.micro_after_minutes * 60,
        micro_length=s.micro_seconds,
        movement_after=s.movement_after_minutes * 60,
        movement_length=s.movement_minutes * 60,
        work_start=s.work_start,
        work_end=s.work_end,
        work_days=tuple(s.work_days),
        tz=str(user_zone(user)),
        daily_limit=s.daily_limit_hours * 3600,
    )


@dataclass(frozen=True, slots=True)
class Status:
    offer: breaks.Offer | None
    can_postpone: bool
    micro_in: int  # seconds of activity until the next micro-break is due
    movement_in: int
    working: bool
    length: int  # seconds the offered break lasts
    daily_limit_hours: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "offer": self.offer.kind if self.offer else None,
            "postponed": self.offer.postponed if self.offer else 0,
            "can_postpone": self.can_postpone,
            "micro_in": self.micro_in,
            "movement_in": self.movement_in,
            "working": self.working,
            "length": self.length,
            "daily_limit_hours": self.daily_limit_hours,
            "break_url": reverse("desk_break"),
        }


def _status(policy: breaks.Policy, state: breaks.State, now: datetime) -> Status:
    return Status(
        offer=state.offer,
        can_postpone=breaks.can_postpone(policy, state),
        micro_in=max(0, round(policy.micro_after - state.micro_active)),
        movement_in=max(0, round(policy.movement_after - state.movement_active)),
        working=policy.working(now),
        length=policy.length(state.offer.kind) if state.offer else 0,
        daily_limit_hours=policy.daily_limit // 3600,
    )


def _store(user: Any, events: tuple[breaks.Event, ...]) -> None:
    DeskEvent.objects.bulk_create(
        DeskEvent(user=user, kind=e.kind, outcome=e.outcome, start=e.start, end=max(e.end, e.start))
        for e in events
    )
    touch(user.pk)


@transaction.atomic
def tick(
    user: Any, *, idle: float, busy: bool = False, source: str = "web", now: datetime | None = None
) -> Status:
    """One step of the policy for ``user`` with the idle time their device reports."""
    now = now or timezone.now()
    policy = policy_for(user)
    row, _ = DeskState.objects.select_for_update().get_or_create(user=user)
    state = breaks.State.from_json(row.state) if row.state else breaks.State()
    state = breaks.tick(policy, state, now, max(0.0, float(idle)), busy)
    state, events = breaks.drain(state)
    _store(user, events)
    row.state = state.to_json()
    row.source = source[:8]
    row.save()
    return _status(policy, state, now)


def agent_paths(user: Any) -> Any:
    from knotless import config
    from knotless.desk.agent import Paths

    return Paths(config.data_dir(), user.get_username())


def agent_running(user: Any) -> bool:
    """Whether ``knotless desk`` runs for this user on this machine: then it does the
    reminding, and the web page only shows where things stand (no double reminders)."""
    try:
        pid = int(agent_paths(user).pid.read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def state_of(user: Any, *, agent: bool = False) -> breaks.State:
    """The break state the web page keeps, or with ``agent`` the desk agent's state file."""
    if agent:
        try:
            return breaks.State.from_json(json.loads(agent_paths(user).state.read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            return breaks.State()
    row = DeskState.objects.filter(user=user).first()
    return breaks.State.from_json(row.state) if row and row.state else breaks.State()


def agent_status(user: Any, now: datetime | None = None) -> Status:
    """The agent's own numbers, from its state file."""
    return status_of(user, state_of(user, agent=True), now)


def status(user: Any, now: datetime | None = None) -> Status:
    """Where things stand, without counting anything."""
    return status_of(user, state_of(user), now)


def status_of(
    user: Any, state: breaks.State, now: datetime | None = None, s: DeskSettings | None = None
) -> Status:
    return _status(policy_for(user, s), state, now or timezone.now())


def with_open_stretch(stats: DayStats, state: breaks.State, tz: Any) -> DayStats:
    """A day's stats with the stretch of work still going on (stored only when it ends)."""
    if state.work_started is None or state.last_tick is None:
        return stats
    start = max(state.work_started, day_bounds(stats.day, tz)[0])
    seconds = (state.last_tick - start).total_seconds()
    if local_date(state.last_tick, tz) != stats.day or seconds <= 0:
        return stats
    ongoing = (state.last_tick - state.work_started).total_seconds()
    return replace(
        stats,
        active_minutes=stats.active_minutes + round(seconds / 60),
        longest_minutes=max(stats.longest_minutes, round(ongoing / 60)),
    )


@dataclass(frozen=True, slots=True)
class Hint:
    """What a break offers besides rest: moves for the user's knots (seated for a micro-break,
    standing after a short walk for a movement break) and, when behind, a sip."""

    routine: tuple[str, ...]  # the micro-break's exercise names
    minutes: int
    knots: tuple[str, ...]  # the knots it is aimed at, in words
    sip: bool
    made: datetime
    until: datetime  # the moves are today's; after this they are stale
    movement: tuple[str, ...] = ()  # the movement break's standing moves
    movement_minutes: int = 0
    turns: tuple[int, int] = (0, 0)  # which moves of the day's rotation (micro, movement)
    experiment: str = ""  # today's instruction of a running experiment, in words

    def as_json(self) -> dict[str, Any]:
        return {
            "experiment": self.experiment,
            "routine": list(self.routine),
            "minutes": self.minutes,
            "knots": list(self.knots),
            "sip": self.sip,
            "made": self.made.isoformat(),
            "until": self.until.isoformat(),
            "movement": list(self.movement),
            "movement_minutes": self.movement_minutes,
            "turns": {"micro": self.turns[0], "movement": self.turns[1]},
        }


MAX_TURN = 1000  # a turn from a URL beyond this is nonsense, not a rotation


def break_turn(user: Any, kind: str, now: datetime | None = None) -> int:
    """How many breaks of this kind were taken today: each one taken moves the next break
    further along the list of moves, so the day brings different ones."""
    now = now or timezone.now()
    start, end = day_bounds(local_date(now, user_zone(user)), user_zone(user))
    return DeskEvent.objects.filter(
        user=user, kind=kind, outcome=DeskEvent.Outcome.TAKEN, start__gte=start, start__lt=end
    ).count()


def break_plan(
    user: Any,
    kind: str,
    now: datetime | None = None,
    inputs: Any = None,
    turn: int | None = None,
) -> Any:
    """The moves for the user's next break of this kind (micro or movement); ``turn`` names
    the one an offer showed, so "Start the break" plays what the offer said."""
    from knotless.practice import planning

    if kind not in (breaks.MICRO, breaks.MOVEMENT):
        kind = breaks.MICRO
    desk = settings_of(user)
    minutes = (
        planning.settings_of(user).desk_minutes if kind == breaks.MICRO else desk.movement_minutes
    )
    if turn is None or not 0 <= turn <= MAX_TURN:
        turn = break_turn(user, kind, now)
    return planning.desk_break(user, kind, minutes=minutes, turn=turn, inputs=inputs)


def hint(user: Any, now: datetime | None = None) -> Hint:
    """The hint for a break offered at ``now``."""
    from knotless.hydration import services as water
    from knotless.journal.models import Knot
    from knotless.practice import planning

    now = now or timezone.now()
    inputs = planning.gather(user)
    turns = (break_turn(user, breaks.MICRO, now), break_turn(user, breaks.MOVEMENT, now))
    micro = break_plan(user, breaks.MICRO, now, inputs, turns[0])
    movement = break_plan(user, breaks.MOVEMENT, now, inputs, turns[1])
    knot_ids = {k for item in (*micro.items, *movement.items) for k in item.knot_ids}
    knots = tuple(k.label for k in Knot.objects.filter(user=user, pk__in=knot_ids).order_by("pk"))
    _, until = day_bounds(inputs.today, user_zone(user))
    return Hint(
        routine=tuple(i.name for i in micro.items),
        minutes=max(1, round(micro.seconds / 60)) if micro.items else 0,
        knots=knots,
        sip=water.today(user, now).behind > 0,
        made=now,
        until=until,
        movement=tuple(i.name for i in movement.items),
        movement_minutes=max(1, round(movement.seconds / 60)) if movement.items else 0,
        turns=turns,
        experiment=_experiment_words(user, inputs.today),
    )


def _experiment_words(user: Any, today: Any) -> str:
    """Today's experiment instruction, for the desk agent to repeat with a break."""
    from knotless.insights.services import instructions

    found = [i for i in instructions(user, today) if i.arm]
    return f"Today's experiment: {found[0].text}" if found else ""


def write_hint(user: Any, now: datetime | None = None) -> None:
    """Leave the hint where the desk agent (which has no database) reads it."""
    from knotless.desk.agent import write_private

    write_private(agent_paths(user).hints, json.dumps(hint(user, now).as_json()))  # 0600


@transaction.atomic
def act(user: Any, action: str, *, now: datetime | None = None) -> Status:
    """The user's answer to an offer: take it, skip it, or postpone it."""
    if action not in ACTIONS:
        raise ValueError(f"action is one of {', '.join(ACTIONS)}")
    now = now or timezone.now()
    policy = policy_for(user)
    row, _ = DeskState.objects.select_for_update().get_or_create(user=user)
    state = breaks.State.from_json(row.state) if row.state else breaks.State()
    state = {"take": breaks.take, "skip": breaks.skip, "postpone": breaks.postpone}[action](
        policy, state, now
    )
    state, events = breaks.drain(state)
    _store(user, events)
    row.state = state.to_json()
    row.save()
    return _status(policy, state, now)


@dataclass(frozen=True, slots=True)
class DayStats:
    day: date
    active_minutes: int
    offered: int
    taken: int
    postponed: int
    skipped: int
    natural: int
    longest_minutes: int


def day_stats(user: Any, day: date) -> DayStats:
    return days_stats(user, day, day)[0]


def days_stats(user: Any, first: date, last: date) -> list[DayStats]:
    """Stats for each local day from ``first`` to ``last``, in one query."""
    tz = user_zone(user)
    start, _ = day_bounds(first, tz)
    _, end = day_bounds(last, tz)
    by_day: dict[date, list[DeskEvent]] = {}
    for event in DeskEvent.objects.filter(user=user, start__gte=start, start__lt=end):
        by_day.setdefault(local_date(event.start, tz), []).append(event)
    return [
        _stats(first + timedelta(days=n), by_day.get(first + timedelta(days=n), []))
        for n in range((last - first).days + 1)
    ]


def _stats(day: date, events: list[DeskEvent]) -> DayStats:
    work = [e for e in events if e.kind == DeskEvent.Kind.WORK]
    spans = [(e.end - e.start).total_seconds() for e in work]
    breaks_ = [e for e in events if e.kind in (DeskEvent.Kind.MICRO, DeskEvent.Kind.MOVEMENT)]

    def count(outcome: str) -> int:
        return sum(1 for e in breaks_ if e.outcome == outcome)

    # An offer ends taken, skipped or (for the last time) postponed.
    offered = count("taken") + count("skipped") + count("postponed")
    return DayStats(
        day=day,
        active_minutes=round(sum(spans) / 60),
        offered=offered,
        taken=count("taken"),
        postponed=count("postponed"),
        skipped=count("skipped"),
        natural=count("natural"),
        longest_minutes=round(max(spans, default=0) / 60),
    )
