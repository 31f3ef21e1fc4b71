"""How each knot is doing, for the pages that list knots: its latest rating, the 7-day change,
the 4-week review; and every rating of one knot for its history. Read-only, in few queries however
long the history."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from knotless.journal.models import CheckIn, Knot, KnotTally
from knotless.lib.days import moment_from_text
from knotless.lib.trends import REVIEW_AFTER, WEEK, WINDOW, Stall, Trend, stalled, trend


@dataclass(frozen=True, slots=True)
class KnotSummary:
    knot: Knot
    trend: Trend
    checkin_count: int
    stall: Stall | None = None  # active knots only: 4+ weeks without meaningful improvement
    first_pain: int | None = None  # its first rating, to say how far an untied knot came

    @property
    def rated_at_untie(self) -> bool:
        """Whether an untied knot's latest rating was the one given as it was untied (knots
        untied before that was asked end on an older rating, which must not read as current)."""
        at, untied = self.trend.latest_at, self.knot.untied_at
        return not self.knot.is_active and at is not None and untied is not None and at >= untied


def summaries(knots: QuerySet[Knot], now: datetime | None = None) -> list[KnotSummary]:
    """Each knot with its latest rating, 7-day change and 4-week review, in at most 4 queries.

    Only the check-ins of the last week are loaded, plus, per knot, the one rating that stood
    when the week began: that is all ``trend`` looks at, however long the history. Active knots
    followed for 4+ weeks also load their first and latest week of ratings for ``stalled``.
    """
    now = now or timezone.now()
    cutoff = now - WINDOW
    knot_list = list(knots)
    found = _knot_stats([k.pk for k in knot_list], cutoff)
    stats = {k.pk: found.get(k.pk, _Stats(0, None, None, None, None, None)) for k in knot_list}
    points: dict[int, list[tuple[datetime, int]]] = {}
    for k in knot_list:
        st = stats[k.pk]
        points[k.pk] = (
            [(st.base_at, st.base_pain)] if st.base_at and st.base_pain is not None else []
        )
    for knot_id, moment, pain in _week(list(points), cutoff):
        points[knot_id].append((moment, pain))
    stalls = _stalls(
        [
            (k.pk, stats[k.pk].checkins, stats[k.pk].first_at, stats[k.pk].latest_at)
            for k in knot_list
            if k.is_active
        ]
    )
    return [
        KnotSummary(
            k,
            trend(points[k.pk], now),
            stats[k.pk].checkins,
            stalls.get(k.pk),
            stats[k.pk].first_pain,
        )
        for k in knot_list
    ]


_STATS = """
SELECT k.id,
  COALESCE((SELECT t.checkins FROM {t} t WHERE t.knot_id = k.id), 0),
  (SELECT c.moment FROM {c} c WHERE c.knot_id = k.id AND c.moment <= %s
   ORDER BY c.moment DESC, c.id DESC LIMIT 1),
  (SELECT c.pain FROM {c} c WHERE c.knot_id = k.id AND c.moment <= %s
   ORDER BY c.moment DESC, c.id DESC LIMIT 1),
  (SELECT c.moment FROM {c} c WHERE c.knot_id = k.id ORDER BY c.moment, c.id LIMIT 1),
  (SELECT c.pain FROM {c} c WHERE c.knot_id = k.id ORDER BY c.moment, c.id LIMIT 1),
  (SELECT c.moment FROM {c} c WHERE c.knot_id = k.id ORDER BY c.moment DESC, c.id DESC LIMIT 1)
