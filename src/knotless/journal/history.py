"""A knot's history on its page: the pain chart (its last CHART_DAYS days unless all are asked for)
and the table of days, kept cheap after a check-in.

Check-ins are only ever added or deleted, never changed, so a knot's ratings are an append-only
log identified by their count and highest id. The page keeps two things in the cache:

- the ratings themselves (on the person's clock), under the knot alone, in this process's memory
  (pickling thousands of rows for a shared cache cost more than reading them again). After a
  check-in only the rows newer than the highest id held are read, and the list is used again if
  the count then adds up; anything else (a deletion, an import) reads the whole history afresh;
- the rendered chart and table, under the count and highest id of both the check-ins and the
  session marks, so a page seen twice is not drawn twice.

Session marks (ratings around a session) change only when a session is saved, so they are cached
under their own count and highest id and not re-read after a check-in.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from knotless.journal import services
from knotless.journal.models import Knot
from knotless.lib.charts import pain_chart
from knotless.lib.days import zone
from knotless.lib.memo import Memo
from knotless.overview import session_marks, session_marks_version

RECENT_DAYS = 30
# The chart shows the last this many days of a knot's history until the person asks for all of
# it: recent weeks read as dots, and the chart costs the same after two years as after three
# months.
CHART_DAYS = 90
CACHE_SECONDS = 24 * 60 * 60


class Rating(NamedTuple):
    """A check-in on the person's clock; tuples sort by moment, then id, as the history does."""

    moment: datetime
    id: int
    pain: int
    note: str


# About 100 KB for two years of three check-ins a day: 256 knots' histories stay under 30 MB.
HELD = Memo(256)


@dataclass(frozen=True, slots=True)
class AroundSession:
    """A knot's ratings just before and after a session, on the user's wall clock."""

    session_id: int
    moment: datetime
    before: int | None
    after: int | None


def _stamp(knot: Knot) -> str:
    # A knot id reused by another database (an import into a fresh one) never meets old rows.
    return f"{knot.pk}:{knot.created_at.timestamp()}"


def ratings(knot: Knot, tz_name: str, count: int, last: int | None) -> list[Rating]:
    """Every check-in of ``knot``, oldest first, on ``tz_name``'s clock; ``count`` and ``last``
    are the check-ins' count and highest id as just read from the database."""
    key = f"{_stamp(knot)}:{tz_name}"
    held: tuple[int, int | None, list[Rating]] | None = HELD.get(key)
    tz = zone(tz_name)
    found: list[Rating] | None = None
    if held is not None:
        held_count, held_last, rows = held
        if (held_count, held_last) == (count, last):
            return rows
        if held_last is not None and count > held_count:
            newer = list(
                knot.checkins.filter(id__gt=held_last)
                .order_by("id")
                .values_list("id", "moment", "pain", "note")
            )
            if held_count + len(newer) == count and (newer[-1][0] if newer else None) == last:
                found = list(rows)
                for pk, moment, pain, note in newer:  # a back-dated check-in lands in its place
                    insort(found, Rating(moment.astimezone(tz), pk, pain, note))
    if found is None:
        found = [
            Rating(moment.astimezone(tz), pk, pain, note)
            for pk, moment, pain, note in services.all_ratings(knot)
        ]
    HELD.set(key, (count, last, found))
    return found


def around_sessions(
    knot: Knot, tz_name: str, version: tuple[int, int | None]
) -> list[AroundSession]:
    key = f"around:{_stamp(knot)}:{tz_name}:{version[0]}:{version[1]}"
    held: list[AroundSession] | None = HELD.get(key)
    if held is not None:
        return held
    tz = zone(tz_name)
    found = [
        AroundSession(m.session_id, m.moment.astimezone(tz), m.before, m.after)
        for m in session_marks(knot)
    ]
    HELD.set(key, found)
    return found


