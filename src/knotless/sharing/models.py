"""A share with a physio: a SMART Health Link whose content the server keeps only encrypted.

The key that decrypts it travels in the link (in the URL fragment, which browsers never send)
and is never stored: the row holds the JWE, the choices in words for the person's list, the
expiry, a hashed passcode with its wrong-attempt count, and the log of every access.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

MAX_WRONG_PASSCODES = 5


class Share(models.Model):
    # 32 random bytes, base64url: the manifest URL's 256 bits of entropy (SHL spec); not a
    # counter, so one share's id says nothing about another's.
    id = models.CharField(primary_key=True, max_length=43, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares"
    )
    label = models.CharField(max_length=80)
    knots = models.JSONField(default=list)  # the chosen knots' places, in words
    since = models.DateField()
    until = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    passcode = models.CharField(max_length=128, blank=True)  # hashed, as Django hashes passwords
    wrong_passcodes = models.PositiveSmallIntegerField(default=0)
    # The FHIR Bundle as a compact JWE (dir + A256GCM); emptied the moment the share ends.
    content = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.label} (until {self.expires_at:%Y-%m-%d %H:%M})"

    def state(self, now: datetime | None = None) -> str:
        """active, expired, revoked or locked (too many wrong passcodes)."""
        moment = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.wrong_passcodes >= MAX_WRONG_PASSCODES:
            return "locked"
        if self.expires_at <= moment:
            return "expired"
        return "active"

    @property
    def has_passcode(self) -> bool:
        return bool(self.passcode)


class ShareAccess(models.Model):
    """One request for a share's content, answered or refused, shown to the person."""

    class Outcome(models.TextChoices):
        OK = "ok", "Opened"
        WRONG = "wrong", "Refused: wrong passcode"
        NO_PASSCODE = "nopass", "Refused: no passcode given"
        LOCKED = "locked", "Refused: locked after wrong passcodes"
        EXPIRED = "expired", "Refused: expired"
        REVOKED = "revoked", "Refused: withdrawn"

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="accesses")
    at = models.DateTimeField(default=timezone.now)
    address = models.CharField(max_length=64)
    recipient = models.CharField(max_length=200)
    outcome = models.CharField(max_length=7, choices=Outcome.choices)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.outcome} from {self.address} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def ok(self) -> bool:
        return self.outcome == self.Outcome.OK
