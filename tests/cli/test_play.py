"""`knotless play` and `knotless figure`: the terminal player and figure export."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from click.testing import CliRunner

from knotless.cli import main
from knotless.cli import player as play_module
from knotless.practice.models import Session, SessionKnot
from knotless.practice.services import routine, script
from knotless.safety import screening
from tests.practice.conftest import add_knot


def answered(knot: Any) -> Any:
    """The knot with its red-flag questions answered ("none apply"), as a user would first."""
    from knotless.safety.policy import knot_areas

    screening.record(knot.user, knot_areas(knot), [])
    return knot


class FakeClock:
    """Time that passes only when the player sleeps, so a routine plays in no time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(play_module, "clock", fake)
    monkeypatch.setattr(play_module, "sleep", fake.sleep)
    return fake


def test_it_plays_the_shared_script_and_stores_the_session(
    db: None, user: Any, clock: FakeClock
) -> None:
    knot = answered(add_knot(user, "top-of-shoulder", "right", "upper-trapezius"))
    slugs = ["upper-trapezius-side-bend-stretch", "chin-tuck"]
    # Pain before, pain after, then a verdict per exercise (and for reps, sets and reps done).
    result = CliRunner().invoke(
        main, ["play", *slugs], input="6\n3\nh\nx\n\n7\n", catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    steps = script(routine(slugs), [knot])
    # Nobody pressed Enter: each set of reps waited its grace, then moved on.
    assert clock.slept == pytest.approx(sum(s.seconds + s.grace for s in steps))
    for step in steps:
        assert step.text in result.output
    assert "Right side first and twice: your knot is on the right." in result.output
    assert "\a" in result.output  # the bell at each change
    session = Session.objects.get()
    assert session.source == Session.Source.TERMINAL
    assert session.status == Session.Status.FINISHED
    assert session.played_seconds == session.planned_seconds
    row = SessionKnot.objects.get()
    assert (row.knot, row.pain_before, row.pain_after) == (knot, 6, 3)
    assert [e.verdict for e in session.exercises.all()] == ["helped", "hurt"]
    chin = session.exercises.get(slug="chin-tuck")
    assert (chin.sets_done, chin.reps_done) == (2, 7)  # the sets the player saw, the reps said
    assert "6 → 3" in result.output


def test_it_asks_again_for_a_pain_off_the_scale(db: None, user: Any, clock: FakeClock) -> None:
    answered(add_knot(user, "top-of-shoulder", "right", "upper-trapezius"))
    result = CliRunner().invoke(
        main,
        ["play", "upper-trapezius-side-bend-stretch", "--no-bell"],
        input="12\n5\n\n\n",
        catch_exceptions=False,
    )
    assert "whole number from 0" in result.output
    row = SessionKnot.objects.get()
    assert (row.pain_before, row.pain_after) == (5, None)
    assert "\a" not in result.output


def test_ctrl_c_stops_early_and_still_saves(
    db: None, user: Any, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(seconds: float) -> None:
        clock.sleep(seconds)
        if clock.slept > 12:
            raise KeyboardInterrupt

    monkeypatch.setattr(play_module, "sleep", interrupted)
    result = CliRunner().invoke(
        main, ["play", "chin-tuck", "--no-questions"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "Stopped early" in result.output
    session = Session.objects.get()
    assert session.status == Session.Status.STOPPED
    assert 12 <= session.played_seconds < session.planned_seconds


def test_it_names_unknown_exercises(db: None, user: Any) -> None:
    result = CliRunner().invoke(main, ["play", "chin-tuck", "handstand"])
    assert result.exit_code == 2
    assert "'handstand'" in result.output
    assert not Session.objects.exists()


def test_figure_writes_svg_for_a_still_or_the_movement() -> None:
    runner = CliRunner()
    still = runner.invoke(main, ["figure", "chin-tuck", "--frame", "1"])
    assert still.exit_code == 0
    assert ET.fromstring(still.output).tag.endswith("svg")
    moving = runner.invoke(main, ["figure", "chin-tuck"])
    assert "@keyframes" in moving.output
    assert runner.invoke(main, ["figure", "chin-tuck", "--frame", "7"]).exit_code == 2
    assert runner.invoke(main, ["figure", "nope"]).exit_code == 2


def test_answers_are_read_as_words_and_odd_digits_are_asked_again(
    db: None, user: Any, clock: FakeClock
) -> None:
    answered(add_knot(user, "top-of-shoulder", "right", "upper-trapezius"))
    result = CliRunner().invoke(
        main,
        ["play", "upper-trapezius-side-bend-stretch", "--no-bell"],
        input="²\n4\n2\nhurt\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "whole number from 0" in result.output
    assert [e.verdict for e in Session.objects.get().exercises.all()] == ["hurt"]


def test_leaving_the_questions_still_saves_the_session(
    db: None, user: Any, clock: FakeClock
) -> None:
    answered(add_knot(user, "top-of-shoulder", "right", "upper-trapezius"))
    # Input ends after the first answer, as if the terminal closed.
    result = CliRunner().invoke(
        main, ["play", "upper-trapezius-side-bend-stretch", "--no-bell"], input="5\n"
    )
    assert "Saving without the remaining answers" in result.output
    session = Session.objects.get()
    assert session.status == Session.Status.FINISHED
    assert SessionKnot.objects.get().pain_before == 5


def test_plan_prints_todays_routine_with_reasons(db: None, user: Any) -> None:
    add_knot(user, "lateral-elbow", "right", "wrist-extensors")
    runner = CliRunner()
    shown = runner.invoke(main, ["plan", "--minutes", "5", "--place", "floor"])
    assert shown.exit_code == 0, shown.output
    assert "why: right outer elbow knot, 6/10" in shown.output
    data = json.loads(runner.invoke(main, ["plan", "--json"]).output)
    assert data["minutes"] == 5 and data["place"] == "floor"  # today's plan is kept
    assert data["items"] and all(item["reason"] for item in data["items"])
    assert data["seconds"] <= 5 * 60 * 1.1
    bad = runner.invoke(main, ["plan", "--minutes", "0"])
    assert bad.exit_code == 2


def test_play_today_plays_the_plan(db: None, user: Any, clock: FakeClock) -> None:
    add_knot(user, "lateral-elbow", "right", "wrist-extensors")
    runner = CliRunner()
    planned = json.loads(runner.invoke(main, ["plan", "--minutes", "3", "--json"]).output)
    result = runner.invoke(main, ["play", "--today", "--no-questions", "--no-bell"])
    assert result.exit_code == 0, result.output
    session = Session.objects.get()
    assert [e.slug for e in session.exercises.all()] == [i["slug"] for i in planned["items"]]
    assert runner.invoke(main, ["play"]).exit_code == 2  # neither names nor --today


class Keyboard:
    """Presses Enter once a set of reps has run ``after`` seconds of the fake clock."""

    def __init__(self, clock: FakeClock, after: float) -> None:
        self.clock, self.after, self.presses = clock, after, 0
        self.begun: float | None = None

    def __call__(self, timeout: float) -> bool:
        if self.begun is None:
            self.begun = self.clock.now
        if self.clock.now - self.begun >= self.after:
            self.begun = None
            self.presses += 1
            return True
        self.clock.sleep(timeout)
        return False


def test_enter_ends_a_set_of_reps_at_ones_own_pace(
    db: None, user: Any, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyboard = Keyboard(clock, after=6)
    monkeypatch.setattr(play_module, "enter_pressed", keyboard)
    result = CliRunner().invoke(
        main, ["play", "seated-wrist-circles", "--no-questions", "--no-bell"]
    )
    assert result.exit_code == 0, result.output
    assert "press Enter when the set is done" in result.output
    steps = script(routine(["seated-wrist-circles"]))
    assert keyboard.presses == 1
    assert clock.slept == pytest.approx(steps[0].seconds + 6)  # not the 24 s guide
    session = Session.objects.get()
    # The set counts in full, so a quick pace is a whole session.
    assert session.played_seconds == session.planned_seconds
    row = session.exercises.get()
    assert (row.reached, row.sets_done, row.reps_done) == (True, 1, 8)


def test_a_right_knot_plays_the_right_side_first(db: None, user: Any, clock: FakeClock) -> None:
    add_knot(user, "lateral-elbow", "right", "wrist-extensors")
    result = CliRunner().invoke(
        main, ["play", "outer-forearm-release", "--no-questions", "--no-bell"]
    )
    assert result.exit_code == 0, result.output
    assert "Right side only: your knot is on the right" in result.output
    assert "(right side)" in result.output and "(left side)" not in result.output


def test_an_early_stop_asks_only_about_what_was_reached(
    db: None, user: Any, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(seconds: float) -> None:
        clock.sleep(seconds)
        if clock.slept > 7:
            raise KeyboardInterrupt

    monkeypatch.setattr(play_module, "sleep", interrupted)
    slugs = ["wrist-extensor-stretch", "seated-wrist-circles", "outer-forearm-release"]
    result = CliRunner().invoke(main, ["play", *slugs, "--no-bell"], input="h\n")
    assert result.exit_code == 0, result.output
    assert "Only the exercises you got to are asked about." in result.output
    assert "Seated wrist circles: [h]elped" not in result.output
    session = Session.objects.get()
    assert session.status == Session.Status.STOPPED
    rows = list(session.exercises.all())
    assert [(r.reached, r.verdict) for r in rows] == [(True, "helped"), (False, ""), (False, "")]


def test_it_holds_back_exercises_for_a_knot_whose_questions_wait(
    db: None, user: Any, clock: FakeClock
) -> None:
    knot = add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
    result = CliRunner().invoke(main, ["play", "upper-trapezius-side-bend-stretch"])
    assert result.exit_code == 2
    assert "held back" in result.output
    assert f"knotless check --knot {knot.pk}" in result.output
    assert not Session.objects.exists()
    # An exercise that works on nothing waiting plays as usual.
    result = CliRunner().invoke(main, ["play", "calf-ball-release"], input="\n" * 5)
    assert result.exit_code == 0, result.output


def test_an_emergency_answer_stops_the_player(db: None, user: Any, clock: FakeClock) -> None:
    screening.record(user, ["back"], ["A1a"])
    result = CliRunner().invoke(main, ["play", "calf-ball-release"])
    assert result.exit_code == 3
    assert "emergency" in result.output and not Session.objects.exists()
