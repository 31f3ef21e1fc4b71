"""Drinks, the user's own cups and bottles, and what their target is based on."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

DRINK_MAX_ML = 3000


class Drink(models.Model):
    class Kind(models.TextChoices):
        WATER = "water", "Water"
        TEA = "tea", "Tea"
        COFFEE = "coffee", "Coffee"
        OTHER = "other", "Other"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drinks"
    )
    moment = models.DateTimeField()
    ml = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(DRINK_MAX_ML)]
    )
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.WATER)
    # Made by the browser (crypto.randomUUID) for a form it may send more than once (offline
    # queue, retries): the same id stores one row. See knotless/queued.py.
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-moment", "-id"]
        indexes = [models.Index(fields=["user", "moment"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ml__gte=1, ml__lte=DRINK_MAX_ML), name="drink_ml_range"
            ),
            models.UniqueConstraint(fields=["client_id", "user"], name="one_drink_per_client_id"),
        ]

    def __str__(self) -> str:
        return f"{self.ml} ml {self.kind}"


class Vessel(models.Model):
    """A cup, glass or bottle the user drinks from: one tap logs its size."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vessels"
    )
    name = models.CharField(max_length=40)
    ml = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(DRINK_MAX_ML)]
    )
    kind = models.CharField(max_length=6, choices=Drink.Kind.choices, default=Drink.Kind.WATER)

    class Meta:
        ordering = ["ml", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ml} ml)"


class WaterSettings(models.Model):
    class Standard(models.TextChoices):
        EFSA = "efsa", "EFSA (European Food Safety Authority, 2010)"
        IOM = "iom", "US National Academies (2004-05)"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        UNSPECIFIED = "unspecified", "Rather not say"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="water_settings"
    )
    standard = models.CharField(max_length=4, choices=Standard.choices, default=Standard.EFSA)
    sex = models.CharField(max_length=11, choices=Sex.choices, default=Sex.UNSPECIFIED)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    pregnant = models.BooleanField(default=False)
    lactating = models.BooleanField(default=False)
    sweat_ml_per_hour = models.PositiveSmallIntegerField(null=True, blank=True)
    override_ml = models.PositiveSmallIntegerField(null=True, blank=True)
    wake = models.TimeField(default=time(7, 0))
    sleep = models.TimeField(default=time(23, 0))

    def __str__(self) -> str:
        return f"water settings of {self.user_id}"


class WaterDay(models.Model):
    """What makes one day different: heat, exercise beyond what the player logged."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="water_days"
    )
    day = models.DateField()
    hot = models.BooleanField(default=False)
    exercise_minutes = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_water_day")]

    def __str__(self) -> str:
        return f"water day {self.day} of {self.user_id}"
