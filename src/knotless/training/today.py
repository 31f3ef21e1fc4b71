"""What Today shows from training: flares after training, the morning question, sessions to
rate, and an unusually large jump in load.

Today is drawn again after every write a person makes, most often a glass of water; these
notes change only with the training log, the knots' ratings, the knots themselves, the
training settings and the clock. So they are kept, in this process, under exactly those:
the workouts' number and summed revisions and each active knot's check-in tally (numbers the
database moves with every write, however it was made), the active knots' own fields and the
settings as this request read them, the day and the minute. Anything else written leaves
them as they were, and nothing they rest on can change without changing the key
(tests/training/test_today_notes.py writes each kind, through the ORM and through SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from knotless.accounts.services import local_today
from knotless.journal.models import Knot
from knotless.lib import load as loadmath
from knotless.lib.memo import Memo
from knotless.training import insights, services
from knotless.training.models import TrainingSettings, Workout

SHOWN_TO_RATE = 3  # Today asks for the effort of at most this many sessions at once


@dataclass(frozen=True, slots=True)
class TrainingToday:
    flares: list[insights.Flare]
    morning: list[insights.MorningQuestion]
    to_rate: list[Workout]
    jump: loadmath.Summary | None  # only when the load jumped

    def __bool__(self) -> bool:
        return bool(self.flares or self.morning or self.to_rate or self.jump)


NOTHING = TrainingToday([], [], [], None)


KEPT = Memo(512)


def training_today(user: Any, active: list[Knot], now: datetime | None = None) -> TrainingToday:
    """Today's training notes: kept under what they rest on (see the module), and someone who
    has never trained costs one small query."""
    now = now or timezone.now()
    workouts = services.workout_tally(user)
    if not workouts[0]:
        return NOTHING
    today = local_today(user, now)
    marks = services.settings_of(user)
    key = (
        user.pk,
        today,
        int(now.timestamp() // 60),
        workouts,
        insights.knots_as_read(active),
        (marks.ratio_jump, marks.week_jump),
    )
    found: TrainingToday | None = KEPT.get(key)
    if found is None:
        found = _notes(user, active, now, today, marks)
        KEPT.set(key, found)
    return found


def _notes(
    user: Any, active: list[Knot], now: datetime, today: date, marks: TrainingSettings
) -> TrainingToday:
    """Every note looks at the workouts of the load's window (the last LOAD_WINDOW days): they
    are read once, for the load and for the sessions still to rate."""
    window = list(
        Workout.objects.filter(user=user, day__gt=today - timedelta(days=insights.LOAD_WINDOW))
        .order_by()  # sorted where it matters, below
        .values_list("pk", "day", "started_at", "effort", "minutes", "source")
    )
    if not window:
        return NOTHING
    rated = [
        (day, float(effort * minutes))
        for _, day, _, effort, minutes, _ in window
        if effort is not None and minutes is not None and day <= today
    ]
    since = today - timedelta(days=insights.RATE_WITHIN_DAYS)
    waiting = [
        pk
        for pk, day, started, effort, minutes, source in window
        if effort is None
        and day >= since
        and insights.waits_for_effort(started, minutes, source, now)
    ]
    to_rate = (
        list(Workout.objects.filter(pk__in=waiting).order_by("started_at")[:SHOWN_TO_RATE])
        if waiting
        else []
    )
    summary = insights.load_summary(user, today, rated=rated, marks=marks)
    return TrainingToday(
        flares=insights.flares(user, now=now, knots=active),
        morning=insights.morning_questions(user, today),
        to_rate=to_rate,
        jump=summary if summary.jump else None,
    )
