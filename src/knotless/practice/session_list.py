"""The sessions page: every routine a person played, fifty to a page, newest first.

What the page shows is kept, drawn, under numbers the database moves with every write to it,
however it was written (a form, an import, a cascade, a statement typed into a shell; migration
``practice/0010``), so a write shows on the very next page and nothing is ever looked for and
deleted:

- the whole table, under the person's version (:class:`~knotless.practice.models.SessionTally`,
  one row that also holds their number of sessions): a page read while nothing changed reads
  that one row;
- each row, under its session's revision and the version of the person's knots' names: after a
  routine, only its row is drawn, the other forty-nine are taken as they were.

A row with an open session (its "Open" link asks the safety answers, its "Discard" form carries
the CSRF token) is drawn afresh each time, and a table that holds one is not kept.

Rows are read with plain queries, none per row (the page of sessions; then, for the rows to be
drawn, their exercises, their knots' ratings and the person's knots), and written out here
rather than by a template. Read as model instances with their exercises and knots prefetched and
drawn by the template, a full page of fifty rows took four times as long as a first-day
account's page of one (``bench/scale.py``); a row drawn now costs about 23 µs, queries included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache as cache_result
from html import escape  # the standard library's: Django's adds a lazy-text check per call
from typing import NamedTuple

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

import knotless
from knotless.accounts.typing import AuthedRequest
from knotless.atlas.regions import region_label
from knotless.journal.models import Knot
from knotless.lib.days import moment_from_text, short_moment
from knotless.lib.text import or_dash
from knotless.library.exercises import load_exercises
from knotless.practice.models import Session, SessionExercise, SessionKnot, SessionTally
from knotless.practice.services import played_enough
from knotless.safety import guard

SESSIONS_PER_PAGE = 50
# How long a drawn table is kept: its key changes with every write it shows, so this only
# bounds the memory of tables no one asks for again.
TABLE_SECONDS = 60 * 60
ROWS_KEPT = 2 * SESSIONS_PER_PAGE  # a person's rows kept: the pages they read last
NAMES_SHOWN = 90  # characters of exercise names in a row before the rest are counted instead
STATUS_LABELS = dict(Session.Status.choices)


@dataclass(slots=True)
class Row:
    """One session of the page, as its row shows it."""

    id: int
    revision: int
    started_at: datetime
    status: str
    planned_seconds: int
    played_seconds: int
    names: list[str] = field(default_factory=list)
    knots: list[tuple[str, int | None, int | None]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status == Session.Status.STARTED

    @property
    def counted(self) -> bool:
        """Whether it counts toward the day (:func:`services.counts_as_done`)."""
        return played_enough(self.status, self.planned_seconds, self.played_seconds)


class Tally(NamedTuple):
    """A person's number of sessions and the versions of their sessions page."""

    sessions: int
    version: int  # moves with every write the page shows
    labels: int  # moves when a knot changes place, its name on the page


def tally(user_id: int) -> Tally:
    """The person's :class:`Tally`; all 0 for one who never played."""
    with connection.cursor() as cursor:
        cursor.execute(_TALLY.format(user_id=int(user_id)))
        found = cursor.fetchone()
    return Tally(*map(int, found)) if found else Tally(0, 0, 0)


def pager(count: int, number: str | None) -> Page[int]:
    """The page numbered ``number`` of ``count`` sessions. A number that is not one (text, 0,
    past the end) gives the nearest real page, so an old link never fails."""
    return Paginator(range(count), SESSIONS_PER_PAGE).get_page(number)


def page_of(user_id: int, number: str | None) -> tuple[Page[int], list[Row]]:
    """One page of the person's sessions, newest first, with their exercises' names (in playing
    order) and their knots' ratings."""
    page = pager(tally(user_id).sessions, number)
    rows = sessions_on(user_id, page)
    fill(user_id, rows)
    return page, rows


