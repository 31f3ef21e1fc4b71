"""What the pattern finder needs beyond the rest of knotless: the day tags a person sets with a
check-in, and personal experiments (a randomised schedule, and whether each day followed it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from knotless.journal.models import Knot

TAG_MAX = 40


class DayTag(models.Model):
    """ "Slept badly", "stressful day"...: one tag on one of the person's days."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="day_tags"
    )
    day = models.DateField()
    tag = models.CharField(max_length=TAG_MAX)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day", "tag"], name="one_tag_per_day")
        ]
        indexes = [models.Index(fields=["user", "day"])]

    def __str__(self) -> str:
        return f"{self.tag} on {self.day}"


class OwnTag(models.Model):
    """A tag the person added to the list offered with a check-in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="own_tags"
    )
    name = models.CharField(max_length=TAG_MAX)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="one_own_tag")]

    def __str__(self) -> str:
        return self.name


class Experiment(models.Model):
    """Does a habit help this knot? Days of doing it (B) and not (A), in randomised phases."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        STOPPED = "stopped", "Stopped early"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experiments"
    )
    knot = models.ForeignKey(Knot, on_delete=models.CASCADE, related_name="experiments")
    habit = models.CharField(max_length=40)
    started_on = models.DateField()
    seed = models.PositiveIntegerField()
    phases = models.PositiveSmallIntegerField(default=4)
    days_per_phase = models.PositiveSmallIntegerField(default=7)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["knot"],
                condition=models.Q(status="running"),
                name="one_running_experiment_per_knot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.habit} for knot {self.knot_id}"


class ExperimentDay(models.Model):
    """Whether the person followed the day's instruction."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    followed = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["experiment", "day"], name="one_answer_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {'followed' if self.followed else 'not followed'}"
