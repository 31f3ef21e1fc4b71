"""`knotless check`: the red-flag questions in the terminal, stored as the web stores them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest
from click.testing import CliRunner

from knotless.accounts.services import profile_for
from knotless.cli import main
from knotless.cli import player as play_module
from knotless.journal.models import Knot
from knotless.practice.models import DayPlan
from knotless.safety.checklist import flags_for
from knotless.safety.models import Screening
from knotless.safety.views import ADVICE
from tests.cli.test_play import FakeClock
from tests.practice.conftest import add_knot

# --- in a real terminal, as a person runs it ---------------------------------------------------


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KNOTLESS_DATABASE_URL", "KNOTLESS_SECRET_KEY", "KNOTLESS_USER")
    }
    env.update(KNOTLESS_DATA_DIR=str(data_dir), NO_COLOR="1")
    return env


def knotless(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "knotless", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(data_dir),
        timeout=60,
    )


def in_terminal(data_dir: Path, *args: str) -> pexpect.spawn[str]:
    return pexpect.spawn(
        sys.executable,
        ["-m", "knotless", *args],
        env=_env(data_dir),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 100),
    )


@pytest.fixture
def neck_knot_dir(tmp_path: Path) -> tuple[Path, int]:
    """A data dir with one user and a neck knot, made with the commands a person would use."""
    made = knotless(
        tmp_path, "user", "create", "alex", "--password-stdin", stdin="a long pass 42\n"
    )
    assert made.returncode == 0, made.stderr
    added = knotless(
        tmp_path, "knot", "add", "--region", "back-of-neck", "--side", "left", "--pain", "5"
    )
    assert added.returncode == 0, added.stderr
    assert "Added knot #1" in added.stdout
    return tmp_path, 1


def test_it_asks_in_a_terminal_and_the_plan_then_covers_the_knot(
    neck_knot_dir: tuple[Path, int],
) -> None:
    data_dir, knot_id = neck_knot_dir
    before = knotless(data_dir, "plan", "--minutes", "5", "--json")
    assert before.returncode == 0, before.stderr
    planned = json.loads(before.stdout)
    assert [o["knot"] for o in planned["left_out"]] == ["Left back of neck"]
    assert planned["check"] == [{"knot": knot_id, "command": f"knotless check --knot {knot_id}"}]
    shown = knotless(data_dir, "plan")
    assert f"knotless check --knot {knot_id}" in shown.stdout

    child = in_terminal(data_dir, "check", "--knot", str(knot_id))
    child.expect("Safety questions for knot #1: Left back of neck")
    child.expect("Get medical help now if:")
    child.expect("See a doctor today if:")
    child.expect("Book a doctor or physiotherapist soon if:")
    child.expect("or 0 if none of these apply: ")
    child.sendline("")  # an empty answer is never taken for "none"
    child.expect("Please type numbers from 1 to")
    child.expect("or 0 if none of these apply: ")
    child.sendline("0")
    child.expect("You said none of these apply.")
    child.expect(r"Is that right\? \[Y/n\]: ")
    child.sendline("y")
    child.expect("self-care suggestions for these areas are open for the next 12 hours")
    child.expect("Rebuilt today's plan")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    after = json.loads(knotless(data_dir, "plan", "--minutes", "5", "--json").stdout)
    assert after["left_out"] == [] and after["check"] == []
    assert any("left back of neck knot" in item["reason"] for item in after["items"])
    again = knotless(data_dir, "check")
    assert "Nothing needs answering" in again.stdout


def test_it_sends_for_help_from_a_terminal_and_exits_3(neck_knot_dir: tuple[Path, int]) -> None:
    data_dir, _ = neck_knot_dir
    child = in_terminal(data_dir, "check", "neck")
    child.expect("or 0 if none of these apply: ")
    child.sendline("1, A4b")  # numbers and ids both work
    child.expect("You ticked:")
    child.expect(r"Is that right\? \[Y/n\]: ")
    child.sendline("")
    child.expect("Get medical help now.")
    child.expect("Call 112 \\(your emergency number\\)")
    child.expect("Take this list of what you noticed")
    child.expect("You have new chest pain")
    child.expect("sudden, severe headache")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3
    # It stands: asking again without areas repeats what to do and how to answer again.
    standing = knotless(data_dir, "check")
    assert standing.returncode == 3 and "Call 112" in standing.stdout
    assert "knotless check neck" in standing.stdout


def test_it_never_waits_on_a_pipe_that_stays_open(neck_knot_dir: tuple[Path, int]) -> None:
    data_dir, knot_id = neck_knot_dir
    proc = subprocess.Popen(
        [sys.executable, "-m", "knotless", "check", "--knot", str(knot_id)],
        stdin=subprocess.PIPE,  # open and silent: reading it would hang
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(data_dir),
    )
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 2
    assert "--none" in err and "--yes" in err and "Traceback" not in err


# --- the same command through click's runner ---------------------------------------------------


@pytest.fixture
def run(db: None) -> Any:
    def invoke(*args: str) -> Any:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_it_prints_what_to_do_the_number_and_the_list_and_exits_3(run: Any, user: Any) -> None:
    profile = profile_for(user)
    profile.emergency_number = "999"
    profile.save()
    knot = add_knot(user, "back-of-neck", "left")
    result = run("check", "--knot", str(knot.pk), "--yes", "a1a,A4a")
    assert result.exit_code == 3, result.output
    assert "Call 999 (your emergency number)" in result.output
    assert "Take this list of what you noticed" in result.output
    asked = {f.id: f.question for f in flags_for({"neck"})}
    for flag_id in ("A1a", "A4a"):
        assert asked[flag_id][:60] in " ".join(result.output.split())
    stored = Screening.objects.get()
    assert (stored.user, stored.knot, stored.outcome) == (user, knot, "emergency")
    assert stored.ticked == ["A1a", "A4a"] and stored.areas == "neck"


def test_it_stores_none_of_these_and_opens_self_care(run: Any, user: Any) -> None:
    result = run("check", "neck", "BACK", "--none")
    assert result.exit_code == 0, result.output
    assert (
        "Thank you; self-care suggestions for these areas are open for the next 12 hours."
        in result.output
    )
    stored = Screening.objects.get()
    assert (stored.areas, stored.ticked, stored.outcome, stored.knot) == (
        "back,neck",
        [],
        "none",
        None,
    )
    assert stored.asked == [f.id for f in flags_for({"neck", "back"})]


def test_it_gives_the_webs_advice_for_a_today_answer(run: Any, user: Any) -> None:
    result = run("check", "head", "--yes", "B2")
    assert result.exit_code == 0, result.output
    assert " ".join(ADVICE["today"].split()) in " ".join(result.output.split())
    assert Screening.objects.get().outcome == "today"


def test_it_answers_every_waiting_knot_or_says_nothing_waits(run: Any, user: Any) -> None:
    assert "Nothing needs answering" in run("check", "--none").output
    elbow = add_knot(user, "lateral-elbow", "left", "wrist-extensors")
    assert "Nothing needs answering" in run("check", "--none").output  # arms have no questions
    neck = add_knot(user, "back-of-neck", "left")
    result = run("check", "--none")
    assert f"Waiting for answers: knot #{neck.pk}" in result.output
    assert f"#{elbow.pk}" not in result.output
    stored = Screening.objects.get()
    assert stored.knot == neck and stored.areas == "neck"  # the only waiting knot's journal
    assert "Nothing needs answering" in run("check").output


def test_a_calf_knot_waits_for_the_leg_and_foot_questions(run: Any, user: Any) -> None:
    calf = add_knot(user, "calf", "left", "gastrocnemius")  # it sends pain into the sole too
    waiting = run("check", "--knot", str(calf.pk), "--list")
    assert "Safety questions for knot" in waiting.output and "B5." in waiting.output
    assert "C8." in waiting.output  # a foot question, from the muscle's usual zones
    listed = run("plan", "--minutes", "5")
    assert f"knotless check --knot {calf.pk}" in listed.output
    result = run("check", "--none")
    assert f"Waiting for answers: knot #{calf.pk}" in result.output
    stored = Screening.objects.get()
    assert stored.knot == calf and stored.areas == "foot,leg"
    assert stored.asked == [f.id for f in flags_for({"leg", "foot"})]
    assert f"knotless check --knot {calf.pk}" not in run("plan", "--minutes", "5").output


def test_it_refuses_a_bad_area_or_both_answers(run: Any, user: Any) -> None:
    bad = CliRunner().invoke(main, ["check", "arm", "--none"])
    assert bad.exit_code == 2 and "'arm' is not one of" in bad.output
    both = CliRunner().invoke(main, ["check", "neck", "--none", "--yes", "A1a"])
    assert both.exit_code == 2 and "not both" in both.output
    unasked = CliRunner().invoke(main, ["check", "head", "--yes", "A2a"])  # a back question
    assert unasked.exit_code == 2 and "'A2a' is not one of these questions" in unasked.output
    assert not Screening.objects.exists()


def test_it_takes_the_new_areas_by_name(run: Any, user: Any) -> None:
    result = run("check", "Abdomen", "pelvis", "--yes", "C4")
    assert result.exit_code == 0, result.output
    stored = Screening.objects.get()
    assert (stored.areas, stored.ticked, stored.outcome) == ("abdomen,pelvis", ["C4"], "soon")
    urgent = run("check", "leg", "foot", "--yes", "B7")
    assert urgent.exit_code == 0 and " ".join(ADVICE["today"].split()) in " ".join(
        urgent.output.split()
    )


def test_it_treats_another_users_knot_as_no_such_knot(run: Any, user: Any, stranger: Any) -> None:
    theirs = add_knot(stranger, "back-of-neck", "left")
    result = CliRunner().invoke(
        main, ["check", "--knot", str(theirs.pk), "--none", "--user", "alex"]
    )
    assert result.exit_code == 2
    assert f"There is no knot #{theirs.pk} in this journal" in result.output
    missing = CliRunner().invoke(main, ["check", "--knot", "999", "--none", "--user", "alex"])
    assert missing.exit_code == 2 and "There is no knot #999" in missing.output
    assert not Screening.objects.exists()


def test_it_explains_how_to_answer_without_a_terminal(run: Any, user: Any) -> None:
    knot = add_knot(user, "back-of-neck", "left")
    result = CliRunner().invoke(main, ["check", "--knot", str(knot.pk)], input="1\ny\n")
    assert result.exit_code == 2
    assert "no terminal to ask" in result.output
    assert "--none" in result.output and "--yes" in result.output and "--list" in result.output
    assert not Screening.objects.exists()
    listed = run("check", "--knot", str(knot.pk), "--list")
    assert "A4a." in listed.output and "Get medical help now if:" in listed.output
    assert not Screening.objects.exists()


def test_it_says_when_a_knot_has_no_questions(run: Any, user: Any) -> None:
    elbow = add_knot(user, "lateral-elbow", "left", "wrist-extensors")
    result = run("check", "--knot", str(elbow.pk))
    assert result.exit_code == 0 and "has no safety questions" in result.output
    assert "abdomen, pelvis, leg and foot" in result.output
    assert not Screening.objects.exists()


def test_plan_and_play_point_to_the_check_for_a_waiting_knot(
    run: Any, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeClock()
    monkeypatch.setattr(play_module, "clock", fake)
    monkeypatch.setattr(play_module, "sleep", fake.sleep)
    neck = add_knot(user, "back-of-neck", "left")
    hint = f"knotless check --knot {neck.pk}"
    assert hint in run("plan", "--minutes", "5").output
    played = run("play", "--today", "--no-bell", "--no-questions")
    assert hint in played.output
    run("check", "--knot", str(neck.pk), "--none")
    assert hint not in run("plan", "--minutes", "5").output


def test_an_answer_that_holds_a_knot_back_rebuilds_the_kept_plan(run: Any, user: Any) -> None:
    neck = add_knot(user, "back-of-neck", "left")
    run("check", "neck", "--none")
    run("plan", "--minutes", "5")
    kept = DayPlan.objects.get(user=user, variant="main")
    assert any(neck.pk in item["knots"] for item in kept.items)
    result = run("check", "--knot", str(neck.pk), "--yes", "B1")
    assert "Rebuilt today's plan" in result.output
    kept.refresh_from_db()
    assert not any(neck.pk in item["knots"] for item in kept.items)
    assert [label for label, _ in kept.left_out] == [neck.label]
    assert Knot.objects.get(pk=neck.pk).status == Knot.Status.ACTIVE
