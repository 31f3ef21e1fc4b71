"""The sessions page: every routine a person played, fifty to a page, newest first.

The page is read with three queries (the count, the page of sessions, and their exercises and
knots together) and its rows are written out here rather than by a template. Read as model
instances with their exercises and knots prefetched and drawn by the template, a full page of
fifty rows took four times as long as a first-day account's page of one (``bench/scale.py``);
the work per row is now a dictionary lookup and one f-string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from knotless.accounts.typing import AuthedRequest
from knotless.atlas.regions import region_label
from knotless.journal.models import Knot
from knotless.lib.days import short_moment
from knotless.lib.text import or_dash
from knotless.library.exercises import load_exercises
from knotless.practice.models import Session, SessionExercise, SessionKnot
from knotless.practice.services import played_enough
from knotless.safety import guard

SESSIONS_PER_PAGE = 50
NAMES_SHOWN = 90  # characters of the exercise list before it is cut with "…"
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


def page_of(
    user_id: int, number: str | None
) -> tuple[Page[tuple[int, datetime, str, int, int]], list[Row]]:
    """One page of the person's sessions, newest first, with their exercises' names (in playing
    order) and their knots' ratings. A page number that is not one (text, 0, past the end) gives
    the nearest real page, so an old link never fails."""
    sessions = (
        Session.objects.filter(user_id=user_id)
        .order_by("-started_at", "-id")
        .values_list("id", "started_at", "status", "planned_seconds", "played_seconds")
    )
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(number)
    rows = {values[0]: Row(*values) for values in page}
    if not rows:
        return page, []
    library = load_exercises()
    ids = ",".join(str(int(pk)) for pk in rows)  # integers from the database: safe to inline
    with connection.cursor() as cursor:
        cursor.execute(_DETAILS.format(ids=ids, user_id=int(user_id)))
        for session_id, part, _order, slug_or_region, side, before, after in cursor.fetchall():
            row = rows[session_id]
            if part == 0:
                name = library[slug_or_region].name if slug_or_region in library else slug_or_region
                row.names.append(name)
            else:
                row.knots.append((region_label(slug_or_region, side), before, after))
    return page, list(rows.values())


# A page's exercises (in playing order) and knots (in the order they were rated) in one query:
# with the ORM, two queries and their lists of fifty ids cost more than the database's answer.
# The knots are the person's own (always so): it lets PostgreSQL read them by person rather than
# hash every person's knots.
_DETAILS = f"""
SELECT e.session_id, 0, e.position, e.slug, '', NULL, NULL
  FROM {SessionExercise._meta.db_table} e WHERE e.session_id IN ({{ids}})
UNION ALL
SELECT sk.session_id, 1, sk.id, k.region, k.side, sk.pain_before, sk.pain_after
  FROM {SessionKnot._meta.db_table} sk JOIN {Knot._meta.db_table} k ON k.id = sk.knot_id
 WHERE sk.session_id IN ({{ids}}) AND k.user_id = {{user_id}}
 ORDER BY 1, 2, 3"""


def _cut(text: str) -> str:
    """The text, or its first characters and "…" when it is longer than NAMES_SHOWN."""
    return text if len(text) <= NAMES_SHOWN else text[: NAMES_SHOWN - 1] + "…"


def rows_html(rows: list[Row], *, can_play: bool, csrf_token: str) -> SafeString:
    """The table's body rows. An open session (started, never saved) offers to be opened again,
    when the safety answers allow playing, and to be discarded."""
    link = reverse("session", args=[0]).removesuffix("0/")
    parts = []
    for row in rows:
        when = short_moment(timezone.localtime(row.started_at))
        names = escape(_cut(", ".join(row.names)))
        knots = (
            "<br>".join(
                f"{escape(label)}: {or_dash(before)} → {or_dash(after)}"
                for label, before, after in row.knots
            )
            or '<span class="muted">–</span>'
        )
        status = str(escape(STATUS_LABELS.get(row.status, row.status)))
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
            f'<tr>\n    <td class="nowrap"><a href="{link}{row.id}/">{escape(when)}</a></td>\n'
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
