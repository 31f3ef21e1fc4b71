"""The sessions page's list (knotless.practice.session_list): rows written out in Python."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotless.practice.models import Session, SessionExercise, SessionKnot
from knotless.practice.services import counts_as_done
from knotless.practice.session_list import NAMES_SHOWN, page_of, shown_names
from knotless.safety.checklist import flags_for
from knotless.safety.screening import record

from .conftest import add_knot, answered

START = datetime(2026, 11, 1, 17, 30, tzinfo=UTC)


def _session(user: Any, hours: int, status: str = "finished", **columns: Any) -> Session:
    return Session.objects.create(
        user=user,
        started_at=START + timedelta(hours=hours),
        ended_at=None if status == "started" else START + timedelta(hours=hours, minutes=9),
        status=status,
        **columns,
    )


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr>\n(.*?)</tr>", page, re.S)


def test_a_row_shows_the_exercises_in_playing_order_and_the_knots_ratings(
    client_in: Client, user: Any
) -> None:
    shoulder = add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
    calf = add_knot(user, "calf", "left", "gastrocnemius")
    session = _session(user, 0, planned_seconds=600, played_seconds=600)
    for position, slug in [(1, "doorway-chest-stretch"), (0, "chin-tuck"), (2, "retired-one")]:
        SessionExercise.objects.create(session=session, position=position, slug=slug)
    SessionKnot.objects.create(session=session, knot=calf, pain_before=None, pain_after=3)
    SessionKnot.objects.create(session=session, knot=shoulder, pain_before=6, pain_after=4)

    (row,) = _rows(client_in.get(reverse("sessions")).content.decode())
    cells = [unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    # Alex lives in Berlin: 17:30 UTC is 18:30 there.
    assert f'href="{reverse("session", args=[session.pk])}"' in row
    assert "Sun 1 Nov, 18:30" in cells[0]
    assert cells[1] == "Seated chin tuck, Doorway chest stretch, retired-one"
    assert cells[2] == "Left calf: – → 3<br>Right top of shoulder: 6 → 4"
    assert cells[3] == "Finished"


def test_a_rating_of_someone_elses_knot_is_never_shown(
    client_in: Client, user: Any, stranger: Any
) -> None:
    """knotless never links a session to another person's knot; were a row ever to, the page
    must neither show that knot nor fail."""
    mine = add_knot(user, "calf", "left", "gastrocnemius")
    theirs = add_knot(stranger, "temple", "right", "temporalis")
    session = _session(user, 0)
    SessionKnot.objects.create(session=session, knot=theirs, pain_before=9, pain_after=8)
    SessionKnot.objects.create(session=session, knot=mine, pain_before=5, pain_after=3)
    response = client_in.get(reverse("sessions"))
    assert response.status_code == 200
    (row,) = _rows(response.content.decode())
    assert "Left calf: 5 → 3" in unescape(row)
    assert "temple" not in row.lower()


def test_the_exercise_list_is_cut_before_it_is_escaped(client_in: Client, user: Any) -> None:
    """A cut after escaping could end inside "&amp;" and leave a broken entity."""
    session = _session(user, 0)
    for position in range(12):
        SessionExercise.objects.create(session=session, position=position, slug="r&d<drill>")
    (row,) = _rows(client_in.get(reverse("sessions")).content.decode())
    names = re.findall(r"<td[^>]*>(.*?)</td>", row)[1]
    assert "<drill>" not in names
    assert re.fullmatch(r"([^&<>]|&amp;|&lt;|&gt;)*", names), names
    # Ten characters a name, two between: seven fit in NAMES_SHOWN (90), five are counted.
    assert unescape(names) == ", ".join(["r&d<drill>"] * 7) + " and 5 more"


@pytest.mark.parametrize(
    ("names", "shown"),
    [
        ([], ""),
        (["Chin tuck"], "Chin tuck"),
        (["a" * 44, "b" * 44], "a" * 44 + ", " + "b" * 44),  # exactly NAMES_SHOWN: all of it
        (["a" * 44, "b" * 45], "a" * 44 + " and 1 more"),
        (["a" * 100, "b"], "a" * (NAMES_SHOWN - 1) + "… and 1 more"),
        (["a" * 100], "a" * 100),  # one name alone is never cut: there is nothing to count
    ],
)
def test_whole_names_are_shown_and_the_rest_counted(names: list[str], shown: str) -> None:
    assert shown_names(names) == shown


def test_counted_follows_the_rule_of_the_day(user: Any) -> None:
    rng = random.Random(5)
    for hours in range(80):
        _session(
            user,
            hours,
            status=rng.choice(["started", "finished", "stopped"]),
            planned_seconds=rng.choice([0, 1, 100, 101, 600]),
            played_seconds=rng.choice([0, 50, 51, 300, 600]),
        )
    _, rows = page_of(user.pk, "1")
    _, older = page_of(user.pk, "2")
    sessions = {s.pk: s for s in Session.objects.filter(user=user)}
    every = rows + older
    assert len(every) == 80
    assert [r.counted for r in every] == [counts_as_done(sessions[r.id]) for r in every]
    assert {r.counted for r in every} == {True, False}


def test_an_open_session_can_be_opened_unless_an_emergency_and_always_discarded(
    user: Any,
) -> None:
    knot = answered(add_knot(user, "top-of-shoulder", "right", "upper-trapezius"))
    open_one = _session(user, 0, status="started")
    SessionKnot.objects.create(session=open_one, knot=knot)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    page = client.get(reverse("sessions")).content.decode()
    assert f'href="{reverse("play", args=[open_one.pk])}">Open</a>' in page
    emergency = next(f.id for f in flags_for(["chest"]) if f.tier == "emergency")
    record(user, ["chest"], [emergency])
    page = client.get(reverse("sessions")).content.decode()
    assert f'href="{reverse("play", args=[open_one.pk])}"' not in page
    assert "Discard" in page

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    client.post(reverse("play_discard", args=[open_one.pk]), {"csrfmiddlewaretoken": token[1]})
    assert not Session.objects.filter(pk=open_one.pk).exists()


@pytest.mark.parametrize("sessions", [3, 60])
def test_the_page_reads_a_fixed_number_of_queries(
    client_in: Client, user: Any, sessions: int
) -> None:
    knots = [add_knot(user, "calf", "left"), add_knot(user, "temple", "right")]
    for hours in range(sessions):
        session = _session(user, hours)
        SessionExercise.objects.create(session=session, position=0, slug="chin-tuck")
        for knot in knots:
            SessionKnot.objects.create(session=session, knot=knot, pain_before=5, pain_after=4)

    def reads(query: dict[str, str]) -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            page = client_in.get(reverse("sessions"), query).content.decode()
        assert len(_rows(page)) == min(sessions, 50)
        return page, [
            q["sql"]
            for q in queries.captured_queries
            if "practice_session" in q["sql"] or "journal_knot" in q["sql"]
        ]

    # Drawn: the tally, the page of sessions, their exercises, their knots' ratings and the
    # person's knots, none per row.
    drawn, queries = reads({"n": "drawn"})
    assert len(queries) == 5, queries
    # Kept: the tally alone, and the very same table.
    kept, queries = reads({"n": "kept"})
    assert len(queries) == 1, queries
    assert _rows(kept) == _rows(drawn)
    # After a write to one session, its row alone is drawn: the tally, the page of sessions,
    # then the exercises, ratings and knots of that one session.
    newest = Session.objects.filter(user=user).order_by("-started_at").first()
    assert newest is not None
    SessionKnot.objects.filter(session=newest, knot=knots[0]).update(pain_after=1)
    redrawn, queries = reads({"n": "after a write"})
    assert len(queries) == 5, queries
    assert f"IN ({newest.pk})" in queries[2], queries[2]
    assert _rows(redrawn)[0] == _rows(drawn)[0].replace("Left calf: 5 → 4", "Left calf: 5 → 1")
    assert _rows(redrawn)[1:] == _rows(drawn)[1:]


def test_the_knot_page_lists_its_sessions_newest_first_on_the_persons_clock(
    client_in: Client, user: Any
) -> None:
    knot = add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
    other = add_knot(user, "calf", "left", "gastrocnemius")
    older = _session(user, 0)
    newer = _session(user, 26)
    unsaved = _session(user, 30, status="started")
    elsewhere = _session(user, 28)
    SessionKnot.objects.create(session=older, knot=knot, pain_before=6, pain_after=None)
    SessionKnot.objects.create(session=newer, knot=knot, pain_before=5, pain_after=3)
    SessionKnot.objects.create(session=unsaved, knot=knot, pain_before=4)
    SessionKnot.objects.create(session=elsewhere, knot=other, pain_before=2, pain_after=1)
    page = client_in.get(reverse("knot", args=[knot.pk])).content.decode()
    section = page[page.index('id="sessions-title"') :]
    rows = re.findall(
        r'<tr><td><a href="([^"]+)">([^<]+)</a></td><td>(.*?)</td><td>(.*?)</td>', section
    )
    # 17:30 UTC on 1 and 2 Nov is 18:30 and 20:30 in Berlin; the unsaved one and the calf's
    # session are not this knot's.
    assert rows == [
        (reverse("session", args=[newer.pk]), "Mon 2 Nov, 20:30", "5", "3"),
        (reverse("session", args=[older.pk]), "Sun 1 Nov, 18:30", "6", "–"),
    ]
