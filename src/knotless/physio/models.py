"""A programme a physiotherapist sent, as the person added it to their plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Programme(models.Model):
    """The exercises a physio chose, with their doses: the plan follows them while active.

    ``items`` is the checked list from the programme file (physio/doc.py): each a library
    exercise by slug, or one described in words, with its dose, days a week and note."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programmes"
    )
    source = models.CharField("from", max_length=80)  # the physio's name as they wrote it
    written = models.DateField(null=True, blank=True)
    note = models.TextField(max_length=1000, blank=True)
    items = models.JSONField(default=list)
    added_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-added_at", "-id"]
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"from {self.source} ({len(self.items)} exercises)"
