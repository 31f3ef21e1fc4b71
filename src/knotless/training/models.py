"""Training as it happened: workouts, the exercises in them and their sets.

A workout is one session of any kind (a gym session, a run, a long drive). Its load is the
session effort on the CR-10 scale times its minutes (Foster's session RPE), asked about half an
hour after it ended; a workout nobody rated yet has no load and is shown as such. Strength
entries keep the sets as typed (``3x10@20kg rir2``) and one row per set for the figures.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from knotless.journal.models import NOTE_MAX, PAIN_MAX, PAIN_MIN, Knot

MAX_MINUTES = 24 * 60
EFFORT_MAX = 10


class Workout(models.Model):
    class Kind(models.TextChoices):
        STRENGTH = "strength", "Strength training"
        RUN = "run", "Run"
        CYCLE = "cycle", "Cycling"
        SWIM = "swim", "Swimming"
        WALK = "walk", "Walk or hike"
        FOOTBALL = "football", "Football"
        CLIMBING = "climbing", "Climbing"
        TEAM = "team", "Other team sport"
        DRIVE = "drive", "Long drive"
        PLAYER = "player", "knotless routine"
        OTHER = "other", "Other"

    class Source(models.TextChoices):
        WEB = "web", "Browser"
        TERMINAL = "terminal", "Terminal"
        IMPORT = "import", "Import"
        PLAYER = "player", "Player"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workouts"
    )
    # Made by the client (browser, phone, terminal, importer): a retried or replayed save
    # finds the workout it already made instead of logging it twice.
    uid = models.UUIDField(default=uuid.uuid4)
    day = models.DateField()  # the person's local date
    started_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STRENGTH)
    title = models.CharField(max_length=80, blank=True)
    minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    # Session effort, CR-10 (0 rest .. 10 maximal), asked about 30 minutes after the end.
    effort = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(EFFORT_MAX)]
    )
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    practice_session = models.OneToOneField(
        "practice.Session",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="workout",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A fresh random number with every write to the workout or to its exercises, given by the
    # database (migration 0006), whatever is saved here: the first plan's checkpoint
    # (practice/done.py) is trusted only while its settled workouts' revisions add up the same.
    revision = models.BigIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        ordering = ["-day", "-started_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-day"]),
            # The newest lifts first (coaching, the plan, flares) without sorting two years of
            # them: read in order, and each workout's entries by (workout, position).
            models.Index(fields=["user", "-started_at"], name="training_workout_user_started"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "uid"], name="one_workout_per_uid"),
            models.CheckConstraint(
                condition=models.Q(effort__isnull=True) | models.Q(effort__lte=EFFORT_MAX),
                name="workout_effort_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__isnull=True)
                | models.Q(minutes__gte=1, minutes__lte=MAX_MINUTES),
                name="workout_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} workout {self.pk} of {self.user_id}"

    @property
    def load(self) -> int | None:
        """Session effort times minutes, in arbitrary units; None until both are known."""
        if self.effort is None or self.minutes is None:
            return None
        return self.effort * self.minutes

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()


class OwnExercise(models.Model):
    """An exercise the person logs that the library does not have ("barbell hip thrust")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="own_exercises"
    )
    name = models.CharField(max_length=80)
    key = models.CharField(max_length=80)  # the name folded for matching: lower case, one space
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_own_exercise_per_name")
        ]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """One exercise within a workout, with its sets and how it felt."""

    class Morning(models.TextChoices):
        BETTER = "better", "Better"
        SAME = "same", "The same"
        WORSE = "worse", "Worse"
        PENDING = "pending", "Not answered yet"

    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveSmallIntegerField()
    slug = models.CharField(max_length=80, blank=True)  # a library exercise
    own = models.ForeignKey(
        OwnExercise, null=True, blank=True, on_delete=models.CASCADE, related_name="entries"
    )
    sets_text = models.CharField(max_length=1000)  # canonical, as setgrammar writes it
    # Asked right after the exercise: pain 0-10 and whether it was the familiar knot.
    pain_during = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(PAIN_MIN), MaxValueValidator(PAIN_MAX)]
    )
    familiar_knot = models.BooleanField(null=True, blank=True)
    # The knot near the muscles this exercise works, asked about the next morning on Today.
    knot = models.ForeignKey(
        Knot, null=True, blank=True, on_delete=models.SET_NULL, related_name="training_entries"
    )
    next_morning = models.CharField(max_length=7, choices=Morning.choices, blank=True)
    # Made by the browser (crypto.randomUUID) for a form it may send more than once (offline
    # queue, retries): the same id stores one row. An entry has no user column: a new workout made
    # for it takes a uid derived from this id, so racing twins meet in one workout and this
    # constraint keeps one entry (training/services.py).
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["workout", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workout", "position"], name="one_entry_per_slot"),
            models.UniqueConstraint(
                fields=["client_id", "workout"], name="one_entry_per_client_id"
            ),
            models.CheckConstraint(
                condition=(~models.Q(slug="") & models.Q(own__isnull=True))
                | (models.Q(slug="") & models.Q(own__isnull=False)),
                name="entry_library_or_own",
            ),
            models.CheckConstraint(
                condition=models.Q(pain_during__isnull=True)
                | models.Q(pain_during__gte=PAIN_MIN, pain_during__lte=PAIN_MAX),
                name="entry_pain_0_10",
            ),
        ]
        indexes = [models.Index(fields=["slug"]), models.Index(fields=["next_morning"])]

    def __str__(self) -> str:
        return f"{self.slug or self.own_id} in workout {self.workout_id}"


class WorkSet(models.Model):
    """One set as done: reps, the load in kg (None for bodyweight or a band), the effort."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="sets")
    order = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField()
    load_kg = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    bodyweight = models.BooleanField(default=False)
    band = models.CharField(max_length=20, blank=True)
    rir = models.PositiveSmallIntegerField(null=True, blank=True)
    rpe = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    warmup = models.BooleanField(default=False)

    class Meta:
        ordering = ["entry", "order"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "order"], name="one_set_per_slot"),
        ]

    def __str__(self) -> str:
        return f"set {self.order} of entry {self.entry_id}"


class Programme(models.Model):
    """The strength programme a person follows: one of knotless's templates, started on a day.
    Its exercises and rep ranges come from the template (``training.programmes``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme"
    )
    key = models.CharField(max_length=40)
    started_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.key} of {self.user_id}"


class TrainingSettings(models.Model):
    """The person's own marks: the pain they accept during an exercise, when a jump in load is
    pointed out, and the smallest load step they can make (in their own units)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_settings"
    )
    acceptable_pain = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(PAIN_MAX)]
    )
    ratio_jump = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.5"),
        validators=[MinValueValidator(Decimal("1.1")), MaxValueValidator(Decimal("3.0"))],
    )
    week_jump = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.5"),
        validators=[MinValueValidator(Decimal("1.1")), MaxValueValidator(Decimal("3.0"))],
    )
    increment = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("20"))],
    )

    def __str__(self) -> str:
        return f"training settings of {self.user_id}"
