"""Account operations shared by the views and the CLI."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from knotless.accounts.models import Profile, SetupToken
from knotless.lib.days import zone

SETUP_TOKEN_LIFETIME = timedelta(hours=24)


def check_username(username: str) -> str:
    """A name people sign in with: Django's rules (letters, digits, @.+-_; 150 at most) and unique
    regardless of case. Raises ValidationError naming the problem."""
    username = username.strip()
    if not username:
        raise ValidationError("A name to sign in with is needed.", code="required")
    field = get_user_model()._meta.get_field("username")
    for validator in field.validators:
        validator(username)
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise ValidationError(f"The name {username!r} is taken.", code="taken")
    return username


def create_user(username: str, password: str, *, time_zone: str = "UTC") -> User:
    """Create a user with their profile. Raises ValidationError for a bad name or weak password."""
    user = get_user_model()(username=check_username(username))
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        Profile.objects.create(user=user, time_zone=time_zone)
    return user


def profile_for(user: User) -> Profile:
    """The user's profile; users made elsewhere (admin, createsuperuser) get the defaults.
    A signed-in request's user comes with the profile already loaded: no query then."""
    loaded = getattr(user, "profile", None)  # a missing profile raises an AttributeError
    if isinstance(loaded, Profile):
        return loaded
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def user_zone(user: Any) -> ZoneInfo:
    """The user's time zone (UTC for a user without a profile). Uses the profile already
    loaded with the user, so it costs no query on a signed-in request."""
    profile = getattr(user, "profile", None)
    return zone(profile.time_zone if profile is not None else "UTC")


def local_today(user: Any, now: datetime | None = None) -> date:
    """Today on the user's own clock."""
    return timezone.localtime(now or timezone.now(), user_zone(user)).date()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def needs_setup() -> bool:
    return not get_user_model().objects.exists()


def issue_setup_token() -> str:
    """A fresh one-time setup token; older ones stop working."""
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        SetupToken.objects.all().delete()
        SetupToken.objects.create(token_hash=_hash(token))
    return token


def setup_token_is_valid(token: str) -> bool:
    oldest = timezone.now() - SETUP_TOKEN_LIFETIME
    return (
        needs_setup()
        and SetupToken.objects.filter(token_hash=_hash(token), created_at__gte=oldest).exists()
    )


def consume_setup_token(token: str) -> bool:
    """Spend the token: True for the one caller that deleted it, False for everybody else."""
    deleted, _ = SetupToken.objects.filter(token_hash=_hash(token)).delete()
    return deleted > 0
