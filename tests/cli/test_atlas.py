from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from knotless.atlas.muscles import load_muscles
from knotless.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def run_json(*args: str) -> tuple[int, Any, str]:
    """stdout parsed as JSON, and stderr, where warnings for people go."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_it_lists_regions_with_views_and_aliases() -> None:
    code, out = run("regions", "--json")
    rows = {r["slug"]: r for r in json.loads(out)}
    assert code == 0 and len(rows) >= 40
    assert rows["temple"]["views"] and rows["temple"]["name"] == "Temple"
    assert "Temple" in run("regions")[1]


def test_it_lists_and_shows_muscles() -> None:
    code, out = run("muscles", "--json")
    assert code == 0 and len(json.loads(out)) == len(load_muscles())
    code, out = run("muscle", "upper-trapezius")
    assert code == 0
    assert "Usually refers pain to:" in out and "not a diagnosis" in out


def test_it_suggests_muscles_for_a_typo() -> None:
    code, out = run("muscle", "upper-trapezus")
    assert code == 2 and "upper-trapezius" in out


def test_it_finds_muscles_for_marked_regions() -> None:
    code, ranked, warnings = run_json(
        "find", "temple:8", "back-of-neck:5", "--context", "desk", "--json"
    )
    assert "call emergency services now" in warnings
    assert code == 0 and ranked
    assert abs(sum(r["score"] for r in ranked) - 1) < 0.01 or len(ranked) == 10
    assert all("temple" in r["explained"] or "back-of-neck" in r["explained"] for r in ranked)
    assert "Share" in run("find", "temple")[1]


def test_it_suggests_regions_for_a_typo_and_checks_intensity() -> None:
    code, out = run("find", "shoulderblade")
    assert code == 2 and "Did you mean" in out
    code, out = run("find", "temple:11")
    assert code == 2 and "from 1 to 10" in out


def test_it_finds_without_touching_the_database() -> None:
    # The atlas is package data: `find` must work before any account or database exists.
    import subprocess
    import sys

    code = "from knotless.cli import main; main(['find', 'calf'], standalone_mode=False)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr


def test_it_lists_emergency_signs_before_chest_findings() -> None:
    code, out = run("find", "front-of-chest:7")
    assert code == 0
    assert out.index("call emergency services now") < out.index("Share")
    assert "chest pain" in out
    assert "call emergency services" not in run("find", "lateral-elbow")[1]  # the arm asks none
    # The knee is in the leg's area: leg pain with numbness between the legs is an emergency.
    knee = run("find", "front-of-knee")[1]
    assert "call emergency services" in knee and "numbness between your legs" in knee
