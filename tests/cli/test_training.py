"""`knotless lift`, `knotless session` and `knotless training` as a person types them."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner

from knotless.cli import main
from knotless.training.models import Entry, Workout, WorkSet


@pytest.fixture
def run(db: None) -> Any:
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_lift_with_a_short_name_and_effort(run: Any, user: Any) -> None:
    done = run("lift", "dumbbell row", "3x10@20kg", "--rir", "2", "--pain", "1")
    assert done.exit_code == 0, done.output
    assert "Logged One-arm dumbbell row: 3x10@20kg rir2." in done.output
    entry = Entry.objects.get()
    assert entry.slug == "one-arm-dumbbell-row"
    assert entry.pain_during == 1
    assert entry.workout.source == Workout.Source.TERMINAL
    assert set(WorkSet.objects.values_list("rir", flat=True)) == {2}


def test_lift_own_exercise_in_pounds(run: Any, user: Any) -> None:
    done = run("lift", "zercher carry march", "5,5,4@100lb")
    assert done.exit_code == 0, done.output
    loads = set(WorkSet.objects.values_list("load_kg", flat=True))
    assert loads == {Decimal("45.36")}
    assert Entry.objects.get().own is not None


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("dumbbell row", "3x10@20"), "kg"),
        (("row", "ten"), "3x10@20kg"),
        (("dumbbell row", "3x10@20kg", "--rir", "2", "--rpe", "8"), "not both"),
        (("dumbbell row", "3x10@20kg", "--pain", "11"), "0<=x<=10"),
    ],
)
def test_lift_bad_input_is_a_message(
    run: Any, user: Any, args: tuple[str, ...], words: str
) -> None:
    done = run("lift", *args)
    assert done.exit_code == 2
    assert words in done.output
    assert "Traceback" not in done.output
    assert not Entry.objects.exists()


def test_an_ambiguous_short_name_asks_which(run: Any, user: Any) -> None:
    done = run("lift", "row", "3x10@5kg")
    assert done.exit_code == 2
    assert "could mean" in done.output
    assert not Entry.objects.exists()


def test_a_short_name_means_the_lift_logged_before(run: Any, user: Any) -> None:
    assert run("lift", "One-arm dumbbell row", "3x10@20kg").exit_code == 0
    done = run("lift", "row", "3x10@21kg", "--rir", "2")
    assert done.exit_code == 0, done.output
    assert "Logged One-arm dumbbell row: 3x10@21kg rir2." in done.output


def test_session_and_training_json(run: Any, user: Any) -> None:
    assert run("session", "run", "40", "--effort", "6").exit_code == 0
    assert run("session", "football", "90").exit_code == 0
    run("lift", "dumbbell row", "3x10@20kg")
    data = json.loads(run("training", "--json").output)
    kinds = sorted(w["kind"] for w in data["workouts"])
    assert kinds == ["football", "run", "strength"]
    run_row = next(w for w in data["workouts"] if w["kind"] == "run")
    assert run_row["load"] == 240
    assert data["load"]["enough_history"] is False
    assert data["next"][0]["lift"] == "One-arm dumbbell row"
    text = run("training").output
    assert "Not enough history yet" in text
    assert "football" in text.lower()


def test_session_bad_kind(run: Any, user: Any) -> None:
    done = run("session", "nap", "30")
    assert done.exit_code == 2
    assert "run" in done.output
