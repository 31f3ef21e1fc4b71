"""The desk guard's break policy, driven by a simulated clock and idle time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from knotless.lib.breaks import (
    LIMIT,
    MICRO,
    MOVEMENT,
    Event,
    Policy,
    State,
    can_postpone,
    drain,
    postpone,
    skip,
    take,
    tick,
)
from knotless.lib.days import day_bounds, zone

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday
POLICY = Policy()


@dataclass
class Desk:
    """A user at a desk: seconds pass in 5-second ticks, with the idle time the OS reports."""

    policy: Policy = POLICY
    now: datetime = START
    state: State = field(default_factory=State)
    idle: float = 0.0
    stored: list[Event] = field(default_factory=list)
    offers: list[tuple[float, str]] = field(default_factory=list)  # (minute, kind)

    def __post_init__(self) -> None:
        self.start = self.now
        self.state = tick(self.policy, self.state, self.now, 0)

    def step(self, seconds: float = 5, *, active: bool = True, busy: bool = False) -> None:
        self.now += timedelta(seconds=seconds)
        self.idle = 0.5 if active else self.idle + seconds
        had = self.state.offer
        self.state = tick(self.policy, self.state, self.now, self.idle, busy)
        self.state, events = drain(self.state)
        self.stored += events
        if self.state.offer is not None and had is None:
            minute = (self.now - self.start).total_seconds() / 60
            self.offers.append((round(minute, 2), self.state.offer.kind))

    def work(self, minutes: float, **kwargs: bool) -> None:
        for _ in range(round(minutes * 12)):
            self.step(**kwargs)

    def away(self, minutes: float) -> None:
        for _ in range(round(minutes * 12)):
            self.step(active=False)

    def outcomes(self, kind: str) -> list[str]:
        return [e.outcome for e in self.stored if e.kind == kind]


def test_a_micro_break_after_twenty_active_minutes() -> None:
    desk = Desk()
    desk.work(19.9)
    assert desk.state.offer is None
    desk.work(0.2)
    assert desk.offers == [(20.0, MICRO)]


def test_only_active_time_counts_and_stepping_away_is_a_break() -> None:
    desk = Desk()
    desk.work(15)
    desk.away(0.75)  # 45 s away: a natural micro-break
    desk.work(19)
    assert desk.state.offer is None  # 19 active minutes since
    assert desk.outcomes(MICRO) == ["natural"]
    desk.work(1.1)
    assert desk.state.offer is not None and desk.state.offer.kind == MICRO


def test_one_reminder_at_a_time_and_movement_wins() -> None:
    desk = Desk()
    for _ in range(2):
        desk.work(20.1)
        desk.state = take(POLICY, desk.state, desk.now)
    desk.work(20)  # at 60 active minutes both are due: the movement break is offered
    assert [kind for _, kind in desk.offers] == [MICRO, MICRO, MOVEMENT]
    desk.work(30)  # the open offer stays the only reminder
    assert len(desk.offers) == 3
    desk.state = take(POLICY, desk.state, desk.now)
    assert desk.state.micro_active == desk.state.movement_active == 0


def test_postpone_is_counted_and_limited() -> None:
    desk = Desk()
    desk.work(20.1)
    for n in range(3):
        assert can_postpone(POLICY, desk.state)
        desk.state = postpone(POLICY, desk.state, desk.now)
        desk.work(4.9)
        assert desk.state.offer is None, n
        desk.work(0.2)
        assert desk.state.offer is not None and desk.state.offer.postponed == n + 1
    assert not can_postpone(POLICY, desk.state)
    assert postpone(POLICY, desk.state, desk.now) == desk.state
    assert desk.outcomes(MICRO) == ["postponed"] * 3


def test_a_break_due_in_a_meeting_is_deferred_then_offered() -> None:
    desk = Desk()
    desk.work(19)
    desk.work(10, busy=True)
    assert desk.state.offer is None
    assert desk.outcomes(MICRO) == ["deferred"]  # stored once, not every tick
    desk.work(0.1)
    assert desk.state.offer is not None and desk.state.offer.kind == MICRO


def test_stepping_away_after_an_offer_is_taking_it() -> None:
    desk = Desk()
    desk.work(20.1)
    desk.away(0.6)
    desk.work(1)
    assert desk.state.offer is None
    assert desk.outcomes(MICRO) == ["taken"]


def test_a_long_time_away_is_a_natural_movement_break_and_ends_the_stretch() -> None:
    desk = Desk()
    desk.work(55)
    desk.away(6)
    desk.work(10)
    assert desk.outcomes(MOVEMENT)[-1:] == ["natural"]
    assert desk.outcomes("work")[:1] == ["worked"]
    assert desk.state.movement_active < 11 * 60
    assert 54 * 60 <= desk.state.longest_stretch <= 56 * 60


def test_nothing_outside_working_hours_or_days() -> None:
    evening = Desk(now=datetime(2026, 11, 24, 18, 0, tzinfo=UTC))
    evening.work(90)
    assert evening.offers == [] and evening.state.micro_active == 0
    sunday = Desk(now=datetime(2026, 11, 29, 10, 0, tzinfo=UTC))
    sunday.work(90)
    assert sunday.offers == []


def test_working_hours_are_local_and_durations_real_across_dst() -> None:
    policy = Policy(
        tz="Europe/Berlin", work_start=time(0), work_end=time(23, 59), work_days=tuple(range(7))
    )
    # Clocks went back on 25 Oct 2026 at 03:00 CEST: 01:30 UTC is 02:30 CET.
    desk = Desk(policy=policy, now=datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    desk.work(20.1)
    assert desk.offers and desk.offers[0][0] == 20.0


def test_state_survives_a_round_trip_through_json() -> None:
    desk = Desk()
    desk.work(20.1)
    desk.state = postpone(POLICY, desk.state, desk.now)
    again = State.from_json(desk.state.to_json())
    assert again == replace_events(desk.state)


actions = st.lists(
    st.tuples(
        st.sampled_from(["work", "away", "busy", "take", "skip", "postpone"]),
        st.floats(0.1, 30),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(actions)
def test_invariants_under_any_day(script: list[tuple[str, float]]) -> None:
    desk = Desk()
    for action, minutes in script:
        if action == "work":
            desk.work(minutes)
        elif action == "away":
            desk.away(minutes)
        elif action == "busy":
            desk.work(minutes, busy=True)
        elif action == "take":
            desk.state = take(POLICY, desk.state, desk.now)
        elif action == "skip":
            desk.state = skip(POLICY, desk.state, desk.now)
        else:
            desk.state = postpone(POLICY, desk.state, desk.now)
        state = desk.state
        assert 0 <= state.micro_active <= state.movement_active + 1e-6
        assert 0 <= state.postponed <= POLICY.max_postpones
        if state.offer is not None:
            assert desk.idle < POLICY.micro_length or state.offer.kind == MOVEMENT
        assert State.from_json(state.to_json()) == replace_events(state)
    # Each offer opened only after enough activity, never while away.
    for minute, kind in desk.offers:
        assert minute >= (20 if kind == MICRO else 60) - 1e-6


def replace_events(state: State) -> State:
    from dataclasses import replace

    return replace(state, events=())


def test_a_long_silence_is_time_away_not_work() -> None:
    desk = Desk()
    desk.work(10)
    desk.now += timedelta(hours=3)  # the laptop slept; then ticks report fresh input
    desk.step()
    desk.step()
    assert desk.state.offer is None
    assert desk.state.movement_active < 60
    assert desk.outcomes(MOVEMENT) == ["natural"]


ZONES = st.sampled_from(
    [
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "America/Santiago",  # its clocks change at midnight: some days start at 01:00
        "Australia/Lord_Howe",  # a half-hour change
        "Asia/Kathmandu",
        "Pacific/Chatham",
    ]
)
DAYS = st.one_of(
    st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    # The 2026 changes in those zones, so every run meets some.
    st.sampled_from(
        [
            date(2026, 3, 8),
            date(2026, 3, 29),
            date(2026, 4, 5),
            date(2026, 9, 6),
            date(2026, 9, 27),
            date(2026, 10, 4),
            date(2026, 10, 25),
            date(2026, 11, 1),
        ]
    ),
)


def _active_seconds_in_a_day_of_work(name: str, day: date, start: time, end: time) -> float:
    """Work without pause through one local day, a tick a minute; how much counted."""
    never = 10**7  # no offers: the movement count then holds every active second
    policy = Policy(
        micro_after=never,
        movement_after=never + 1,
        work_start=start,
        work_end=end,
        work_days=tuple(range(7)),
        tz=name,
    )
    first, last = day_bounds(day, zone(name))
    now, state = first, tick(policy, State(), first, 0)
    while now < last:
        now += timedelta(minutes=1)
        state = tick(policy, state, now, 0.5)
    return state.movement_active


@settings(max_examples=40, deadline=None)
@given(ZONES, DAYS)
def test_a_whole_day_counts_its_real_length_across_dst(name: str, day: date) -> None:
    first, last = day_bounds(day, zone(name))
    length = (last - first).total_seconds()  # 23, 24 or 25 hours (23.5 or 24.5 on Lord Howe)
    # Working hours 00:00-23:59: every real minute counts but the last one.
    assert _active_seconds_in_a_day_of_work(name, day, time(0), time(23, 59)) == length - 60


@settings(max_examples=40, deadline=None)
@given(ZONES, DAYS)
def test_office_hours_are_ten_local_hours_on_any_day(name: str, day: date) -> None:
    assert _active_seconds_in_a_day_of_work(name, day, time(8), time(18)) == 10 * 3600


LIMITED = Policy(daily_limit=3 * 3600, work_start=time(0), work_end=time(23, 59))


def _work_taking_breaks(desk: Desk, minutes: int) -> None:
    """Work, taking every micro- and movement break as it comes (the limit is left open)."""
    for _ in range(minutes * 12):
        desk.step()
        if desk.state.offer is not None and desk.state.offer.kind != LIMIT:
            desk.state = take(desk.policy, desk.state, desk.now)


def test_the_daily_limit_reminds_once_when_the_days_active_time_reaches_it() -> None:
    desk = Desk(policy=LIMITED)
    _work_taking_breaks(desk, 179)
    assert LIMIT not in [kind for _, kind in desk.offers]
    _work_taking_breaks(desk, 2)
    assert desk.state.offer is not None and desk.state.offer.kind == LIMIT
    assert 180 <= desk.offers[-1][0] < 181  # active minutes, breaks taken in between not counted
    desk.state = take(LIMITED, desk.state, desk.now)
    _work_taking_breaks(desk, 120)  # working on anyway: no second reminder today
    assert [kind for _, kind in desk.offers].count(LIMIT) == 1
    # The next day starts from zero.
    desk.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    desk.step()
    assert desk.state.day == "2026-11-25" and desk.state.day_active == 0
    _work_taking_breaks(desk, 181)
    assert [kind for _, kind in desk.offers].count(LIMIT) == 2


def test_the_daily_limit_can_be_postponed_skipped_or_walked_away_from() -> None:
    desk = Desk(policy=LIMITED)
    _work_taking_breaks(desk, 181)
    desk.state = postpone(LIMITED, desk.state, desk.now)
    _work_taking_breaks(desk, 4)
    assert desk.state.offer is None
    _work_taking_breaks(desk, 2)
    assert desk.state.offer is not None and desk.state.offer.kind == LIMIT
    desk.away(6)  # they stop, as it says
    assert desk.state.offer is None and desk.state.limit_told
    assert [e.outcome for e in desk.stored if e.kind == LIMIT] == ["postponed", "taken"]
    other = Desk(policy=LIMITED)
    _work_taking_breaks(other, 181)
    other.state = skip(LIMITED, other.state, other.now)
    _work_taking_breaks(other, 60)
    assert [kind for _, kind in other.offers].count(LIMIT) == 1


def test_without_a_daily_limit_there_is_no_such_reminder() -> None:
    desk = Desk(policy=Policy(work_start=time(0), work_end=time(23, 59)))
    _work_taking_breaks(desk, 14 * 60)
    assert LIMIT not in [kind for _, kind in desk.offers]
    assert desk.state.day_active > 13 * 3600
    assert State.from_json(desk.state.to_json()) == replace_events(desk.state)
