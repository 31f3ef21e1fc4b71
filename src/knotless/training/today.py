"""What Today shows from training: flares after training, the morning question, sessions to
rate, and an unusually large jump in load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from knotless.accounts.services import local_today
from knotless.journal.models import Knot
from knotless.lib import load as loadmath
from knotless.training import insights
from knotless.training.models import Workout

SHOWN_TO_RATE = 3  # Today asks for the effort of at most this many sessions at once


@dataclass(frozen=True, slots=True)
class TrainingToday:
    flares: list[insights.Flare]
    morning: list[insights.MorningQuestion]
    to_rate: list[Workout]
    jump: loadmath.Summary | None  # only when the load jumped

    def __bool__(self) -> bool:
        return bool(self.flares or self.morning or self.to_rate or self.jump)


def training_today(user: Any, active: list[Knot], now: datetime | None = None) -> TrainingToday:
    """Today's training notes.

    Every note looks at the workouts of the load's window (the last LOAD_WINDOW days): they are
    read once, for the load and for the sessions still to rate, and someone who has not
    trained in that time (or never) costs this one query."""
    now = now or timezone.now()
    today = local_today(user, now)
    window = list(
        Workout.objects.filter(user=user, day__gt=today - timedelta(days=insights.LOAD_WINDOW))
        .order_by()  # sorted where it matters, below
        .values_list("pk", "day", "started_at", "effort", "minutes", "source")
    )
    if not window:
        return TrainingToday([], [], [], None)
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
    summary = insights.load_summary(user, today, rated=rated)
    return TrainingToday(
        flares=insights.flares(user, now=now, knots=active),
        morning=insights.morning_questions(user, today),
        to_rate=to_rate,
        jump=summary if summary.jump else None,
    )
