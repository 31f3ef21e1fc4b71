from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from knotless.atlas.regions import load_regions, region_label


def validate_region(value: str) -> None:
    if value not in load_regions():
        raise ValidationError(f"{value!r} is not a body-map region.")


NOTE_MAX = 2000
PAIN_MIN, PAIN_MAX = 0, 10


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    CENTER = "center", "Centre"


class Knot(models.Model):
    """One person's knot: where it sits, since when, and whether it is still there."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        UNTIED = "untied", "Untied"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knots"
    )
    region = models.CharField(max_length=64, validators=[validate_region])
    side = models.CharField(max_length=6, choices=Side.choices)
    muscle = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.ACTIVE)
    first_felt = models.DateField()
    untied_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped on every edit; a form carries the version it was drawn from so a save made from a
    # stale tab is caught instead of silently overwriting the other tab's change.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="active", untied_at__isnull=True)
                | models.Q(status="untied", untied_at__isnull=False),
                name="knot_untied_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.region}"

    @property
    def label(self) -> str:
        """Side and place in words, such as "Left medial border of scapula"."""
        return region_label(self.region, self.side)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def muscle_name(self) -> str:
        """The muscle's atlas name ("Upper trapezius"), or "" when not known."""
        if not self.muscle:
            return ""
        from knotless.atlas.muscles import get_muscle

        try:
            return get_muscle(self.muscle).name
        except KeyError:  # a muscle since dropped from the atlas keeps its slug
            return self.muscle


class CheckIn(models.Model):
    """A 0-10 pain rating of one knot at one moment. Many a day are fine."""

    # Indexed by the two indexes below, whose first column it is, rather than by an index of
    # its own: (knot, id) lets a knot's count and latest id be read from the index alone.
    knot = models.ForeignKey(
        Knot, on_delete=models.CASCADE, related_name="checkins", db_index=False
    )
    moment = models.DateTimeField()
    pain = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(PAIN_MIN), MaxValueValidator(PAIN_MAX)]
    )
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Made by the browser (crypto.randomUUID) for a form it may send more than once (offline
    # queue, retries): the same id stores one row. A check-in has no user column; the same
    # entry always names the same knot, so unique per knot holds it once (knotless/queued.py).
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["moment", "id"]
        indexes = [
            models.Index(fields=["knot", "moment"]),
            models.Index(fields=["knot", "id"], name="checkin_knot_and_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain__gte=PAIN_MIN, pain__lte=PAIN_MAX), name="checkin_pain_0_10"
            ),
            models.UniqueConstraint(fields=["client_id", "knot"], name="one_checkin_per_client_id"),
        ]

    def __str__(self) -> str:
        return f"{self.pain}/10 at {self.moment:%Y-%m-%d %H:%M}"


class KnotTally(models.Model):
    """A knot's number of check-ins and the highest of their ids, kept by the database itself:
    triggers on the check-in table (migration 0005) count every row added or removed, however it
    was (a form, an import, a cascade, a statement typed into a shell). Pages read the count
    here instead of counting two years of check-ins each time. Python only ever reads it."""

    knot = models.OneToOneField(
        Knot, primary_key=True, on_delete=models.CASCADE, related_name="tally"
    )
    checkins = models.PositiveIntegerField(default=0)
    last_id = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return f"{self.checkins} check-ins, up to #{self.last_id}"