def day_rows(
    points: list[Rating], around: list[AroundSession] | None = None, limit: int | None = None
) -> tuple[list[dict[str, object]], int]:
    """One row per day, newest first (the newest ``limit`` days, or all): its check-ins and
    average, and the ratings taken around sessions (listed, not averaged: they are not
    check-ins); and how many days there are in all."""
    days: dict[date, list[Rating]] = {}
    for rating in points:
        days.setdefault(rating.moment.date(), []).append(rating)
    sessions: dict[date, list[AroundSession]] = {}
    for mark in around or []:
        sessions.setdefault(mark.moment.date(), []).append(mark)
    every = sorted(days.keys() | sessions.keys(), reverse=True)
    return [
        {
            "day": day,
            "ratings": days.get(day, []),
            "sessions": sessions.get(day, []),
            "average": round(sum(r.pain for r in days[day]) / len(days[day]), 1)
            if day in days
            else None,
        }
        for day in (every if limit is None else every[:limit])
    ], len(every)


# A day's row of the table, drawn once: check-ins are only added or deleted, so a row is known by
# its day and the ids in it (and the session marks' numbers). After a check-in only today's row
# is drawn again. About 1 KB a row.
ROWS = Memo(20_000)


def _row_html(knot: Knot, tz_name: str, row: dict[str, Any]) -> str:
    marks = tuple((s.session_id, s.before, s.after) for s in row["sessions"])
    key = f"{_stamp(knot)}:{tz_name}:{row['day']}:{[r.id for r in row['ratings']]}:{marks}"
    html: str | None = ROWS.get(key)
    if html is None:
        html = render_to_string("journal/_history_row.html", {"row": row})
        ROWS.set(key, html)
    return html


def recent(
    points: list[Rating], around: list[AroundSession], days: int
) -> tuple[list[Rating], list[AroundSession], date | None]:
    """The ratings and session marks of the last ``days`` calendar days of a history that has
    some (ending on the day of its latest mark, so an untied knot still shows its end), and the
    first day shown, or None when nothing is left out."""
    moments = [m.moment for m in around]
    if points:
        moments += [points[0].moment, points[-1].moment]  # ratings are in time order
    last = max(moments)
    start = last.date() - timedelta(days=days - 1)
    if min(moments).date() >= start:
        return points, around, None
    cut = bisect_left(points, (datetime.combine(start, time.min, last.tzinfo),))
    return points[cut:], [m for m in around if m.moment.date() >= start], start


def history_html(knot: Knot, tz_name: str, *, show_all: bool) -> str:
    """The chart and table of a knot's ratings (two small aggregate queries when nothing
    changed; after a check-in, one more for the new rows)."""
    stats = knot.checkins.aggregate(count=Count("id"), last=Max("id"))
    marks_version = session_marks_version(knot)
    key = ":".join(
        str(part)
        for part in (
            "knot-history",
            5,
            _stamp(knot),
            stats["count"],
            stats["last"],
            *marks_version,
            tz_name,
            int(show_all),
        )
    )
    cached: str | None = cache.get(key)
    if cached is not None:
        return cached
    points = ratings(knot, tz_name, stats["count"], stats["last"])
    around = around_sessions(knot, tz_name, marks_version)
    shown, shown_around, chart_from = (
        (points, around, None)
        if show_all or not (points or around)
        else recent(points, around, CHART_DAYS)
    )
    series = tuple((r.moment.replace(tzinfo=None), r.pain) for r in shown)
    marks = tuple((m.moment.replace(tzinfo=None), m.before, m.after) for m in shown_around)
    rows, total_days = day_rows(points, around, None if show_all else RECENT_DAYS)
    html = render_to_string(
        "journal/_history.html",
        {
            "knot": knot,
            "chart": pain_chart(series, marks) if series or marks else None,
            "chart_from": chart_from,
            "chart_days": CHART_DAYS,
            "around": bool(around),
            "chart_marks": bool(marks),
            # Each row is a template's autoescaped output.
            "rows_html": mark_safe("".join(_row_html(knot, tz_name, row) for row in rows)),
            "hidden_days": total_days - len(rows),
            "total_days": total_days,
        },
    )
    cache.set(key, html, timeout=CACHE_SECONDS)
    return html
