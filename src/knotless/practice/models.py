"""Played routines: what was played, how the knots felt before and after, what helped."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from knotless.journal.models import NOTE_MAX, PAIN_MAX, PAIN_MIN, Knot


class Session(models.Model):
    """One play of an exercise or a list of them."""

    class Status(models.TextChoices):
        STARTED = "started", "Started"
        FINISHED = "finished", "Finished"
        STOPPED = "stopped", "Stopped early"

    class Source(models.TextChoices):
        WEB = "web", "Browser"
        TERMINAL = "terminal", "Terminal"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.STARTED)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    # Seconds of the script played (skips and an early stop make it shorter than planned).
    planned_seconds = models.PositiveIntegerField(default=0)
    played_seconds = models.PositiveIntegerField(default=0)
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    # The start form's one-time token: a double click or the back button replays the same start
    # instead of opening a second session.
    token = models.CharField(max_length=40, blank=True)
    # Made by the browser (crypto.randomUUID) for a form it may send more than once (offline
    # queue, retries): the same id stores one row. See knotless/queued.py.
    client_id = models.UUIDField(null=True, blank=True)
    # A fresh random number with every write to the session or to its exercises or ratings,
    # given by the database (migration 0010), whatever is saved here: the sessions page keeps
    # each row it drew under it (session_list).
    revision = models.BigIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "-started_at"])]
        constraints = [
            models.UniqueConstraint(fields=["client_id", "user"], name="one_session_per_client_id"),
            models.UniqueConstraint(
                fields=["user", "token"],
                condition=~models.Q(token=""),
                name="one_session_per_start_token",
            ),
            models.CheckConstraint(
                condition=models.Q(status="started", ended_at__isnull=True)
                | (~models.Q(status="started") & models.Q(ended_at__isnull=False)),
                name="session_ended_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"session {self.pk} of {self.user_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.STARTED


class SessionExercise(models.Model):
    """One exercise of a session, in playing order, with the user's verdict on it."""

    class Verdict(models.TextChoices):
        HELPED = "helped", "Helped"
        NEUTRAL = "neutral", "Neutral"
        HURT = "hurt", "Hurt"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="exercises")
    position = models.PositiveSmallIntegerField()
    slug = models.CharField(max_length=80)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)  # when a plan changed them
    verdict = models.CharField(max_length=7, choices=Verdict.choices, blank=True)
    # False when the session stopped before this exercise's first hold or set: it was not played,
    # so it has no verdict and counts for nothing.
    reached = models.BooleanField(default=True)
    # For rep work, what the person says they did (strength progression reads these): sets
    # finished, and reps in a set (each side, for one-sided work). Null when not asked.
    sets_done = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_done = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="one_exercise_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.slug} in session {self.session_id}"


class SessionKnot(models.Model):
    """How one knot felt before and after a session (0-10), when the user said."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="knots")
    knot = models.ForeignKey(Knot, on_delete=models.CASCADE, related_name="sessions")
    pain_before = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(PAIN_MIN), MaxValueValidator(PAIN_MAX)]
    )
    pain_after = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(PAIN_MIN), MaxValueValidator(PAIN_MAX)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "knot"], name="one_rating_per_knot"),
            models.CheckConstraint(
                condition=models.Q(pain_before__isnull=True)
                | models.Q(pain_before__gte=PAIN_MIN, pain_before__lte=PAIN_MAX),
                name="session_pain_before_range",
            ),
            models.CheckConstraint(
                condition=models.Q(pain_after__isnull=True)
                | models.Q(pain_after__gte=PAIN_MIN, pain_after__lte=PAIN_MAX),
                name="session_pain_after_range",
            ),
        ]

    def __str__(self) -> str:
        return f"knot {self.knot_id} in session {self.session_id}"

    @property
    def change(self) -> int | None:
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before


class SessionTally(models.Model):
    """A person's number of sessions and two versions of their sessions page, kept by the
    database itself: triggers (migration 0010) on the sessions, their exercises and ratings,
    and on a knot's place, update them however a row was written (a form, an import, a cascade,
    a statement typed into a shell). ``version`` moves with every write to what the page shows;
    ``labels`` only when a knot changes place (its name on the page). Each is a fresh random
    number every time, so a write rolled back can never bring an old one back with other rows
    behind it. The sessions page keeps its table under them (``session_list``). Python only
    ever reads it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="session_tally",
    )
    sessions = models.PositiveIntegerField(default=0)
    version = models.BigIntegerField(default=0)
    labels = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.sessions} sessions, version {self.version}"


