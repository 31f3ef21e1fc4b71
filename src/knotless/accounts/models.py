from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from knotless.lib.days import is_time_zone


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(f"{value!r} is not a known time zone (for example Europe/Berlin).")


class Profile(models.Model):
    class Units(models.TextChoices):
        METRIC = "metric", "Metric (ml, kg)"
        IMPERIAL = "imperial", "Imperial (oz, lb)"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    units = models.CharField(max_length=8, choices=Units.choices, default=Units.METRIC)
    emergency_number = models.CharField(
        max_length=16,
        default="112",
        validators=[RegexValidator(r"^[0-9+ ]{2,16}$", "Digits only, such as 112, 911 or 999.")],
        help_text="Shown when an answer needs urgent help: 112 (EU), 911 (US), 999 (UK)…",
    )
    # What the person wants to ask their physio; printed at the end of the report.
    report_questions = models.TextField(max_length=2000, blank=True)
    # Changes with every write to this person's data (accounts/freshness.py); pages cached for
    # them are keyed by it. Never saved from a copy in memory: see save().
    data_version = models.BigIntegerField(default=0, editable=False)
    # Changes with every write except a check-in's: a page's frame, the parts a check-in cannot
    # change (knotless/frames.py), is kept under it.
    frame_version = models.BigIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in VERSIONS
            ]
        super().save(*args, **kwargs)


VERSIONS = frozenset({"data_version", "frame_version"})


class SetupToken(models.Model):
    """A one-time link that lets the first person create their account.

    Only a hash is stored: the token itself exists in the terminal that printed it.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"setup token from {self.created_at:%Y-%m-%d %H:%M}"
