"""The week's schedule: which days plan strength or stretching, what was done, and the private
calendar feed's token. Views and the calendar feed call these."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from knotless.accounts.services import local_today, user_zone
from knotless.lib.days import day_bounds
from knotless.practice.models import Session
from knotless.practice.planning import settings_of
from knotless.practice.services import counts_as_done

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    name: str
    planned: tuple[str, ...]  # "strength", "stretch"
    sessions: int
    minutes: int

    @property
    def done(self) -> bool:
        return self.sessions > 0


@dataclass(frozen=True, slots=True)
class Week:
    days: tuple[Day, ...]
    start: date

    @property
    def planned_days(self) -> int:
        return sum(1 for d in self.days if d.planned)

    @property
    def done_planned_days(self) -> int:
        return sum(1 for d in self.days if d.planned and d.done)

    @property
    def sessions(self) -> int:
        return sum(d.sessions for d in self.days)


def week(user: Any, around: date | None = None) -> Week:
    """Monday to Sunday around a day: what the schedule plans and what was done."""
    plan_settings = settings_of(user)
    around = around or local_today(user)
    start = around - timedelta(days=around.weekday())
    tz = user_zone(user)
    done: dict[date, list[int]] = {}
    begin, _ = day_bounds(start, tz)
    _, finish = day_bounds(start + timedelta(days=6), tz)
    for session in Session.objects.filter(
        user=user, started_at__gte=begin, started_at__lt=finish
    ).exclude(status=Session.Status.STARTED):
        day = timezone.localtime(session.started_at, tz).date()
        count = done.setdefault(day, [0, 0])
        # A session stopped after a few seconds is kept, but does not make the day "done".
        count[0] += int(counts_as_done(session))
        count[1] += session.played_seconds
    days = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        kinds = []
        if day.weekday() in plan_settings.strength_days:
            kinds.append("strength")
        if day.weekday() in plan_settings.stretch_days:
            kinds.append("stretch")
        sessions, seconds = done.get(day, [0, 0])
        days.append(Day(day, DAY_NAMES[day.weekday()], tuple(kinds), sessions, round(seconds / 60)))
    return Week(tuple(days), start)


def check_days(days: list[int], what: str) -> list[int]:
    chosen = sorted(set(days))
    if any(d not in range(7) for d in chosen):
        raise ValidationError("Days are Monday (0) to Sunday (6).", code="days")
    if what == "strength" and len(chosen) > 1:
        # Non-consecutive, Sunday to Monday included: a muscle needs a day between.
        for a, b in zip(chosen, [*chosen[1:], chosen[0] + 7], strict=True):
            if b - a == 1:
                raise ValidationError(
                    "Strength days need a rest day between them (e.g. Mon, Wed, Fri).",
                    code="consecutive",
                )
    return chosen


def new_feed_token(user: Any) -> str:
    plan_settings = settings_of(user)
    plan_settings.feed_token = secrets.token_urlsafe(24)
    plan_settings.save(update_fields=["feed_token"])
    return plan_settings.feed_token


def stop_feed(user: Any) -> None:
    plan_settings = settings_of(user)
    plan_settings.feed_token = ""
    plan_settings.save(update_fields=["feed_token"])
