from __future__ import annotations

import json

from click.testing import CliRunner

from knotless.cli import main
from knotless.library.exercises import load_exercises


def test_it_lists_and_filters_exercises() -> None:
    everything = json.loads(CliRunner().invoke(main, ["exercises", "--json"]).stdout)
    assert len(everything) == len(load_exercises())
    stretches = json.loads(
        CliRunner().invoke(main, ["exercises", "--json", "--kind", "stretch"]).stdout
    )
    assert stretches and all(e["kind"] == "stretch" for e in stretches)
    trap = json.loads(
        CliRunner().invoke(main, ["exercises", "--json", "--muscle", "upper-trapezius"]).stdout
    )
    assert trap and len(trap) < len(everything)
    desk = CliRunner().invoke(main, ["exercises", "--desk"])
    assert desk.exit_code == 0 and "seated" in desk.output


def test_it_shows_one_exercise_and_suggests_on_a_typo() -> None:
    slug = next(iter(load_exercises()))
    shown = CliRunner().invoke(main, ["exercise", slug])
    assert shown.exit_code == 0 and "Dose:" in shown.output and "1. " in shown.output
    typo = CliRunner().invoke(main, ["exercise", slug[:-1]])
    assert typo.exit_code == 2 and slug in typo.output


def test_it_checks_the_muscle_filter() -> None:
    result = CliRunner().invoke(main, ["exercises", "--muscle", "upper-trapezus"])
    assert result.exit_code == 2 and "upper-trapezius" in result.output