def sessions_on(user_id: int, page: Page[int]) -> list[Row]:
    """The sessions of ``page``, without their exercises and knots."""
    if not page.paginator.count:
        return []
    offset = int(page.start_index() - 1)
    query = _PAGE.format(user_id=int(user_id), limit=SESSIONS_PER_PAGE, offset=offset)
    with connection.cursor() as cursor:
        cursor.execute(query)
        return [
            Row(pk, revision, moment_from_text(at), status, planned, played)
            for pk, revision, at, status, planned, played in cursor.fetchall()
        ]


def fill(user_id: int, rows: list[Row]) -> None:
    """Give ``rows`` their exercises' names, in playing order, and their knots' ratings."""
    if not rows:
        return
    by_id = {row.id: row for row in rows}
    ids = ",".join(str(int(pk)) for pk in by_id)  # whole numbers from the database
    with connection.cursor() as cursor:
        cursor.execute(_EXERCISES.format(ids=ids))
        exercises = cursor.fetchall()
        cursor.execute(_RATINGS.format(ids=ids))
        ratings = cursor.fetchall()
        labels = {}
        if ratings:
            cursor.execute(_KNOTS.format(user_id=int(user_id)))
            labels = {pk: region_label(region, side) for pk, region, side in cursor.fetchall()}
    library = load_exercises()
    for session_id, slug in exercises:
        by_id[session_id].names.append(library[slug].name if slug in library else slug)
    for session_id, knot_id, before, after in ratings:
        # Always the person's own knot; were one ever not, its rating is not theirs to see.
        if knot_id in labels:
            by_id[session_id].knots.append((labels[knot_id], before, after))


# Plain SQL with the whole numbers written in: through the ORM, building these queries and the
# driver's parsing of fifty times cost more than the database's answers. Times are read as text
# (see moment_from_text). Each query reads one table by its index: a join of the ratings to the
# knots cost PostgreSQL more to plan than to answer.
_TALLY = (
    "SELECT sessions, version, labels"
    f" FROM {SessionTally._meta.db_table} WHERE user_id = {{user_id}}"
)
_PAGE = f"""
SELECT id, revision, CAST(started_at AS TEXT) AS started, status, planned_seconds,
       played_seconds
  FROM {Session._meta.db_table} WHERE user_id = {{user_id}}
 ORDER BY started_at DESC, id DESC LIMIT {{limit}} OFFSET {{offset}}"""
_EXERCISES = f"""
SELECT session_id, slug FROM {SessionExercise._meta.db_table}
 WHERE session_id IN ({{ids}}) ORDER BY session_id, position"""
_RATINGS = f"""
SELECT session_id, knot_id, pain_before, pain_after FROM {SessionKnot._meta.db_table}
 WHERE session_id IN ({{ids}}) ORDER BY id"""
# The person's knots: a session's knots are always its person's own.
_KNOTS = f"SELECT id, region, side FROM {Knot._meta.db_table} WHERE user_id = {{user_id}}"


def shown_names(names: list[str]) -> str:
    """The exercises' names, joined, as many whole names as fit in NAMES_SHOWN characters and
    then how many more ("Chin tuck, Doorway chest stretch and 2 more"): a name cut halfway reads
    as a different exercise. A first name longer than that is cut with "…", unless it is the
    only one."""
    text = ", ".join(names)
    if len(text) <= NAMES_SHOWN or len(names) == 1:
        return text
    kept: list[str] = []
    length = 0
    for name in names:
        extra = len(name) + (2 if kept else 0)
        if length + extra > NAMES_SHOWN:
            break
        kept.append(name)
        length += extra
    if not kept:
        kept = [names[0][: NAMES_SHOWN - 1] + "…"]
    return f"{', '.join(kept)} and {len(names) - len(kept)} more"


