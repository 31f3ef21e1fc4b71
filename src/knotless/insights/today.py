"""What Today shows from the insights: today's experiment instructions, and on Mondays the
weekly summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from knotless.accounts.services import local_today
from knotless.insights import services, weekly
from knotless.insights.models import Experiment
from knotless.safety.policy import Gates


@dataclass(frozen=True, slots=True)
class InsightsToday:
    instructions: list[services.Instruction]
    week: weekly.Week | None


def insights_today(user: Any, gates: Gates | None = None) -> InsightsToday:
    """``gates``, the safety answers as the page has read them already, if it has."""
    today = local_today(user)
    running = Experiment.objects.filter(user=user, status=Experiment.Status.RUNNING).exists()
    return InsightsToday(
        services.instructions(user, today, gates) if running else [],
        weekly.week_summary(user, today) if today.weekday() == 0 else None,
    )
