"""Water: logging, undo, the day's target and pace, and history. Views and CLI share these."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from knotless.accounts.freshness import touch
from knotless.accounts.services import local_today, user_zone
from knotless.hydration.models import DRINK_MAX_ML, Drink, Vessel, WaterDay, WaterSettings
from knotless.lib import hydration
from knotless.lib.days import day_bounds
from knotless.practice.models import Session

UNDO_WINDOW = timedelta(hours=24)
DEFAULT_VESSELS = (("Glass", 250), ("Mug", 300), ("Bottle", 500))


def units_of(user: Any) -> str:
    profile = getattr(user, "profile", None)
    return profile.units if profile is not None else "metric"


def settings_of(user: Any) -> WaterSettings:
    found, created = WaterSettings.objects.get_or_create(user=user)
    if created and not Vessel.objects.filter(user=user).exists():
        Vessel.objects.bulk_create(Vessel(user=user, name=n, ml=ml) for n, ml in DEFAULT_VESSELS)
        touch(user.pk)
    return found


def vessels(user: Any, *, set_up: bool = False) -> list[Vessel]:
    """The user's cups; ``set_up`` says the settings (which bring the default cups) were
    already read in this request."""
    if not set_up:
        settings_of(user)
    return list(Vessel.objects.filter(user=user))


def check_ml(ml: int) -> int:
    if isinstance(ml, bool) or not isinstance(ml, int) or not 1 <= ml <= DRINK_MAX_ML:
        raise ValidationError(f"A drink is 1 ml to {DRINK_MAX_ML} ml.", code="ml")
    return ml


def log_drink(
    user: Any,
    ml: int,
    *,
    kind: str = Drink.Kind.WATER,
    moment: datetime | None = None,
    client_id: uuid.UUID | None = None,
) -> Drink:
    check_ml(ml)
    if kind not in Drink.Kind.values:
        raise ValidationError(f"Kind is one of {', '.join(Drink.Kind.values)}.", code="kind")
    now = timezone.now()
    moment = moment or now
    if moment > now + timedelta(minutes=5):
        raise ValidationError("That time is in the future.", code="future")
    return Drink.objects.create(user=user, ml=ml, kind=kind, moment=moment, client_id=client_id)


def vessel_of(user: Any, vessel_id: int) -> Vessel:
    try:
        return Vessel.objects.get(pk=vessel_id, user=user)
    except (Vessel.DoesNotExist, ValueError, TypeError):
        raise Http404("No such cup.") from None


def log_vessel(user: Any, vessel_id: int, client_id: uuid.UUID | None = None) -> Drink:
    vessel = vessel_of(user, vessel_id)
    return log_drink(user, vessel.ml, kind=vessel.kind, client_id=client_id)


@transaction.atomic
def undo(user: Any, drink_id: int | None = None) -> Drink:
    """Remove a drink (by default the latest) logged in the last day: mistakes happen."""
    drinks = Drink.objects.select_for_update().filter(
        user=user, moment__gte=timezone.now() - UNDO_WINDOW
    )
    drink = (
        drinks.filter(pk=drink_id).first()
        if drink_id
        else drinks.order_by("-moment", "-id").first()
    )
    if drink is None:
        raise ValidationError("Nothing from the last day to undo.", code="nothing")
    drink.delete()
    return drink


def add_vessel(user: Any, name: str, ml: int, kind: str = Drink.Kind.WATER) -> Vessel:
    name = name.strip()
    if not name or len(name) > 40:
        raise ValidationError("Give the cup a name of up to 40 characters.", code="name")
    check_ml(ml)
    if Vessel.objects.filter(user=user).count() >= 12:
        raise ValidationError("Twelve cups is the most; remove one first.", code="many")
    return Vessel.objects.create(user=user, name=name, ml=ml, kind=kind)


def remove_vessel(user: Any, vessel_id: int) -> None:
    deleted, _ = Vessel.objects.filter(pk=vessel_id, user=user).delete()
    if not deleted:
        raise Http404("No such cup.")


def person(s: WaterSettings, day: date) -> hydration.Person:
    """What the target calculation needs to know of the user, on ``day``."""
    age = day.year - s.birth_year if s.birth_year else None
    return hydration.Person(
        standard=s.standard,
        sex=s.sex,
        age=age,
        pregnant=s.pregnant,
        lactating=s.lactating,
        sweat_ml_per_hour=s.sweat_ml_per_hour,
        override_ml=s.override_ml,
    )


def water_day(user: Any, day: date) -> WaterDay:
    found = WaterDay.objects.filter(user=user, day=day).first()
    return found or WaterDay(user=user, day=day)


def set_day(user: Any, day: date, *, hot: bool, exercise_minutes: int) -> WaterDay:
    if not 0 <= exercise_minutes <= 600:
        raise ValidationError("Exercise minutes run from 0 to 600.", code="minutes")
    found, _ = WaterDay.objects.update_or_create(
        user=user, day=day, defaults={"hot": hot, "exercise_minutes": exercise_minutes}
    )
    return found


def played_minutes(user: Any, day: date) -> int:
    start, end = day_bounds(day, user_zone(user))
    seconds = (
        Session.objects.filter(user=user, started_at__gte=start, started_at__lt=end)
        .exclude(status=Session.Status.STARTED)
        .aggregate(total=Sum("played_seconds"))["total"]
    )
    return round((seconds or 0) / 60)


@dataclass(frozen=True, slots=True)
class Today:
    day: date
    target: hydration.Target
    intake: int
    pace: int
    drinks: list[Drink]
    warning: hydration.Warning | None
    hot: bool
    exercise_minutes: int  # planned or logged elsewhere
    played_minutes: int  # from the player's sessions

    @property
    def share(self) -> float:
        return min(self.intake / self.target.ml, 1.0) if self.target.ml else 0.0

    @property
    def behind(self) -> int:
        return max(self.pace - self.intake, 0)


def today(user: Any, now: datetime | None = None, s: WaterSettings | None = None) -> Today:
    """Today's water; a page that has read the settings already passes them as ``s``."""
    now = now or timezone.now()
    day = local_today(user, now)
    start, end = day_bounds(day, user_zone(user))
    drinks = list(Drink.objects.filter(user=user, moment__gte=start, moment__lt=end))
    extra = water_day(user, day)
    played = played_minutes(user, day)
    s = s or settings_of(user)
    goal = hydration.target(
        person(s, day), exercise_minutes=extra.exercise_minutes + played, hot_day=extra.hot
    )
    local_now = timezone.localtime(now, user_zone(user)).time()
    recent = list(
        Drink.objects.filter(user=user, moment__gt=now - timedelta(hours=1)).values_list(
            "moment", "ml"
        )
    )
    return Today(
        day=day,
        target=goal,
        intake=sum(d.ml for d in drinks),
        pace=hydration.pace(goal.ml, local_now, wake=s.wake, sleep=s.sleep),
        drinks=drinks,
        warning=hydration.intake_warning(recent, now),
        hot=extra.hot,
        exercise_minutes=extra.exercise_minutes,
        played_minutes=played,
    )


