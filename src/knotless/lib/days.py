"""Local days and time zones. Every "day" in knotless is a day on the user's own clock."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import cache


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    return name in time_zone_names()


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The ZoneInfo for ``name``; raises ValueError with a readable message when unknown."""
    if not is_time_zone(name):
        raise ValueError(f"{name!r} is not a known time zone (for example Europe/Berlin).")
    return zoneinfo.ZoneInfo(name)


def local_date(moment: datetime, tz: zoneinfo.ZoneInfo) -> date:
    if moment.tzinfo is None:
        raise ValueError("moment must be time-zone aware")
    return moment.astimezone(tz).date()


def day_bounds(day: date, tz: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a local day starts (inclusive) and ends (exclusive).

    Uses the wall clock at midnight on both ends, so a 23- or 25-hour DST day is handled.
    """
    start = datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return start, end


def moment_from_text(text: str) -> datetime:
    """A moment the database wrote as text (``CAST(... AS TEXT)``): PostgreSQL writes its
    offset, SQLite keeps UTC without one. Lists read their times this way because the driver's
    own parsing cost ten times as much per row. Give the cast a name of its own (``AS
    started``): PostgreSQL names it after the column, and an ``ORDER BY`` of the column then
    sorts the text rather than reading the index in order."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_moment(moment: datetime) -> str:
    """A moment on its own clock as "Sun 1 Nov, 18:30", as the date filter's "D j M, H:i"
    writes it (knotless has one language), at a tenth of the filter's cost: list pages write
    fifty of these."""
    return f"{WEEKDAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]}, {moment:%H:%M}"
