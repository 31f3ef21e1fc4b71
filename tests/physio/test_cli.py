"""`knotless physio show|add|stop`: the programme from the terminal, as on the Physio pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from knotless.cli import main
from knotless.journal import services as journal
from knotless.physio import doc
from knotless.physio.models import Programme
from knotless.safety.checklist import flags_for
from knotless.safety.screening import record

from .test_programme import GOOD


@pytest.fixture
def run(db: None) -> Any:
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None) -> Any:
        return runner.invoke(main, list(args), input=stdin, catch_exceptions=False)

    return invoke


def test_it_adds_shows_and_stops_a_programme(run: Any, user: Any, tmp_path: Path) -> None:
    file = tmp_path / "programme.json"
    file.write_text(json.dumps(GOOD), encoding="utf-8")
    assert "You follow no physio programme" in run("physio", "show").output

    added = run("physio", "add", str(file), "--yes")
    assert added.exit_code == 0, added.output
    assert "The programme from Sam Reyes, physio, written 2026-12-04:" in added.output
    assert "Seated chin tuck: 12 reps × 4 sets, every day" in added.output
    assert "Added: your plan now follows the programme from Sam Reyes, physio." in added.output
    assert Programme.objects.get(user=user, ended_at__isnull=True).items[0]["slug"] == "chin-tuck"

    shown = run("physio", "show")
    assert "Your plan follows the programme from Sam Reyes, physio" in shown.output
    assert "Note: Slowly." in shown.output
    data = json.loads(run("physio", "show", "--json").output)
    assert data["programme"]["items"] == [i.as_dict() for i in doc.read(json.dumps(GOOD)).items]

    # The link works as well as the file, and a second programme ends the first.
    link = "https://knotless.example/physio/review/#" + doc.read(json.dumps(GOOD)).fragment()
    again = run("physio", "add", link, "--yes")
    assert "The one you followed before has ended." in again.output
    assert Programme.objects.filter(user=user).count() == 2
    assert Programme.objects.filter(user=user, ended_at__isnull=True).count() == 1

    stopped = run("physio", "stop")
    assert "You no longer follow the programme from Sam Reyes, physio." in stopped.output
    assert not Programme.objects.filter(user=user, ended_at__isnull=True).exists()
    assert "nothing to stop" in run("physio", "stop").output


def test_it_asks_before_following_and_refuses_without_a_person_to_ask(run: Any, user: Any) -> None:
    refused = run("physio", "add", "-", stdin=json.dumps(GOOD))
    assert refused.exit_code == 2
    assert "Nothing was added: add --yes to follow it." in refused.output
    assert not Programme.objects.exists()


def test_a_bad_programme_is_refused_in_words(run: Any, user: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(GOOD | {"items": []}), encoding="utf-8")
    result = run("physio", "add", str(bad), "--yes")
    assert result.exit_code == 2
    assert "The programme has no exercises. Nothing was added." in result.output
    missing = run("physio", "add", str(tmp_path / "nowhere.json"), "--yes")
    assert missing.exit_code == 2 and "cannot read" in missing.output
    assert not Programme.objects.exists()


def test_it_says_what_the_safety_answers_hold_back(run: Any, user: Any) -> None:
    journal.add_knot(user, region="back-of-neck", side="left", pain=5, tz_name="UTC")
    emergency = next(f.id for f in flags_for(["chest"]) if f.tier == "emergency")
    record(user, ["chest"], [emergency])
    added = run("physio", "add", "-", "--yes", stdin=json.dumps(GOOD))
    assert "[held back: your safety answers call for medical help, not exercise]" in added.output
