"""The weekly schedule as an iCalendar feed, for calendar apps to subscribe to.

Two repeating events at the user's usual time and in their time zone: the strength days
(strength with stretching) and the other stretching days. Each links back to today's plan.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vRecur

from knotless import __version__
from knotless.accounts.services import user_zone
from knotless.practice.models import PlanSettings

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _first(days: list[int], start: date) -> date:
    """The first of ``days`` (0 = Monday) on or after ``start``."""
    return next(
        start + timedelta(days=n) for n in range(7) if (start + timedelta(days=n)).weekday() in days
    )


def feed(settings: PlanSettings, plan_url: str, today: date | None = None) -> bytes:
    tz = user_zone(settings.user)
    today = today or datetime.now(tz).date()
    cal = Calendar()
    cal.add("prodid", f"-//knotless//plan {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "knotless plan")
    cal.add("x-wr-timezone", str(tz))
    strength = sorted(settings.strength_days)
    stretch_only = sorted(set(settings.stretch_days) - set(strength))
    events = [
        (
            "strength",
            strength,
            "knotless: strength and stretching",
            "Strengthen what keeps giving way, then release and stretch today's knots.",
        ),
        (
            "stretch",
            stretch_only,
            "knotless: release and stretch",
            "Release and stretch today's knots; no strength work today.",
        ),
    ]
    for kind, days, summary, text in events:
        if not days:
            continue
        first = _first(days, today)
        start = datetime.combine(first, settings.practice_time, tz)
        event = Event()
        event.add("uid", f"{kind}-{settings.user_id}@knotless")
        event.add("dtstamp", datetime.now(tz))
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=settings.minutes))
        event.add("summary", summary)
        event.add("description", f"{text}\nToday's plan: {plan_url}")
        event.add("url", plan_url)
        event.add("rrule", vRecur(freq="WEEKLY", byday=[BYDAY[d] for d in days]))
        cal.add_component(event)
    cal.add_missing_timezones()
    body: bytes = cal.to_ical()
    return body
