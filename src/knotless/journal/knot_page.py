"""A knot's page, drawn as a frame and its live parts (:mod:`knotless.frames`).

The frame holds what no check-in can change: the body map, the check-in form, the exercises
the safety answers allow, the sessions, the safety answers and the buttons. The live parts are
what reads check-ins (the latest rating, trend and count; flares after training and a stall; the
chart and table of ratings) and the messages, such as "Checked in: 5/10."
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from knotless import frames
from knotless.accounts.services import profile_for
from knotless.accounts.typing import AuthedRequest
from knotless.atlas.bodymap import render_view, view_for
from knotless.atlas.sprite import sprite_url
from knotless.insights.services import tags_offered
from knotless.journal import services
from knotless.journal.forms import CheckInForm
from knotless.journal.history import held, history_html
from knotless.journal.models import Knot
from knotless.journal.summary import KnotSummary
from knotless.lib.days import short_moment
from knotless.lib.text import or_dash
from knotless.overview import KnotSession, knot_practice
from knotless.safety.checklist import load_flags
from knotless.safety.policy import Gates
from knotless.training.insights import FlareEntry, flare_entries, flare_ratings_since, flares

# The live parts, each put in its slot of the frame; live_parts draws them.
LIVE = ("messages", "summary", "alerts", "history")


@lru_cache(maxsize=512)
def figure(region: str, side: str) -> str:
    """A small body-map figure with one place marked, for the knot page."""
    return render_view(
        view_for(region),
        selected={(region, side): 1.0},
        id_prefix="knot",
        sprite=sprite_url(),
        decorative=True,
    )


def screening_history(knot: Knot) -> list[dict[str, object]]:
    """The red-flag answers given for this knot, newest first, in words."""
    questions = {f.id: f.question for f in load_flags()}
    return [
        {
            "at": s.created_at,
            "outcome": s.get_outcome_display(),
            "ticked": [questions.get(i, i) for i in s.ticked],
        }
        for s in knot.screenings.order_by("-created_at", "-id")[:10]
    ]


def session_rows(sessions: list[KnotSession]) -> SafeString:
    """The rows of the knot's sessions table, written out here: twenty rows through the template
    cost as much as the rest of the frame."""
    link = reverse("session", args=[0]).removesuffix("0/")
    return mark_safe(  # only numbers and a date written by short_moment
        "".join(
            f'<tr><td><a href="{link}{s.session_id}/">'
            f"{short_moment(timezone.localtime(s.started_at))}</a></td>"
            f"<td>{or_dash(s.before)}</td><td>{or_dash(s.after)}</td></tr>"
            for s in sessions
        )
    )


def draw_frame(
    request: AuthedRequest, knot: Knot, form: CheckInForm
) -> tuple[str, list[FlareEntry]]:
    """The page with a slot for each live part, and the recent workouts the flares are read
    against; it reads no check-in (tests/test_frames.py)."""
    practice = knot_practice(knot, Gates(request.user))
    context: dict[str, Any] = {
        "knot": knot,
        "label": knot.label,
        "form": form,
        "map": figure(knot.region, knot.side),
        "screenings": screening_history(knot),
        "exercises": practice.exercises,
        "sessions": practice.sessions,
        "session_rows": session_rows(practice.sessions),
        "verdict": practice.verdict,
        "verdict_areas": " and ".join(sorted(practice.verdict.areas)),
        "held_back": practice.held_back,
        "check_url": practice.verdict.check_url(request.path, knot=knot),
        "play_url": practice.play_url,
        "tags": tags_offered(request.user),
    }
    context.update({f"live_{part}": frames.slot(part) for part in LIVE})
    html = render_to_string("journal/knot_detail.html", context, request=request)
    return html, flare_entries(request.user) if knot.is_active else []


def live_parts(
    request: AuthedRequest, knot: Knot, tz_name: str, workouts: list[FlareEntry]
) -> dict[str, Callable[[], str]]:
    """What reads check-ins, each drawn when the page is put together: the summary and the
    history both from the ratings the history holds in memory, after one small query."""
    stats = services.rating_stats(knot)

    @cache
    def summary() -> KnotSummary:
        return services.summary_of(knot, held(knot, tz_name, *stats).rows)

    def alerts() -> str:
        shown = []
        if knot.is_active:
            # Flares read the knot's recent ratings: the history holds them all already.
            now = timezone.now()
            rows = held(knot, tz_name, *stats).rows
            recent = rows[bisect_left(rows, (flare_ratings_since(now),)) :]
            shown = flares(
                request.user,
                now,
                knots=[knot],
                entries=workouts,
                held={knot.pk: [(r.moment, r.pain) for r in recent]},
            )
        if not shown and summary().stall is None:
            return ""
        return render_to_string(
            "journal/_knot_alerts.html", {"flares": shown, "summary": summary()}
        )

    def waiting() -> str:
        said = messages.get_messages(request)
        return render_to_string("_messages.html", {"messages": said}) if said else ""

    return {
        "messages": waiting,
        "summary": lambda: render_to_string(
            "journal/_knot_summary.html", {"knot": knot, "summary": summary()}
        ),
        "alerts": alerts,
        "history": lambda: history_html(
            knot,
            tz_name,
            stats,
            show_all=request.GET.get("all") == "1",
            # The session marks change only with writes that move the frame version.
            sessions_version=str(profile_for(request.user).frame_version),
        ),
    }


def knot_page(
    request: AuthedRequest,
    knot: Knot,
    tz_name: str,
    form: CheckInForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The knot's page, with an empty check-in form or ``form`` sent back with its errors. A
    page with errors is drawn whole, and its frame not kept."""
    html = frames.assemble(
        request,
        "knot",
        lambda: draw_frame(request, knot, form or CheckInForm()),
        lambda workouts: live_parts(request, knot, tz_name, workouts),
        keep=form is None and status == 200,
    )
    return HttpResponse(html, status=status)
