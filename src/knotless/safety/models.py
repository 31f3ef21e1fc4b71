from __future__ import annotations

from django.conf import settings
from django.db import models


class Screening(models.Model):
    """One answered red-flag check: which questions were asked, which were ticked, the result."""

    class Outcome(models.TextChoices):
        NONE = "none", "No red flags ticked"
        SOON = "soon", "Book an appointment soon"
        TODAY = "today", "See a doctor today"
        EMERGENCY = "emergency", "Emergency"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screenings"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # comma-separated: head, neck, chest, back, abdomen, pelvis, leg, foot (all eight fit)
    areas = models.CharField(max_length=80)
    asked = models.JSONField(default=list)  # flag ids shown
    ticked = models.JSONField(default=list)  # flag ids the user said apply
    outcome = models.CharField(max_length=9, choices=Outcome.choices)
    knot = models.ForeignKey(
        "journal.Knot", null=True, blank=True, on_delete=models.SET_NULL, related_name="screenings"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.areas}) at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def area_set(self) -> frozenset[str]:
        return frozenset(a for a in self.areas.split(",") if a)