class DoneCheckpoint(models.Model):
    """What a person's settled sessions and workouts add up to, for the day's first plan
    (``done``): the verdicts given per exercise and the strength work done, in the player and in
    the training log, over every session and workout that started before ``cutoff``. It is used
    only while those are still what it was made from: the number of sessions and of workouts,
    and the sums of their revisions (which the database moves with every write to a session,
    its exercises and its ratings, practice/0010; to a workout and its exercises, training/0006),
    must match, or it is made again from the whole history. Derived data: never exported,
    rebuilt on use."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="done_checkpoint",
    )
    # The time zone its days were counted in and the exercise library it read.
    key = models.CharField(max_length=200)
    cutoff = models.DateTimeField()
    sessions = models.PositiveIntegerField()
    revisions = models.BigIntegerField()
    workouts = models.PositiveIntegerField(default=0)
    workout_revisions = models.BigIntegerField(default=0)
    summary = models.JSONField()

    def __str__(self) -> str:
        return f"{self.sessions} sessions before {self.cutoff:%Y-%m-%d %H:%M}"


def _default_strength_days() -> list[int]:
    return [0, 2, 4]  # Monday, Wednesday, Friday: 2-3 non-consecutive days


def _default_stretch_days() -> list[int]:
    return [0, 1, 2, 3, 4, 5]


def _default_equipment() -> list[str]:
    return ["chair"]


class PlanSettings(models.Model):
    """What the planner may assume: equipment, time, which days, and the calendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_settings"
    )
    equipment = models.JSONField(default=_default_equipment)
    place = models.CharField(max_length=5, default="floor")  # where the usual plan happens
    minutes = models.PositiveSmallIntegerField(default=10)
    morning_minutes = models.PositiveSmallIntegerField(default=5)
    desk_minutes = models.PositiveSmallIntegerField(default=2)
    strength_days = models.JSONField(default=_default_strength_days)  # 0 = Monday
    stretch_days = models.JSONField(default=_default_stretch_days)
    practice_time = models.TimeField(default=time(18, 0))
    # The calendar feed's secret; empty when the feed is off. Changing it revokes old links.
    feed_token = models.CharField(max_length=64, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"plan settings of {self.user_id}"


class DayPlan(models.Model):
    """A plan as the user left it for one day: built by the planner, then maybe edited."""

    class Variant(models.TextChoices):
        MAIN = "main", "Today's routine"
        MORNING = "morning", "Morning mobility"
        DESK = "desk", "Desk break"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="day_plans"
    )
    day = models.DateField()
    variant = models.CharField(max_length=7, choices=Variant.choices, default=Variant.MAIN)
    minutes = models.PositiveSmallIntegerField()
    place = models.CharField(max_length=5)
    # [{"slug", "reps" (or null), "reason", "knots": [ids]}], in playing order.
    items = models.JSONField(default=list)
    left_out = models.JSONField(default=list)  # [[label, why], ...]
    notes = models.JSONField(default=list)  # what the planner wants said: ["...", ...]
    # A fingerprint of the knots and safety answers the plan was built on (planning.Inputs):
    # when they change, the kept plan is rebuilt or cleared of what is no longer allowed.
    basis = models.CharField(max_length=16, blank=True)
    edited = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day", "variant"], name="one_plan_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.variant} plan of {self.user_id} for {self.day}"