FROM {k} k WHERE k.id IN ({ids})
"""


_WEEK = """
SELECT knot_id, CAST(moment AS TEXT) AS at, pain FROM {c}
 WHERE knot_id IN ({ids}) AND moment > %s ORDER BY knot_id, moment, id"""


def _week(ids: list[int], cutoff: datetime) -> list[tuple[int, datetime, int]]:
    """The knots' check-ins after ``cutoff`` as (knot, moment, pain), by knot then time. Plain
    SQL, times read as text: through the ORM, a week of five knots rated thrice a day cost
    twice as much (its per-row conversion of each time)."""
    if not ids:
        return []
    sql = _WEEK.format(c=CheckIn._meta.db_table, ids=", ".join(["%s"] * len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, connection.ops.adapt_datetimefield_value(cutoff)])
        rows = cursor.fetchall()
    return [(knot_id, moment_from_text(at), pain) for knot_id, at, pain in rows]


class _Stats(NamedTuple):
    checkins: int
    base_at: datetime | None  # the rating standing when the trend's window began
    base_pain: int | None
    first_at: datetime | None
    first_pain: int | None
    latest_at: datetime | None


def _knot_stats(ids: list[int], cutoff: datetime) -> dict[int, _Stats]:
    """Per knot: its check-in count (from its tally: counting two years of check-ins was most of
    the query), the rating standing at ``cutoff`` (moment, pain), its first rating (moment, pain)
    and its latest moment. Each a correlated subquery on the (knot, moment) index, which a JOIN
    and GROUP BY over every check-in costs ten times more than on a year of history. Written as
    SQL: building the same query with the ORM cost Django two milliseconds a page, more than the
    database spent answering it."""
    if not ids:
        return {}
    sql = _STATS.format(
        c=CheckIn._meta.db_table,
        k=Knot._meta.db_table,
        t=KnotTally._meta.db_table,
        ids=", ".join(["%s"] * len(ids)),
    )
    at = connection.ops.adapt_datetimefield_value(cutoff)
    with connection.cursor() as cursor:
        cursor.execute(sql, [at, at, *ids])
        rows = cursor.fetchall()
    found: dict[int, _Stats] = {}
    for pk, count, base_at, base_pain, first_at, first_pain, latest_at in rows:
        found[pk] = _Stats(
            count,
            None if base_at is None else _utc(base_at),
            base_pain,
            None if first_at is None else _utc(first_at),
            first_pain,
            None if latest_at is None else _utc(latest_at),
        )
    return found


def _stalls(spans: list[tuple[int, int, datetime | None, datetime | None]]) -> dict[int, Stall]:
    """4-week reviews of knots (id, check-in count, first and latest check-in) followed long
    enough. A review only changes when check-ins are added or deleted, which changes the count or
    the latest moment, so answers are cached under those; the rest cost one query together."""
    due = [
        (pk, n, first, latest)
        for pk, n, first, latest in spans
        if first and latest and latest - first >= REVIEW_AFTER
    ]
    keys = {pk: f"stall:1:{pk}:{n}:{latest.timestamp()}" for pk, n, _, latest in due}
    cached = cache.get_many(list(keys.values()))
    result = {pk: cached[key][0] for pk, key in keys.items() if key in cached}
    todo = [(pk, first, latest) for pk, _, first, latest in due if keys[pk] not in cached]
    if not todo:
        return {pk: stall for pk, stall in result.items() if stall is not None}
    weeks = Q()
    for pk, first, latest in todo:
        weeks |= Q(knot_id=pk, moment__lt=first + WEEK)
        weeks |= Q(knot_id=pk, moment__gt=latest - WEEK)
    found: dict[int, list[tuple[datetime, int]]] = {pk: [] for pk, _, _ in todo}
    rows = (
        CheckIn.objects.filter(weeks)
        .order_by("knot_id", "moment", "id")
        .values_list("knot_id", "moment", "pain")
    )
    for knot_id, moment, pain in rows:
        found[knot_id].append((moment, pain))
    fresh = {pk: stalled(points) for pk, points in found.items()}
    # Wrapped in a tuple so that "not stalled" (None) is a cache hit too.
    cache.set_many({keys[pk]: (stall,) for pk, stall in fresh.items()}, timeout=24 * 60 * 60)
    result.update(fresh)
    return {pk: stall for pk, stall in result.items() if stall is not None}


def summary_of(
    knot: Knot, ratings: Sequence[tuple[datetime, int, int, str]], now: datetime | None = None
) -> KnotSummary:
    """What :func:`summaries` says of ``knot``, worked out from all its ratings held in memory:
    (moment, id, pain, note) sorted by moment then id, as the knot page holds them. Only the
    ratings each part looks at are read, found by bisection."""
    now = now or timezone.now()
    cutoff = now - WINDOW
    cut = bisect_right(ratings, cutoff, key=_moment)
    # The rating that stood when the week began, then the week's own.
    week = [(r[0], r[2]) for r in ratings[max(cut - 1, 0) :]]
    stall = None
    if knot.is_active and ratings:
        first_at, latest_at = ratings[0][0], ratings[-1][0]
        if latest_at - first_at >= REVIEW_AFTER:
            head = ratings[: bisect_left(ratings, first_at + WEEK, key=_moment)]
            tail = ratings[bisect_right(ratings, latest_at - WEEK, key=_moment) :]
            stall = stalled([(r[0], r[2]) for r in (*head, *tail)])
    return KnotSummary(
        knot,
        trend(week, now),
        len(ratings),
        stall,
        ratings[0][2] if ratings else None,
    )


def _moment(rating: tuple[datetime, int, int, str]) -> datetime:
    return rating[0]


def rating_stats(knot: Knot) -> tuple[int, int | None]:
    """The count and highest id of a knot's check-ins: what identifies them, as they are only
    ever added or deleted. Read from the knot's tally, which the database keeps; a plain cursor,
    as the ORM spent longer building this query than SQLite spends answering it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT checkins, last_id FROM {KnotTally._meta.db_table} WHERE knot_id = %s",
            [knot.pk],
        )
        row = cursor.fetchone()
    return (0, None) if row is None else (row[0], row[1])


def ratings_after(knot: Knot, last: int) -> list[tuple[int, datetime, int, str]]:
    """The check-ins of ``knot`` with an id above ``last``, as (id, moment in UTC, pain, note),
    by id."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, moment, pain, note FROM {CheckIn._meta.db_table} "
            "WHERE knot_id = %s AND id > %s ORDER BY id",
            [knot.pk, last],
        )
        rows = cursor.fetchall()
    return [(pk, _utc(moment), pain, note) for pk, moment, pain, note in rows]


def all_ratings(knot: Knot) -> list[tuple[int, datetime, int, str]]:
    """Every check-in of ``knot`` as (id, moment in UTC, pain, note), oldest first.

    The knot page redraws its history from these after each check-in, and two years are
    thousands of rows: read with a plain cursor, because Django's per-row conversion of a
    date and time (a settings lookup and a time-zone check for each) cost more than all the
    rest of the read on SQLite. PostgreSQL hands back aware times; SQLite naive UTC ones.
    """
    table = CheckIn._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, moment, pain, note FROM {table} WHERE knot_id = %s ORDER BY moment, id",
            [knot.pk],
        )
        rows = cursor.fetchall()
    return [(pk, _utc(moment), pain, note) for pk, moment, pain, note in rows]


def _utc(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
