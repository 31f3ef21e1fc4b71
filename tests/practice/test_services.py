"""Sessions: what a play stores, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from knotless.journal.models import Knot
from knotless.lib.sequence import total_seconds
from knotless.library.exercises import load_exercises
from knotless.practice import services
from knotless.practice.models import Session, SessionKnot
from tests.practice.conftest import NOW, add_knot

ROUTINE = ["upper-trapezius-side-bend-stretch", "chin-tuck"]


def test_it_refuses_unknown_empty_and_huge_routines() -> None:
    with pytest.raises(ValidationError, match="'no-such'"):
        services.routine(["chin-tuck", "no-such"])
    with pytest.raises(ValidationError, match="at least one"):
        services.routine([])
    with pytest.raises(ValidationError, match="up to 30"):
        services.routine(["chin-tuck"] * 31)


def test_the_script_is_the_one_sequence_for_every_player() -> None:
    exercises = services.routine(ROUTINE)
    steps = services.script(exercises)
    assert steps[0].state == "get-ready" and steps[0].slug == ROUTINE[0]
    assert steps[0].text.endswith(exercises[0].cues[0])  # the first cue is spoken up front
    assert [s.state for s in steps].count("next") == 1
    assert steps[-1].slug == "chin-tuck"


def test_it_finds_the_knots_a_routine_works_on(
    user: Any, shoulder_knot: Knot, calf_knot: Knot
) -> None:
    neck_only = add_knot(user, "side-of-neck", "left")  # no muscle named: by where it hurts
    found = services.targeted_knots(user, services.routine(ROUTINE))
    assert shoulder_knot in found and neck_only in found
    assert calf_knot not in found
    calf = services.targeted_knots(user, services.routine(["straight-knee-calf-stretch"]))
    assert calf == [calf_knot]


def test_it_stores_a_session_with_before_and_after(user: Any, shoulder_knot: Knot) -> None:
    session = services.start(user, ROUTINE, before={shoulder_knot.pk: 6}, now=NOW)
    assert session.is_open
    assert session.planned_seconds == total_seconds(services.script(services.routine(ROUTINE)))
    assert [e.slug for e in session.exercises.all()] == ROUTINE
    services.finish(
        user,
        session.pk,
        after={shoulder_knot.pk: 3},
        verdicts={0: "helped", 1: "neutral"},
        played_seconds=session.planned_seconds,
    )
    session.refresh_from_db()
    assert session.status == Session.Status.FINISHED and session.ended_at is not None
    row = SessionKnot.objects.get(session=session)
    assert (row.pain_before, row.pain_after, row.change) == (6, 3, -3)
    assert [e.verdict for e in session.exercises.all()] == ["helped", "neutral"]
    assert services.knot_sessions(shoulder_knot)[0].session == session


def test_a_stopped_session_keeps_what_was_played(user: Any) -> None:
    session = services.start(user, ROUTINE, before={})
    services.finish(user, session.pk, after={}, verdicts={}, played_seconds=40, stopped=True)
    session.refresh_from_db()
    assert session.status == Session.Status.STOPPED
    assert session.played_seconds == 40


def test_played_time_is_clamped_to_the_plan(user: Any) -> None:
    session = services.start(user, ["chin-tuck"], before={})
    services.finish(user, session.pk, after={}, verdicts={}, played_seconds=99_999)
    session.refresh_from_db()
    assert session.played_seconds == session.planned_seconds


def test_it_saves_a_session_once(user: Any) -> None:
    session = services.start(user, ROUTINE, before={})
    services.finish(user, session.pk, after={}, verdicts={}, played_seconds=10)
    with pytest.raises(ValidationError, match="already saved"):
        services.finish(user, session.pk, after={}, verdicts={}, played_seconds=10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"verdicts": {0: "amazing"}}, "helped, neutral or hurt"),
        ({"verdicts": {7: "helped"}}, "not part of this session"),
        ({"after": {999: 3}}, "not part of this session"),
        ({"played_seconds": "ten"}, "whole seconds"),
    ],
)
def test_it_refuses_bad_answers_and_saves_nothing(
    user: Any, shoulder_knot: Knot, kwargs: dict[str, Any], message: str
) -> None:
    session = services.start(user, ROUTINE, before={shoulder_knot.pk: 5})
    answers: dict[str, Any] = {"after": {}, "verdicts": {}, "played_seconds": 10} | kwargs
    with pytest.raises(ValidationError, match=message):
        services.finish(user, session.pk, **answers)
    session.refresh_from_db()
    assert session.is_open
    assert not session.exercises.exclude(verdict="").exists()


def test_pain_outside_the_scale_is_refused(user: Any, shoulder_knot: Knot) -> None:
    with pytest.raises(ValidationError, match="0 \\(none\\) to 10"):
        services.start(user, ROUTINE, before={shoulder_knot.pk: 11})
    assert not Session.objects.exists()


def test_other_peoples_knots_and_sessions_do_not_exist(
    user: Any, stranger: Any, shoulder_knot: Knot
) -> None:
    with pytest.raises(ValidationError, match="not one of your active knots"):
        services.start(stranger, ROUTINE, before={shoulder_knot.pk: 4})
    session = services.start(user, ROUTINE, before={})
    with pytest.raises(Http404):
        services.finish(stranger, session.pk, after={}, verdicts={}, played_seconds=1)


def test_exercises_for_a_knot_prefer_its_own_muscle(user: Any, shoulder_knot: Knot) -> None:
    found = services.exercises_for_knot(shoulder_knot)
    assert found and "upper-trapezius" in found[0].primary
    assert all("upper-trapezius" in e.primary + e.secondary for e in found), (
        "only exercises for that muscle"
    )
    kinds = [load_exercises()[e.slug].kind for e in found]
    assert kinds == sorted(kinds, key=["release", "stretch", "mobility", "strength"].index)


def test_a_replayed_start_token_opens_no_second_session(user: Any) -> None:
    first = services.start(user, ROUTINE, before={}, token="abc")
    again = services.start(user, ROUTINE, before={}, token="abc")
    assert first == again and Session.objects.count() == 1
    services.start(user, ROUTINE, before={}, token="other")
    assert Session.objects.count() == 2


def test_only_an_unsaved_session_can_be_discarded(user: Any) -> None:
    open_one = services.start(user, ROUTINE, before={})
    services.discard(user, open_one.pk)
    assert not Session.objects.filter(pk=open_one.pk).exists()
    saved = services.start(user, ROUTINE, before={})
    services.finish(user, saved.pk, after={}, verdicts={}, played_seconds=5)
    with pytest.raises(ValidationError, match="stays in your history"):
        services.discard(user, saved.pk)


def test_a_note_counts_line_breaks_as_the_browser_does(user: Any) -> None:
    session = services.start(user, ROUTINE, before={})
    note = ("x" * 99 + "\r\n") * 20  # 2000 characters in the textarea, 2020 on the wire
    services.finish(user, session.pk, after={}, verdicts={}, played_seconds=5, note=note)
    session.refresh_from_db()
    assert len(session.note) <= 2000
