"""The desk guard: its settings, its running state, and every work block and break."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models


def _weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class DeskSettings(models.Model):
    """Break timings (defaults from the reference) and working hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_settings"
    )
    micro_after_minutes = models.PositiveSmallIntegerField(default=20)
    micro_seconds = models.PositiveSmallIntegerField(default=30)
    movement_after_minutes = models.PositiveSmallIntegerField(default=60)
    movement_minutes = models.PositiveSmallIntegerField(default=5)
    work_start = models.TimeField(default=time(8, 0))
    work_end = models.TimeField(default=time(18, 0))
    work_days = models.JSONField(default=_weekdays)
    daily_limit_hours = models.PositiveSmallIntegerField(default=0)  # active hours; 0: none

    def __str__(self) -> str:
        return f"desk settings of {self.user_id}"


class DeskState(models.Model):
    """Where the break policy stands for a user (shared by the web page and the agent)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_state"
    )
    state = models.JSONField(default=dict)
    source = models.CharField(max_length=8, default="web")  # who ticked last: web or agent
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"desk state of {self.user_id}"


class DeskEvent(models.Model):
    class Kind(models.TextChoices):
        WORK = "work", "Work"
        MICRO = "micro", "Micro-break"
        MOVEMENT = "movement", "Movement break"
        LIMIT = "limit", "Daily limit"

    class Outcome(models.TextChoices):
        WORKED = "worked", "Worked"
        TAKEN = "taken", "Taken"
        POSTPONED = "postponed", "Postponed"
        SKIPPED = "skipped", "Skipped"
        NATURAL = "natural", "Stepped away"
        DEFERRED = "deferred", "Deferred (busy)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_events"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    outcome = models.CharField(max_length=9, choices=Outcome.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["user", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome}"