def row_html(row: Row, *, can_play: bool, csrf_token: str) -> str:
    """A row of the table. An open session (started, never saved) offers to be opened again,
    when the safety answers allow playing, and to be discarded."""
    when = escape(short_moment(row.started_at.astimezone(timezone.get_current_timezone())))
    names = escape(shown_names(row.names))
    knots = (
        "<br>".join(
            f"{escape(label)}: {or_dash(before)} → {or_dash(after)}"
            for label, before, after in row.knots
        )
        or '<span class="muted">–</span>'
    )
    status = escape(STATUS_LABELS.get(row.status, row.status))
    if row.is_open:
        status += "<br>"
        if can_play:
            status += f'<a href="{escape(reverse("play", args=[row.id]))}">Open</a> · '
        status += (
            f'<form method="post" action="{escape(reverse("play_discard", args=[row.id]))}"'
            ' class="inline"><input type="hidden" name="csrfmiddlewaretoken"'
            f' value="{escape(csrf_token)}"><button type="submit" class="link">Discard</button>'
            "</form>"
        )
    elif not row.counted:
        status += '<br><span class="small muted">too short to count</span>'
    return (
        f'<tr>\n    <td class="nowrap"><a href="{_session_link()}{row.id}/">{when}</a></td>\n'
        f'    <td data-label="Exercises">{names}</td>\n'
        f'    <td data-label="Knots (before → after)">{knots}</td>\n'
        f"    <td>{status}</td>\n  </tr>\n"
    )


@cache_result
def _session_link() -> str:
    """The start of a session's address, its id left off: reversed once, not per row."""
    return reverse("session", args=[0]).removesuffix("0/")


def table_html(request: AuthedRequest, page: Page[int], labels: int) -> tuple[str, bool]:
    """The table's body rows for ``page``, and whether one of them is an open session. Rows
    kept under their session's revision are taken as they were; the rest are drawn, and the
    page's rows kept for the next time."""
    user_id = request.user.pk
    rows = sessions_on(user_id, page)
    key = rows_key(user_id, labels)
    kept: dict[tuple[int, int], str] = cache.get(key) or {}
    missing = [row for row in rows if row.is_open or (row.id, row.revision) not in kept]
    fill(user_id, missing)
    has_open = any(row.is_open for row in missing)
    can_play = has_open and guard.offers(request.user, []).any
    csrf_token = get_token(request) if has_open else ""
    drawn = {
        (row.id, row.revision): row_html(row, can_play=can_play, csrf_token=csrf_token)
        for row in missing
    }
    shown = [drawn.get((row.id, row.revision)) or kept[row.id, row.revision] for row in rows]
    if any(not row.is_open for row in missing):
        keep = {
            (row.id, row.revision): html
            for row, html in zip(rows, shown, strict=True)
            if not row.is_open
        }
        for older, html in kept.items():  # rows of the pages seen before, to a bound
            if len(keep) >= ROWS_KEPT:
                break
            keep.setdefault(older, html)
        cache.set(key, keep, TABLE_SECONDS)
    return "".join(shown), has_open


def rows_key(user_id: int, labels: int) -> str:
    """The cache key of a person's kept rows: everything a row is drawn from that its session's
    revision does not follow (the code, the clock it is shown on, the knots' names)."""
    zone = timezone.get_current_timezone_name()
    return f"session-rows:{knotless.__version__}:{zone}:{int(user_id)}:{int(labels)}"


def table_key(user_id: int, version: int, page: Page[int]) -> str:
    """The cache key of a person's table: everything its rows are drawn from that the tally's
    version does not follow (the code, the clock they are shown on), then the person, the
    version and the page."""
    zone = timezone.get_current_timezone_name()
    return f"sessions:{knotless.__version__}:{zone}:{int(user_id)}:{int(version)}:{page.number}"


@require_GET
def sessions_page(request: AuthedRequest) -> HttpResponse:
    user_id = request.user.pk
    # The versions are read before the rows: a write in between gives newer versions, never
    # older rows kept under the new ones.
    found = tally(user_id)
    page = pager(found.sessions, request.GET.get("page"))
    key = table_key(user_id, found.version, page)
    body = cache.get(key)
    if body is None:
        body, has_open = table_html(request, page, found.labels)
        if not has_open:
            cache.set(key, body, TABLE_SECONDS)
    # Every value in a row is escaped as it is drawn (row_html).
    return render(request, "practice/sessions.html", {"rows": mark_safe(body), "page": page})


__all__ = [
    "SESSIONS_PER_PAGE",
    "Row",
    "Tally",
    "fill",
    "page_of",
    "pager",
    "row_html",
    "rows_key",
    "sessions_on",
    "sessions_page",
    "table_html",
    "table_key",
    "tally",
]
