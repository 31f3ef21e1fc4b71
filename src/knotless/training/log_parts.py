"""What the training page draws from the log, kept under what it rests on.

The training page shows, beside its forms, the lifts with what to do next time, the flares,
the morning questions, the sessions to rate, where the load stands and the recent sessions.
For a two-year log that is six reads and most of the page's time, and it is drawn again after
every write a person makes, though most writes (a glass of water, a check-in on a knot no lift
works) change none of it. So it is kept, in this process, under exactly what it rests on:

- the workouts' number and summed revisions, which the database moves with every write to a
  workout, its exercises or their sets, however it was made (migrations 0006 and 0008);
- each active knot's check-in tally (journal/0005: the same), and its place and muscle;
- what the page has read already: the standing safety answers, the training settings, the
  programme followed, the person's own exercises and their units;
- the day and the minute, since sessions wait half an hour to be rated and flares age.

A person who has never logged a workout has nothing here to draw, and costs one small read.
``tests/training/test_log_parts.py`` writes each kind of thing through the ORM and through
SQL and checks that the parts are always the ones drawn afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from knotless.journal.models import Knot
from knotless.lib import load as loadmath
from knotless.lib.memo import Memo
from knotless.safety.policy import Gates
from knotless.training import coaching, insights, programmes, services
from knotless.training.models import OwnExercise, TrainingSettings, Workout

RECENT_SESSIONS = 8
KEPT = Memo(256)


@dataclass(frozen=True, slots=True)
class LogParts:
    recent: list[coaching.NextTime]
    flares: list[insights.Flare]
    morning: list[insights.MorningQuestion]
    to_rate: list[Workout]
    load: loadmath.Summary
    workouts: list[Workout]
    # What the parts are kept under, as plain values (None for someone who never trained):
    # the page keeps what it draws from them under it too.
    key: tuple[Any, ...] | None = None


def log_parts(
    user: Any,
    *,
    gates: Gates,
    knots: list[Knot],
    marks: TrainingSettings,
    own: list[OwnExercise],
    today: date,
    now: datetime,
) -> LogParts:
    """The page's parts drawn from the log; ``knots`` are the active ones, ``own`` the
    person's own exercises, both as the page read them."""
    workouts = services.workout_tally(user)
    if not workouts[0]:
        return _nothing(marks, today)
    followed = programmes.active(user)
    key = (
        user.pk,
        today,
        int(now.timestamp() // 60),
        workouts,
        insights.knots_as_read(knots),
        gates.answers,
        (marks.acceptable_pain, marks.ratio_jump, marks.week_jump, marks.increment),
        (followed[0].key, followed[0].started_on) if followed else None,
        tuple((o.pk, o.key, o.name) for o in own),
        services.unit_of(user),
    )
    found: LogParts | None = KEPT.get(key)
    if found is None:
        found = _draw(user, gates, knots, marks, followed, today, now, key)
        KEPT.set(key, found)
    return found


def _draw(
    user: Any,
    gates: Gates,
    knots: list[Knot],
    marks: TrainingSettings,
    followed: tuple[Any, programmes.Template] | None,
    today: date,
    now: datetime,
    key: tuple[Any, ...],
) -> LogParts:
    flares = insights.flares(user, now=now, knots=knots)
    return LogParts(
        recent=coaching.recent_lifts(
            user, gates=gates, knots=knots, flares=flares, marks=marks, followed=followed
        ),
        flares=flares,
        morning=insights.morning_questions(user, today),
        to_rate=insights.to_rate(user, now),
        load=insights.load_summary(user, today, marks=marks),
        workouts=insights.recent_workouts(user, limit=RECENT_SESSIONS),
        key=key,
    )


def _nothing(marks: TrainingSettings, today: date) -> LogParts:
    """The parts of someone who has never trained: no lift, no load, nothing to ask."""
    load = loadmath.summarise(
        [], today, ratio_jump=float(marks.ratio_jump), week_jump=float(marks.week_jump)
    )
    return LogParts([], [], [], [], load, [])
