"""Sessions: what a play stores, and what it refuses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from knotless.journal.models import Knot
from knotless.lib.sequence import total_seconds
from knotless.library.exercises import load_exercises
from knotless.practice import services
from knotless.practice.models import Session, SessionExercise, SessionKnot
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
    steps = services.script(services.routine(ROUTINE), [shoulder_knot])
    assert session.planned_seconds == total_seconds(steps)
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
    assert services.knot_sessions(shoulder_knot)[0].session_id == session.pk


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


def test_the_script_plays_a_one_sided_knot_on_its_side(user: Any) -> None:
    rhomboid = add_knot(user, "medial-border-of-scapula", "right", "rhomboids")
    exercises = services.routine(["upper-back-wall-ball-release", "one-arm-dumbbell-row"])
    steps = services.script(exercises, [rhomboid])
    release = [s for s in steps if s.item == 0 and s.state == "hold"]
    assert [s.side for s in release] == ["right"]  # released where it sits, nowhere else
    rows = [s.side for s in steps if s.item == 1 and s.state == "reps"]
    assert rows == ["right", "left"] * 3  # strength: the knot's side first, both the same
    assert steps[0].why.startswith("Right side only")
    # A knot on the other side too: left then right, as for anyone.
    other = add_knot(user, "medial-border-of-scapula", "left", "rhomboids")
    both = services.script(exercises, [rhomboid, other])
    assert [s.side for s in both if s.item == 0 and s.state == "hold"] == ["left", "right"]


def test_a_knot_without_a_muscle_counts_by_where_it_hurts(user: Any) -> None:
    exercise = services.routine(["upper-back-wall-ball-release"])[0]
    between = add_knot(user, "medial-border-of-scapula", "left")  # a rhomboid zone
    calf = add_knot(user, "calf", "right")
    assert services.knot_sides(exercise, [between, calf]) == ("left",)
    # A knot in a muscle the exercise only works on the side does not steer it.
    assert services.knot_sides(exercise, [add_knot(user, "calf", "right", "gastrocnemius")]) == ()


def test_it_asks_verdicts_only_for_what_was_reached(user: Any) -> None:
    session = services.start(user, ["chin-tuck", "wall-slide", "band-pull-apart"], before={})
    with pytest.raises(ValidationError, match="did not get to"):
        services.finish(
            user, session.pk, after={}, verdicts={2: "helped"}, played_seconds=30, reached=2
        )
    services.finish(
        user,
        session.pk,
        after={},
        verdicts={0: "helped", 1: ""},
        played_seconds=30,
        stopped=True,
        reached=2,
        done={0: (1, 8), 1: (0, 10)},
    )
    rows = list(session.exercises.all())
    assert [(r.reached, r.verdict, r.sets_done, r.reps_done) for r in rows] == [
        (True, "helped", 1, 8),
        (True, "", 0, 10),
        (False, "", None, None),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reached": 5}, "out of range"),
        ({"reached": 1, "done": {1: (1, 10)}}, "not played"),
        ({"done": {0: (1, 101)}}, "from 0 to 100"),
        ({"done": {0: (21, 5)}}, "from 0 to 20"),
    ],
)
def test_it_refuses_counts_that_cannot_be(user: Any, kwargs: dict[str, Any], message: str) -> None:
    session = services.start(user, ["chin-tuck", "wall-slide"], before={})
    with pytest.raises(ValidationError, match=message):
        services.finish(user, session.pk, after={}, verdicts={}, played_seconds=5, **kwargs)
    assert not SessionExercise.objects.filter(sets_done__isnull=False).exists()


def test_a_hold_is_not_counted_in_sets(user: Any) -> None:
    session = services.start(user, ["upper-trapezius-side-bend-stretch"], before={})
    with pytest.raises(ValidationError, match="Only rep exercises"):
        services.finish(user, session.pk, after={}, verdicts={}, played_seconds=5, done={0: (1, 1)})


def test_a_session_counts_as_done_when_at_least_half_was_played(user: Any) -> None:
    def saved(played: int, stopped: bool) -> Session:
        session = services.start(user, ROUTINE, before={})
        return services.finish(
            user, session.pk, after={}, verdicts={}, played_seconds=played, stopped=stopped
        )

    planned = services.start(user, ROUTINE, before={}).planned_seconds
    assert not services.counts_as_done(saved(7, stopped=True))  # a stop after 7 s
    assert not services.counts_as_done(saved(planned // 2 - 1, stopped=False))  # skipped through
    assert services.counts_as_done(saved((planned + 1) // 2, stopped=True))
    assert services.counts_as_done(saved(planned, stopped=False))
    open_one = services.start(user, ROUTINE, before={})
    assert not services.counts_as_done(open_one)


def test_session_ratings_become_marks_on_the_knot(user: Any, shoulder_knot: Knot) -> None:
    session = services.start(user, ROUTINE, before={shoulder_knot.pk: 6}, now=NOW)
    assert services.session_marks(shoulder_knot) == []  # not saved yet: not shown
    services.finish(
        user,
        session.pk,
        after={shoulder_knot.pk: 3},
        verdicts={},
        played_seconds=10,
        now=NOW + timedelta(minutes=9),
    )
    [mark] = services.session_marks(shoulder_knot)
    assert (mark.session_id, mark.moment, mark.before, mark.after) == (session.pk, NOW, 6, 3)
    unrated = services.start(user, ROUTINE, before={shoulder_knot.pk: None})
    services.finish(user, unrated.pk, after={}, verdicts={}, played_seconds=10)
    assert len(services.session_marks(shoulder_knot)) == 1  # nothing to draw for it
