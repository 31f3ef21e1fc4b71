"""The desk guard's break policy: when to offer a break, counted in active computer time.

One implementation for the desk agent and the web page. Pure: time and idleness come in as
arguments (a clock-injected state machine), nothing is read from the system here.

Defaults, from shared/reference/guidelines-facts.md section 2 (all configurable):

* a 30-second micro-break after 20 minutes of activity (McLean et al. 2001: 30-s breaks every
  20 min reduced discomfort without loss of productivity);
* a 5-minute movement break after 60 minutes of activity (Galinsky et al. 2000 and 2007: a
  5-minute break in each hour without one lowered discomfort, output kept up).

Rules:

* Only active time counts: a tick whose idle time is below ``idle_threshold`` adds the time
  since the last tick; idle time does not.
* Stepping away is a natural break: idle for at least the micro-break's length resets the
  micro count, idle for at least the movement break's length resets both.
* One reminder at a time: while an offer is open, no second one; when both are due, the
  movement break wins.
* Postponing is allowed (and counted) up to ``max_postpones`` times per break.
* A break due while the user is busy (meeting, full screen, do not disturb) is deferred, not
  lost: it is offered as soon as they are not.
* Outside working hours and days nothing accrues and nothing is offered.
* A daily limit (off unless set, as in Workrave): once the day's active time reaches it, one
  reminder says it is time to stop for the day; answered, it does not come back that day.
* A silence longer than ``max_gap`` (the page was closed, the laptop slept) is time away.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

MICRO = "micro"
MOVEMENT = "movement"
LIMIT = "limit"  # the day's active time reached the daily limit


@dataclass(frozen=True, slots=True)
class Policy:
    micro_after: int = 20 * 60  # seconds of activity
    micro_length: int = 30
    movement_after: int = 60 * 60
    movement_length: int = 5 * 60
    idle_threshold: int = 60  # idle longer than this: the user is away, not working
    postpone_for: int = 5 * 60
    max_gap: int = 120  # no report for longer than this: nobody knows, so it counts as away
    max_postpones: int = 3
    work_start: time = time(8, 0)
    work_end: time = time(18, 0)
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    tz: str = "UTC"  # working hours and days are on this clock
    daily_limit: int = 0  # seconds of activity in a local day; 0 for no limit

    def __post_init__(self) -> None:
        if not 0 < self.micro_length < self.movement_length:
            raise ValueError("a micro-break is shorter than a movement break")
        if not 0 < self.micro_after < self.movement_after:
            raise ValueError("micro-breaks come more often than movement breaks")
        if self.idle_threshold < 5:
            raise ValueError("idle threshold of at least 5 seconds")
        if self.daily_limit < 0:
            raise ValueError("a daily limit is a positive number of seconds, or 0 for none")

    def length(self, kind: str) -> int:
        return self.micro_length if kind == MICRO else self.movement_length

    def working(self, now: datetime) -> bool:
        local = now.astimezone(ZoneInfo(self.tz))
        return local.weekday() in self.work_days and self.work_start <= local.time() < self.work_end

    def local_day(self, now: datetime) -> str:
        return now.astimezone(ZoneInfo(self.tz)).date().isoformat()


@dataclass(frozen=True, slots=True)
class Offer:
    kind: str  # MICRO, MOVEMENT or LIMIT
    since: datetime  # when it was first offered
    postponed: int = 0


@dataclass(frozen=True, slots=True)
class Event:
    """Something worth storing: a work block ended, or a break was taken, postponed,
    skipped, deferred or happened on its own (natural)."""

    kind: str  # "work", MICRO, MOVEMENT, LIMIT
    outcome: str  # "worked", "taken", "postponed", "skipped", "natural", "deferred"
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class State:
    last_tick: datetime | None = None
    micro_active: float = 0.0  # seconds of activity since the last micro (or longer) break
    movement_active: float = 0.0
    offer: Offer | None = None
    snoozed_until: datetime | None = None
    postponed: int = 0  # times the break now due was postponed
    deferred: str = ""  # a break that came due while busy or snoozed
    away: str = ""  # how long a break the current time away already is: "", MICRO, MOVEMENT
    away_since: datetime | None = None
    away_counted: str = ""  # the level of this time away already stored (an offer taken)
    work_started: datetime | None = None  # start of the current stretch of activity
    longest_stretch: float = 0.0  # longest uninterrupted activity so far, in seconds
    day: str = ""  # the local day day_active counts
    day_active: float = 0.0  # seconds of activity that day
    limit_told: bool = False  # the daily limit's reminder was answered that day
    events: tuple[Event, ...] = field(default_factory=tuple)  # not yet stored by the caller

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["events"]
        for key in ("last_tick", "snoozed_until", "work_started", "away_since"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        if self.offer:
            data["offer"] = {
                "kind": self.offer.kind,
                "since": self.offer.since.isoformat(),
                "postponed": self.offer.postponed,
            }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        def when(key: str) -> datetime | None:
            value = data.get(key)
            return datetime.fromisoformat(value) if value else None

        raw = data.get("offer")
        offer = (
            Offer(raw["kind"], datetime.fromisoformat(raw["since"]), raw["postponed"])
            if raw
            else None
        )
        return cls(
            last_tick=when("last_tick"),
            micro_active=float(data.get("micro_active", 0.0)),
            movement_active=float(data.get("movement_active", 0.0)),
            offer=offer,
            snoozed_until=when("snoozed_until"),
            postponed=int(data.get("postponed", 0)),
            deferred=data.get("deferred", ""),
            away=data.get("away", ""),
            away_since=when("away_since"),
            away_counted=data.get("away_counted", ""),
            work_started=when("work_started"),
            longest_stretch=float(data.get("longest_stretch", 0.0)),
            day=str(data.get("day", "")),
            day_active=float(data.get("day_active", 0.0)),
            limit_told=bool(data.get("limit_told", False)),
        )


RANK = {"": 0, MICRO: 1, MOVEMENT: 2}


def _due(policy: Policy, state: State) -> str:
    if policy.daily_limit and not state.limit_told and state.day_active >= policy.daily_limit:
        return LIMIT
    if state.movement_active >= policy.movement_after:
        return MOVEMENT
    if state.micro_active >= policy.micro_after:
        return MICRO
    return ""


def tick(policy: Policy, state: State, now: datetime, idle: float, busy: bool = False) -> State:
    """Advance to ``now``: ``idle`` is seconds since the last keyboard or mouse input, ``busy``
    whether a meeting, full-screen window or do-not-disturb is on. Returns the new state; an
    open offer is in ``state.offer`` and events to store in ``state.events``."""
    if now.tzinfo is None:
        raise ValueError("tick needs an aware datetime")
    now = now.astimezone(UTC)  # durations in real seconds, even across a DST change
    if state.last_tick is None:
        return replace(state, last_tick=now)
    if now <= state.last_tick:
        return state
    gap = (now - state.last_tick).total_seconds()
    idle = max(0.0, idle, gap if gap > policy.max_gap else 0.0)
    events: list[Event] = []
    s = state
    left_at = now - timedelta(seconds=idle)

    # 1. Time away: a natural break once it lasts a micro-break, a movement break after that.
    level = (
        MOVEMENT
        if idle >= policy.movement_length
        else (MICRO if idle >= policy.micro_length else "")
    )
    if level:
        micro = 0.0
        movement = 0.0 if level == MOVEMENT else s.movement_active
        away, since = (level, left_at) if RANK[level] > RANK[s.away] else (s.away, s.away_since)
        s = replace(s, micro_active=micro, movement_active=movement, away=away, away_since=since)
        if s.offer is not None and s.offer.kind == LIMIT:
            if level == MOVEMENT:  # they stopped, as the reminder said
                events.append(Event(LIMIT, "taken", left_at, now))
                s = replace(s, offer=None, limit_told=True, postponed=0, snoozed_until=None)
        elif s.offer is not None and RANK[level] >= RANK[s.offer.kind]:
            # Stepping away after the offer is taking the break.
            events.append(Event(s.offer.kind, "taken", left_at, now))
            s = replace(
                s,
                offer=None,
                deferred="",
                postponed=0,
                snoozed_until=None,
                away_counted=s.offer.kind,
            )
        if level == MOVEMENT or s.deferred == MICRO:
            s = replace(s, deferred="", postponed=0, snoozed_until=None)
    elif s.away:
        # Back: store the time away unless an offer taken already covered it.
        if RANK[s.away] > RANK[s.away_counted] and s.away_since is not None:
            events.append(Event(s.away, "natural", s.away_since, left_at))
        s = replace(s, away="", away_since=None, away_counted="")

    # 2. A stretch of work ends when the user has been away past the threshold.
    started, longest = s.work_started, s.longest_stretch
    if idle >= policy.idle_threshold and started is not None:
        events.append(Event("work", "worked", started, left_at))
        longest = max(longest, (left_at - started).total_seconds())
        started = None

    # 3. Active time accrues during working hours only; the day's total starts over each day.
    today = policy.local_day(now)
    if s.day != today:
        s = replace(s, day=today, day_active=0.0, limit_told=False)
    if policy.working(now):
        active = gap if idle < policy.idle_threshold else max(0.0, gap - idle)
        s = replace(
            s,
            micro_active=s.micro_active + active,
            movement_active=s.movement_active + active,
            day_active=s.day_active + active,
        )
        if idle < policy.idle_threshold:
            if started is None:
                started = now - timedelta(seconds=min(gap, idle))
            longest = max(longest, (now - started).total_seconds())
    s = replace(s, last_tick=now, work_started=started, longest_stretch=longest)

    # 4. One offer at a time; snoozed or busy means later, not never.
    if s.offer is None and policy.working(now) and not level:
        due = _due(policy, s) or s.deferred
        snoozed = s.snoozed_until is not None and now < s.snoozed_until
        if due and (snoozed or busy):
            if busy and s.deferred != due:
                events.append(Event(due, "deferred", now, now))
            s = replace(s, deferred=due)
        elif due:
            s = replace(s, offer=Offer(due, now, s.postponed), deferred="", snoozed_until=None)
    return replace(s, events=s.events + tuple(events))


def take(policy: Policy, state: State, now: datetime) -> State:
    """The user starts the offered break (the break routine opens)."""
    if state.offer is None:
        return state
    kind = state.offer.kind
    return _reset(
        state, kind, Event(kind, "taken", now, now + timedelta(seconds=policy.length(kind)))
    )


def skip(policy: Policy, state: State, now: datetime) -> State:
    """Not now, not later: the count starts over."""
    if state.offer is None:
        return state
    return _reset(state, state.offer.kind, Event(state.offer.kind, "skipped", now, now))


def can_postpone(policy: Policy, state: State) -> bool:
    return state.offer is not None and state.offer.postponed < policy.max_postpones


def postpone(policy: Policy, state: State, now: datetime) -> State:
    """Snooze the open offer for ``postpone_for``; refused (unchanged) after ``max_postpones``."""
    offer = state.offer
    if offer is None or not can_postpone(policy, state):
        return state
    return replace(
        state,
        offer=None,
        deferred=offer.kind,
        postponed=offer.postponed + 1,
        snoozed_until=now + timedelta(seconds=policy.postpone_for),
        events=(*state.events, Event(offer.kind, "postponed", now, now)),
    )


def _reset(state: State, kind: str, event: Event) -> State:
    """Close the offer of ``kind`` with ``event``: the counts it answers start over."""
    closed = replace(
        state,
        offer=None,
        deferred="",
        postponed=0,
        snoozed_until=None,
        events=(*state.events, event),
    )
    if kind == LIMIT:  # answered: not again today; taking it is a break as well
        taken = event.outcome == "taken"
        return replace(closed, limit_told=True, micro_active=0.0 if taken else state.micro_active)
    return replace(
        closed,
        micro_active=0.0,
        movement_active=0.0 if kind == MOVEMENT else state.movement_active,
    )


def drain(state: State) -> tuple[State, tuple[Event, ...]]:
    """Hand the events over for storing, and forget them."""
    return replace(state, events=()), state.events