@dataclass(frozen=True, slots=True)
class DayTotal:
    day: date
    ml: int
    target: int


def history(user: Any, days: int = 14, s: WaterSettings | None = None) -> list[DayTotal]:
    """Intake per local day for the last ``days`` days, oldest first, with each day's target."""
    last = local_today(user)
    first = last - timedelta(days=days - 1)
    tz = user_zone(user)
    start, _ = day_bounds(first, tz)
    _, end = day_bounds(last, tz)
    totals = {
        row["day"]: row["ml"]
        for row in Drink.objects.filter(user=user, moment__gte=start, moment__lt=end)
        .annotate(day=TruncDate("moment", tzinfo=tz))
        .values("day")
        .annotate(ml=Sum("ml"))
    }
    extras = {w.day: w for w in WaterDay.objects.filter(user=user, day__gte=first, day__lte=last)}
    played = {
        row["day"]: round((row["seconds"] or 0) / 60)
        for row in Session.objects.filter(user=user, started_at__gte=start, started_at__lt=end)
        .exclude(status=Session.Status.STARTED)
        .annotate(day=TruncDate("started_at", tzinfo=tz))
        .values("day")
        .annotate(seconds=Sum("played_seconds"))
    }
    s = s or settings_of(user)  # once, not once a day
    out = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        extra = extras.get(day)
        goal = hydration.target(
            person(s, day),
            exercise_minutes=(extra.exercise_minutes if extra else 0) + played.get(day, 0),
            hot_day=extra.hot if extra else False,
        )
        out.append(DayTotal(day, totals.get(day, 0), goal.ml))
    return out
