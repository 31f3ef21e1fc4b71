"""A knot's history on its page: the pain chart (its last CHART_DAYS days unless all are asked for)
and the table of days, kept cheap after a check-in.

Check-ins are only ever added or deleted, never changed, so a knot's ratings are an append-only
log identified by their count and highest id. The page keeps two things in the cache:

- the ratings themselves (on the person's clock), under the knot alone, in this process's memory
  (pickling thousands of rows for a shared cache cost more than reading them again). After a
  check-in only the rows newer than the highest id held are read, and the list is used again if
  the count then adds up; anything else (a deletion, an import) reads the whole history afresh;
- the rendered chart and table, under the check-ins' count and highest id and the person's
  frame version, so a page seen twice is not drawn twice.

Session marks (ratings around a session) change only with writes that move the frame version
(:mod:`knotless.accounts.freshness`: every write but a check-in), so they are held under it and
not re-read after a check-in. Rows of the table, earlier days' dots of the chart and the sorted
days are kept under what they are drawn from.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from django.core.cache import cache
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import escape

from knotless.journal import services
from knotless.journal.models import Knot
from knotless.lib.charts import PainChart, pain_chart
from knotless.lib.days import zone
from knotless.lib.memo import Memo
from knotless.lib.text import or_dash
from knotless.overview import session_marks

RECENT_DAYS = 30
# The chart shows the last this many days of a knot's history until the person asks for all of
# it: recent weeks read as dots, and the chart costs the same after two years as after three
# months.
CHART_DAYS = 90
CACHE_SECONDS = 24 * 60 * 60
ONE_DAY = timedelta(days=1)


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


class Held(NamedTuple):
    """A knot's ratings as held in memory, with the days they fall on (on the same clock) and
    each as the chart takes it (wall-clock moment, pain)."""

    size: int
    last: int | None
    rows: list[Rating]
    days: frozenset[date]
    plain: list[tuple[datetime, int]]


def _plain(rating: Rating) -> tuple[datetime, int]:
    return rating.moment.replace(tzinfo=None), rating.pain


def held(knot: Knot, tz_name: str, count: int, last: int | None) -> Held:
    """Every check-in of ``knot``, oldest first, on ``tz_name``'s clock, and their days;
    ``count`` and ``last`` are the check-ins' count and highest id as just read from the
    database (:func:`services.rating_stats`)."""
    key = f"{_stamp(knot)}:{tz_name}"
    kept: Held | None = HELD.get(key)
    tz = zone(tz_name)
    found: Held | None = None
    if kept is not None:
        if (kept.size, kept.last) == (count, last):
            return kept
        if kept.last is not None and count > kept.size:
            newer = services.ratings_after(knot, kept.last)
            if kept.size + len(newer) == count and (newer[-1][0] if newer else None) == last:
                rows, plain = list(kept.rows), list(kept.plain)
                added = []
                for pk, moment, pain, note in newer:  # a back-dated check-in lands in its place
                    rating = Rating(moment.astimezone(tz), pk, pain, note)
                    at = bisect_right(rows, rating)
                    rows.insert(at, rating)
                    plain.insert(at, _plain(rating))
                    added.append(rating.moment.date())
                # The same set when no day is new: the days' order below is then kept too.
                days = kept.days if kept.days.issuperset(added) else kept.days.union(added)
                found = Held(count, last, rows, days, plain)
    if found is None:
        rows = [
            Rating(moment.astimezone(tz), pk, pain, note)
            for pk, moment, pain, note in services.all_ratings(knot)
        ]
        days = frozenset(r.moment.date() for r in rows)
        found = Held(count, last, rows, days, [_plain(r) for r in rows])
    HELD.set(key, found)
    return found


def around_sessions(
    knot: Knot, tz_name: str, version: str
) -> tuple[list[AroundSession], dict[date, list[AroundSession]]]:
    """The knot's session marks on ``tz_name``'s clock, and the same by day; ``version`` is
    anything that changes whenever they may have (the person's frame version)."""
    key = f"around:{_stamp(knot)}:{tz_name}:{version}"
    found: tuple[list[AroundSession], dict[date, list[AroundSession]]] | None = HELD.get(key)
    if found is not None:
        return found
    tz = zone(tz_name)
    marks = [
        AroundSession(m.session_id, m.moment.astimezone(tz), m.before, m.after)
        for m in session_marks(knot)
    ]
    found = marks, _by_day(marks)
    HELD.set(key, found)
    return found


def _by_day(marks: list[AroundSession]) -> dict[date, list[AroundSession]]:
    days: dict[date, list[AroundSession]] = {}
    for mark in marks:
        days.setdefault(mark.moment.date(), []).append(mark)
    return days


# Every day with a rating or a session mark, newest first, by the two sets of days.
DAYS = Memo(64)


def day_rows(
    points: list[Rating],
    rated: frozenset[date],
    sessions: dict[date, list[AroundSession]],
    limit: int | None = None,
) -> tuple[list[dict[str, object]], int]:
    """One row per day, newest first (the newest ``limit`` days, or all): its check-ins and
    average, and the ratings taken around sessions (listed, not averaged: they are not
    check-ins); and how many days there are in all. ``rated`` are the days of ``points`` and
    ``sessions`` the session marks by day, as held: only the points of the days shown are read."""
    key = (rated, frozenset(sessions))
    every: list[date] | None = DAYS.get(key)
    if every is None:
        every = sorted(rated | sessions.keys(), reverse=True)
        DAYS.set(key, every)
    shown = every if limit is None else every[:limit]
    tz = points[0].moment.tzinfo if points else None
    rows = []
    for day in shown:
        # Ratings are in time order: a day's are found by bisection, not by reading them all.
        ratings: list[Rating] = []
        if day in rated:
            start = bisect_left(points, (datetime.combine(day, time.min, tz),))
            end = bisect_left(points, (datetime.combine(day + ONE_DAY, time.min, tz),), start)
            ratings = points[start:end]
        rows.append(
            {
                "day": day,
                "ratings": ratings,
                "sessions": sessions.get(day, []),
                "average": round(sum(r.pain for r in ratings) / len(ratings), 1)
                if ratings
                else None,
            }
        )
    return rows, len(every)


# A day's row of the table, drawn once: check-ins are only added or deleted, so a row is known by
# its day and the ids in it (and the session marks' numbers). After a check-in only today's row
# is drawn again. About 1 KB a row.
ROWS = Memo(20_000)


def _row_html(stamp: str, tz_name: str, row: dict[str, Any]) -> str:
    marks = tuple((s.session_id, s.before, s.after) for s in row["sessions"])
    key = (stamp, tz_name, row["day"], tuple(r.id for r in row["ratings"]), marks)
    html: str | None = ROWS.get(key)
    if html is None:
        html = row_html(row)
        ROWS.set(key, html)
    return html


@lru_cache(maxsize=4096)
def _item(hour: int, minute: int, pain: int, note: str) -> str:
    """A rating in the table, by all it shows: a day of dozens draws only the new one."""
    said = f' <span class="muted">“{escape(note)}”</span>' if note else ""
    return f"<li>{hour:02d}:{minute:02d}: <strong>{pain}</strong>{said}</li>"


def row_html(row: dict[str, Any]) -> str:
    """A day's row of the table. Written out here rather than by a template: today's row is
    drawn again after every check-in, and a day can hold dozens of ratings."""
    items = [_item(r.moment.hour, r.moment.minute, r.pain, r.note) for r in row["ratings"]]
    items += [
        f'<li class="around-session">{s.moment:%H:%M} '
        f'<a href="{escape(reverse("session", args=[s.session_id]))}">around a session</a>: '
        f"<strong>{or_dash(s.before)} → {or_dash(s.after)}</strong></li>"
        for s in row["sessions"]
    ]
    return (
        f'<tr>\n  <td class="nowrap">{escape(date_format(row["day"], "j M Y"))}</td>\n'
        f'  <td><ul class="ratings">{"".join(items)}</ul></td>\n'
        f"  <td>{escape(or_dash(row['average']))}</td>\n</tr>\n"
    )


def recent(
    points: list[Rating], around: list[AroundSession], days: int
) -> tuple[list[Rating], list[AroundSession], date | None]:
    """The ratings and session marks of the last ``days`` calendar days of a history that has
    some (ending on the day of its latest mark, so an untied knot still shows its end), and the
    first day shown, or None when nothing is left out. Both lists are in time order."""
    moments = [m.moment for m in (*around[:1], *around[-1:])]
    moments += [r.moment for r in (*points[:1], *points[-1:])]
    last = max(moments)
    start = last.date() - timedelta(days=days - 1)
    if min(moments).date() >= start:
        return points, around, None
    midnight = datetime.combine(start, time.min, last.tzinfo)
    return (
        points[bisect_left(points, (midnight,)) :],
        around[bisect_left(around, midnight, key=_when) :],
        start,
    )


def _when(mark: AroundSession) -> datetime:
    return mark.moment


def history_html(
    knot: Knot,
    tz_name: str,
    stats: tuple[int, int | None],
    *,
    show_all: bool,
    sessions_version: str,
) -> str:
    """The chart and table of a knot's ratings. ``stats`` are its check-ins' count and highest
    id (:func:`services.rating_stats`); ``sessions_version`` changes whenever its session marks
    may have (see :func:`around_sessions`). No query when nothing changed; after a check-in, one
    for the new rows."""
    key = ":".join(
        str(part)
        for part in (
            "knot-history",
            6,
            _stamp(knot),
            *stats,
            sessions_version,
            tz_name,
            int(show_all),
        )
    )
    cached: str | None = cache.get(key)
    if cached is not None:
        return cached
    kept = held(knot, tz_name, *stats)
    points = kept.rows
    around, around_by_day = around_sessions(knot, tz_name, sessions_version)
    shown, shown_around, chart_from = (
        (points, around, None)
        if show_all or not (points or around)
        else recent(points, around, CHART_DAYS)
    )
    series = tuple(kept.plain[len(points) - len(shown) :])
    marks = tuple((m.moment.replace(tzinfo=None), m.before, m.after) for m in shown_around)
    rows, total_days = day_rows(points, kept.days, around_by_day, None if show_all else RECENT_DAYS)
    chart = pain_chart(series, marks) if series or marks else None
    # Each row is escaped as it is written (row_html).
    stamp = _stamp(knot)
    rows_html = "".join(_row_html(stamp, tz_name, row) for row in rows)
    html = section_html(
        chart, chart_from, bool(around), bool(marks), rows_html, total_days, len(rows)
    )
    cache.set(key, html, timeout=CACHE_SECONDS)
    return html


def section_html(
    chart: PainChart | None,
    chart_from: date | None,
    around: bool,
    chart_marks: bool,
    rows_html: str,
    total_days: int,
    shown_days: int,
) -> str:
    """The history's section: the chart, a note on the days it shows, and the table. Written
    out here rather than by a template, as it is drawn again after every check-in."""
    since = f"{CHART_DAYS} days, from {date_format(chart_from, 'j M Y')}" if chart_from else ""
    out = [
        '<section aria-labelledby="history-title">\n'
        '  <h2 id="history-title">Pain over time</h2>\n  '
    ]
    if chart is not None:
        what = (
            f"the shaded band spans each {chart.per}'s lowest to highest rating"
            if chart.band
            else "dots are check-ins"
        )
        sessions = ""
        if chart_marks:
            sessions = (
                ", and ticks along the bottom mark the sessions, whose ratings before and after "
                "are summed up under the chart"
                if chart.band
                else ", and each arrow with hollow diamonds goes from the rating just before a "
                "session to the one just after it"
            )
        shown = f"It shows the last {since}. " if chart_from else ""
        table = (
            "The same numbers are in the table below."
            if chart.per == "day"
            else "The table below lists each day's numbers."
        )
        label = (
            f"Chart of pain ratings over time: {what}, the line joins {chart.per_adjective} "
            f"averages{sessions}. {shown}{table}"
        )
        # Every word of the label is knotless's own (a period's name, a number, a date).
        out.append(f'<div class="chart card" role="img" aria-label="{label}">{chart.html}</div>')
    out.append("\n  ")
    if chart_from:
        out.append(
            f'<p class="small muted">The last {since}. <a href="?all=1#history-title">Show the '
            f"whole history</a> ({total_days} days with ratings).</p>"
        )
    caption = ", with the ratings taken around sessions" if around else ""
    out.append(
        '\n  <div class="table-wrap">\n    <table>\n      <caption class="visually-hidden">'
        f"Pain ratings by day, newest first{caption}</caption>\n"
        '      <thead><tr><th scope="col">Day</th><th scope="col">Ratings (time: pain)</th>'
        '<th scope="col">Day average</th></tr></thead>\n      <tbody>\n      '
        f"{rows_html}\n      </tbody>\n    </table>\n  </div>\n  "
    )
    if around:
        out.append(
            '<p class="small muted">Ratings around a session (before → after) are shown apart '
            "from check-ins and left out of the day averages.</p>"
        )
    out.append("\n  ")
    hidden = total_days - shown_days
    if hidden:
        out.append(
            f'<p><a href="?all=1#history-title">Show all {total_days} days</a> ({hidden} older '
            f"day{'s' if hidden != 1 else ''} hidden)</p>"
        )
    out.append("\n</section>\n")
    return "".join(out)
