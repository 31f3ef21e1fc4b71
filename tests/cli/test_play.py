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
from tests.practice.conftest import add_knot


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
    knot = add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
    slugs = ["upper-trapezius-side-bend-stretch", "chin-tuck"]
    # Pain before, pain after, then a verdict per exercise.
    result = CliRunner().invoke(
        main, ["play", *slugs], input="6\n3\nh\nx\n", catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    steps = script(routine(slugs))
    assert clock.slept == pytest.approx(sum(s.seconds for s in steps))
    for step in steps:
        assert step.text in result.output
    assert "\a" in result.output  # the bell at each change
    session = Session.objects.get()
    assert session.source == Session.Source.TERMINAL
    assert session.status == Session.Status.FINISHED
    assert session.played_seconds == session.planned_seconds
    row = SessionKnot.objects.get()
    assert (row.knot, row.pain_before, row.pain_after) == (knot, 6, 3)
    assert [e.verdict for e in session.exercises.all()] == ["helped", "hurt"]
    assert "6 → 3" in result.output


def test_it_asks_again_for_a_pain_off_the_scale(db: None, user: Any, clock: FakeClock) -> None:
    add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
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
    add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
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
    add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
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
