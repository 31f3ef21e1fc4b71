"""The sessions page: every routine a person played, fifty to a page, newest first.

The page is read with five plain queries, none per row (the count, the page of sessions, their
exercises, their knots' ratings, the person's knots), and its rows are written out here rather
than by a template. Read as model instances with their exercises and knots prefetched and drawn
by the template, a full page of fifty rows took four times as long as a first-day account's page
of one (``bench/scale.py``); a row now costs about 23 µs, queries included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape  # the standard library's: Django's adds a lazy-text check per call

from django.core.paginator import Page, Paginator
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from knotless.accounts.typing import AuthedRequest
from knotless.atlas.regions import region_label
from knotless.journal.models import Knot
from knotless.lib.days import moment_from_text, short_moment
from knotless.lib.text import or_dash
from knotless.library.exercises import load_exercises
from knotless.practice.models import Session, SessionExercise, SessionKnot
from knotless.practice.services import played_enough
from knotless.safety import guard

SESSIONS_PER_PAGE = 50
NAMES_SHOWN = 90  # characters of exercise names in a row before the rest are counted instead
STATUS_LABELS = dict(Session.Status.choices)


@dataclass(slots=True)
class Row:
    """One session of the page, as its row shows it."""

    id: int
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


def page_of(user_id: int, number: str | None) -> tuple[Page[int], list[Row]]:
    """One page of the person's sessions, newest first, with their exercises' names (in playing
    order) and their knots' ratings. A page number that is not one (text, 0, past the end) gives
    the nearest real page, so an old link never fails."""
    user_id = int(user_id)  # written into the queries below: a whole number, nothing else
    with connection.cursor() as cursor:
        cursor.execute(_COUNT.format(user_id=user_id))
        (count,) = cursor.fetchone()
        page = Paginator(range(count), SESSIONS_PER_PAGE).get_page(number)
        if not count:
            return page, []
        offset = int(page.start_index() - 1)
        cursor.execute(_PAGE.format(user_id=user_id, limit=SESSIONS_PER_PAGE, offset=offset))
        rows = {
            pk: Row(pk, moment_from_text(at), status, planned, played)
            for pk, at, status, planned, played in cursor.fetchall()
        }
        ids = ",".join(str(int(pk)) for pk in rows)  # whole numbers from the database
        cursor.execute(_EXERCISES.format(ids=ids))
        exercises = cursor.fetchall()
        cursor.execute(_RATINGS.format(ids=ids))
        ratings = cursor.fetchall()
        labels = {}
        if ratings:
            cursor.execute(_KNOTS.format(user_id=user_id))
            labels = {pk: region_label(region, side) for pk, region, side in cursor.fetchall()}
    library = load_exercises()
    for session_id, slug in exercises:
        rows[session_id].names.append(library[slug].name if slug in library else slug)
    for session_id, knot_id, before, after in ratings:
        # Always the person's own knot; were one ever not, its rating is not theirs to see.
        if knot_id in labels:
            rows[session_id].knots.append((labels[knot_id], before, after))
    return page, list(rows.values())


# Plain SQL with the whole numbers written in: through the ORM, building these queries and the
# driver's parsing of fifty times cost more than the database's answers. Times are read as text
# (see moment_from_text). Each query reads one table by its index: a join of the ratings to the
# knots cost PostgreSQL more to plan than to answer.
_COUNT = f"SELECT COUNT(*) FROM {Session._meta.db_table} WHERE user_id = {{user_id}}"
_PAGE = f"""
SELECT id, CAST(started_at AS TEXT) AS started, status, planned_seconds, played_seconds
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


def rows_html(rows: list[Row], *, can_play: bool, csrf_token: str) -> SafeString:
    """The table's body rows. An open session (started, never saved) offers to be opened again,
    when the safety answers allow playing, and to be discarded."""
    link = reverse("session", args=[0]).removesuffix("0/")
    zone = timezone.get_current_timezone()
    parts = []
    for row in rows:
        when = escape(short_moment(row.started_at.astimezone(zone)))
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
        parts.append(
            f'<tr>\n    <td class="nowrap"><a href="{link}{row.id}/">{when}</a></td>\n'
            f'    <td data-label="Exercises">{names}</td>\n'
            f'    <td data-label="Knots (before → after)">{knots}</td>\n'
            f"    <td>{status}</td>\n  </tr>\n"
        )
    return mark_safe("".join(parts))  # every value above is escaped


@require_GET
def sessions_page(request: AuthedRequest) -> HttpResponse:
    page, rows = page_of(request.user.pk, request.GET.get("page"))
    has_open = any(row.is_open for row in rows)
    body = rows_html(
        rows,
        can_play=has_open and guard.offers(request.user, []).any,
        csrf_token=get_token(request) if has_open else "",
    )
    return render(request, "practice/sessions.html", {"rows": body, "page": page})


__all__ = ["SESSIONS_PER_PAGE", "Row", "page_of", "rows_html", "sessions_page"]
