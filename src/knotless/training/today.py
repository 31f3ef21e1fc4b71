"""What Today shows from training: flares after training, the morning question, sessions to
rate, and an unusually large jump in load."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from knotless.journal.models import Knot
from knotless.lib import load as loadmath
from knotless.training import insights
from knotless.training.models import Workout


@dataclass(frozen=True, slots=True)
class TrainingToday:
    flares: list[insights.Flare]
    morning: list[insights.MorningQuestion]
    to_rate: list[Workout]
    jump: loadmath.Summary | None  # only when the load jumped

    def __bool__(self) -> bool:
        return bool(self.flares or self.morning or self.to_rate or self.jump)


def training_today(user: Any, active: list[Knot]) -> TrainingToday:
    """Today's training notes. Costs nothing more than a query when the person never trained."""
    if not Workout.objects.filter(user=user).exists():
        return TrainingToday([], [], [], None)
    summary = insights.load_summary(user)
    return TrainingToday(
        flares=insights.flares(user, knots=active),
        morning=insights.morning_questions(user),
        to_rate=insights.to_rate(user)[:3],
        jump=summary if summary.jump else None,
    )
