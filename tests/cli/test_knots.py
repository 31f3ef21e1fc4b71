from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner

from knotless.cli import main
from knotless.journal.models import Knot


@pytest.fixture
def run(db: None) -> Any:
    runner = CliRunner()

    def invoke(*args: str, **kwargs: Any) -> Any:
        return runner.invoke(main, list(args), catch_exceptions=False, **kwargs)

    return invoke


def test_it_adds_checks_in_lists_and_unties(run: Any, user: Any) -> None:
    added = run(
        "knot", "add", "--region", "medial-border-of-scapula", "--side", "left", "--pain", "6"
    )
    assert added.exit_code == 0, added.output
    knot = Knot.objects.get(user=user)
    assert f"Added knot #{knot.pk}: Left inner edge of shoulder blade, pain 6/10." in added.output

    assert run("knot", "checkin", str(knot.pk), "--pain", "4").exit_code == 0
    listed = json.loads(run("knot", "list", "--json").output)
    assert listed == [
        {
            "id": knot.pk,
            "region": "medial-border-of-scapula",
            "side": "left",
            "muscle": None,
            "status": "active",
            "latest_pain": 4,
            "change_7d": -2,
            "first_felt": knot.first_felt.isoformat(),
            "untied_at": None,
        }
    ]
    untied = run("knot", "untie", str(knot.pk), "--pain", "1")
    assert "untied at 1/10" in untied.output
    assert json.loads(run("knot", "list", "--json").output)[0]["status"] == "untied"
    assert "No active knots" in run("knot", "list", "--active").output


def test_it_prints_a_table(run: Any, user: Any) -> None:
    run(
        "knot",
        "add",
        "--region",
        "temple",
        "--side",
        "right",
        "--pain",
        "5",
        "--muscle",
        "upper-trapezius",
    )
    table = run("knot", "list").output
    assert "Right temple" in table and "upper-trapezius" in table and "5/10" in table


def test_it_suggests_regions_for_a_typo(run: Any, user: Any) -> None:
    result = CliRunner().invoke(
        main, ["knot", "add", "--region", "medial-border-scapula", "--side", "left", "--pain", "3"]
    )
    assert result.exit_code == 2
    assert "Did you mean" in result.output and "medial-border-of-scapula" in result.output
    assert not Knot.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pain", "11"], "0<=x<=10"),
        (["--side", "up"], "'up' is not one of"),
        (["--note", "x" * 2001], "up to 2000"),
    ],
)
def test_it_rejects_bad_input(run: Any, user: Any, args: list[str], message: str) -> None:
    base = {"--region": "temple", "--side": "left", "--pain": "3"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [item for pair in base.items() for item in pair]
    result = CliRunner().invoke(main, ["knot", "add", *flat])
    assert result.exit_code == 2
    assert message in result.output
    assert not Knot.objects.exists()


def test_it_needs_a_user_name_when_there_are_several(run: Any, user: Any, stranger: Any) -> None:
    result = CliRunner().invoke(main, ["knot", "list"])
    assert result.exit_code == 2
    assert "--user NAME" in result.output
    chosen = CliRunner().invoke(main, ["knot", "list", "--json"], env={"KNOTLESS_USER": "sam"})
    assert chosen.exit_code == 0 and json.loads(chosen.output) == []


def test_it_will_not_touch_another_users_knot(run: Any, user: Any, stranger: Any) -> None:
    run("knot", "add", "--region", "temple", "--side", "left", "--pain", "3", "--user", "alex")
    knot = Knot.objects.get()
    result = CliRunner().invoke(
        main, ["knot", "checkin", str(knot.pk), "--pain", "1", "--user", "sam"]
    )
    assert result.exit_code == 2
    assert f"no knot #{knot.pk}" in result.output
    assert knot.checkins.count() == 1


def test_it_refuses_a_checkin_on_an_untied_knot(run: Any, user: Any) -> None:
    run("knot", "add", "--region", "temple", "--side", "left", "--pain", "3")
    knot = Knot.objects.get()
    run("knot", "untie", str(knot.pk), "--pain", "0")
    result = CliRunner().invoke(main, ["knot", "checkin", str(knot.pk), "--pain", "1"])
    assert result.exit_code == 2 and "untied" in result.output


def test_it_explains_there_is_no_user_yet(run: Any) -> None:
    result = CliRunner().invoke(main, ["knot", "list"])
    assert result.exit_code == 2
    assert "no user yet" in result.output


def test_it_logs_without_importing_matplotlib(tmp_path: Any) -> None:
    # A fresh process with its own SQLite database: the quick-log path must stay light.
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from knotless.cli import main\n"
        "r = CliRunner().invoke(main, ['user', 'create', 'kim', '--password-stdin'],\n"
        "                       input='a-long-pass-phrase\\n')\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(main, ['knot', 'add', '--region', 'calf', '--side', 'left',\n"
        "                              '--pain', '4'])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(main, ['knot', 'list'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('matplotlib', 'granian') if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "KNOTLESS_DATABASE_URL"}
    env["KNOTLESS_DATA_DIR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def add_knot(run: Any, *extra: str) -> Knot:
    result = run("knot", "add", "--region", "temple", "--side", "left", "--pain", "6", *extra)
    assert result.exit_code == 0, result.output
    return Knot.objects.latest("id")


def fails(*args: str, input: str | None = None) -> Any:
    """Run a command that must fail the way bad input should: a message and status 2."""
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result


def test_it_asks_for_a_last_rating_when_untying_interactively(
    run: Any, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    knot = add_knot(run)
    monkeypatch.setattr("knotless.cli.knots._interactive", lambda: True)
    result = run("knot", "untie", str(knot.pk), input="11\n2\n")
    assert (
        "How much does it hurt now" in result.output and "11 is not in the range" in result.output
    )
    knot.refresh_from_db()
    assert knot.status == "untied"
    assert knot.checkins.order_by("moment", "id").last().pain == 2  # type: ignore[union-attr]


def test_it_needs_pain_to_untie_without_a_terminal(run: Any, user: Any) -> None:
    knot = add_knot(run)
    result = fails("knot", "untie", str(knot.pk))
    assert "--pain N" in result.output
    knot.refresh_from_db()
    assert (knot.status, knot.checkins.count()) == ("active", 1)
    run("knot", "untie", str(knot.pk), "--pain", "0")
    assert "already untied" in fails("knot", "untie", str(knot.pk), "--pain", "0").output


def test_it_lists_an_untied_knot_by_how_it_ended(run: Any, user: Any) -> None:
    knot = add_knot(run)
    run("knot", "checkin", str(knot.pk), "--pain", "8")
    run("knot", "untie", str(knot.pk), "--pain", "1")
    [row] = json.loads(run("knot", "list", "--json").output)
    assert (row["latest_pain"], row["change_7d"], row["status"]) == (1, None, "untied")
    table = run("knot", "list").output
    assert "1/10" in table and "+" not in table and "untied" in table


def test_it_reopens_an_untied_knot(run: Any, user: Any) -> None:
    knot = add_knot(run)
    assert "nothing to reopen" in fails("knot", "reopen", str(knot.pk)).output
    run("knot", "untie", str(knot.pk), "--pain", "1")
    assert "Reopened" in run("knot", "reopen", str(knot.pk)).output
    knot.refresh_from_db()
    assert (knot.status, knot.untied_at) == ("active", None)


def test_it_edits_only_the_fields_given(run: Any, user: Any) -> None:
    knot = add_knot(run, "--note", "after the drive", "--muscle", "temporalis")
    result = run(
        "knot", "edit", str(knot.pk), "--region", "between-shoulder-blades", "--side", "right"
    )
    assert "Between the shoulder blades, right side" in result.output
    knot.refresh_from_db()
    assert (knot.region, knot.side, knot.muscle, knot.note) == (
        "between-shoulder-blades",
        "right",
        "temporalis",
        "after the drive",
    )
    run("knot", "edit", str(knot.pk), "--muscle", "", "--note", "")
    knot.refresh_from_db()
    assert (knot.muscle, knot.note, knot.version) == ("", "", 3)


def test_it_keeps_a_fitting_side_when_only_the_region_changes(run: Any, user: Any) -> None:
    knot = add_knot(run)  # left temple
    run("knot", "edit", str(knot.pk), "--region", "calf")
    knot.refresh_from_db()
    assert (knot.region, knot.side) == ("calf", "left")
    run("knot", "edit", str(knot.pk), "--region", "sacrum")
    knot.refresh_from_db()
    assert (knot.region, knot.side) == ("sacrum", "center")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Nothing to change"),
        (["--region", "templ"], "Did you mean: temple"),
        (["--side", "center"], "left or right"),
        (["--muscle", "trapezius-upper"], "atlas name"),
        (["--first-felt", "2026-13-01"], "does not match the format"),
        (["--first-felt", "2999-01-01"], "cannot be in the future"),
        (["--note", "x" * 2001], "up to 2000"),
    ],
)
def test_it_refuses_bad_edits(run: Any, user: Any, args: list[str], message: str) -> None:
    knot = add_knot(run)
    assert message in fails("knot", "edit", str(knot.pk), *args).output
    knot.refresh_from_db()
    assert knot.version == 1


def test_it_lists_and_deletes_checkins_by_id(run: Any, user: Any) -> None:
    knot = add_knot(run)
    run("knot", "checkin", str(knot.pk), "--pain", "9", "--note", "slip, meant 3")
    listed = json.loads(run("knot", "checkins", str(knot.pk), "--json").output)
    assert [c["pain"] for c in listed] == [9, 6]  # newest first
    slip = listed[0]["id"]
    table = run("knot", "checkins", str(knot.pk)).output
    assert str(slip) in table and "slip, meant 3" in table
    assert "Deleted the 9/10 check-in" in run("knot", "delete-checkin", str(slip)).output
    assert list(knot.checkins.values_list("pain", flat=True)) == [6]
    last = knot.checkins.get().pk
    assert "at least one check-in" in fails("knot", "delete-checkin", str(last)).output
    assert "no check-in #999999" in fails("knot", "delete-checkin", "999999").output


def test_it_will_not_touch_another_users_checkins(run: Any, user: Any, stranger: Any) -> None:
    knot = add_knot(run, "--user", "alex")
    run("knot", "checkin", str(knot.pk), "--pain", "2", "--user", "alex")
    theirs = knot.checkins.order_by("id").last()
    assert theirs is not None
    fails("knot", "delete-checkin", str(theirs.pk), "--user", "sam")
    fails("knot", "checkins", str(knot.pk), "--user", "sam")
    fails("knot", "edit", str(knot.pk), "--note", "mine now", "--user", "sam")
    fails("knot", "delete", str(knot.pk), "--yes", "--user", "sam")
    fails("knot", "untie", str(knot.pk), "--pain", "0", "--user", "sam")
    assert knot.checkins.count() == 2
    knot.refresh_from_db()
    assert (knot.note, knot.status) == ("", "active")


def test_it_deletes_a_knot_only_when_confirmed(
    run: Any, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    knot = add_knot(run)
    assert "add --yes" in fails("knot", "delete", str(knot.pk)).output
    monkeypatch.setattr("knotless.cli.knots._interactive", lambda: True)
    kept = run("knot", "delete", str(knot.pk), input="n\n")
    assert kept.exit_code == 1 and Knot.objects.filter(pk=knot.pk).exists()
    gone = run("knot", "delete", str(knot.pk), input="y\n")
    assert gone.exit_code == 0 and not Knot.objects.filter(pk=knot.pk).exists()
    other = add_knot(run)
    assert "Deleted knot" in run("knot", "delete", str(other.pk), "--yes").output
    assert not Knot.objects.exists()


@pytest.mark.parametrize(
    ("time_zone", "at", "expected_utc"),
    [
        # Read on the user's clock: 08:30 in Berlin is 07:30 UTC in winter.
        ("Europe/Berlin", "2026-11-22 08:30", "2026-11-22T07:30:00+00:00"),
        ("America/New_York", "2026-11-22T08:30", "2026-11-22T13:30:00+00:00"),
        # The hour repeated when clocks go back: the first one is meant, as on the web.
        ("Europe/Berlin", "2026-10-25 02:30", "2026-10-25T00:30:00+00:00"),
    ],
)
def test_it_checks_in_at_a_time_on_the_users_clock(
    make_user: Any, time_zone: str, at: str, expected_utc: str
) -> None:
    make_user("alex", time_zone=time_zone)
    with time_machine.travel(datetime(2026, 11, 23, 12, tzinfo=UTC), tick=False):
        CliRunner().invoke(
            main,
            ["knot", "add", "--region", "calf", "--side", "left", "--pain", "5"],
            catch_exceptions=False,
        )
        knot = Knot.objects.get()
        Knot.objects.filter(pk=knot.pk).update(first_felt=date(2026, 10, 1))
        result = CliRunner().invoke(
            main, ["knot", "checkin", str(knot.pk), "--pain", "3", "--at", at]
        )
    assert result.exit_code == 0, result.output
    moment = knot.checkins.get(pain=3).moment
    assert moment.astimezone(UTC).isoformat() == expected_utc


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("yesterday", "--at: Enter a valid date/time"),
        ("2026-03-29 02:30", "did not exist"),  # clocks spring forward in Berlin
        ("2026-11-24 09:00", "cannot be in the future"),
        ("2026-02-01 09:00", "first felt on"),
    ],
)
def test_it_refuses_a_bad_checkin_time(user: Any, at: str, message: str) -> None:
    with time_machine.travel(datetime(2026, 11, 23, 12, tzinfo=UTC), tick=False):
        CliRunner().invoke(
            main, ["knot", "add", "--region", "calf", "--side", "left", "--pain", "5"]
        )
        knot = Knot.objects.get()
        Knot.objects.filter(pk=knot.pk).update(first_felt=date(2026, 3, 1))
        result = fails("knot", "checkin", str(knot.pk), "--pain", "3", "--at", at)
    assert message in result.output
    assert knot.checkins.count() == 1


@pytest.mark.parametrize(
    "args",
    [
        ["knot", "checkin", "notanumber", "--pain", "3"],
        ["knot", "edit", "999999", "--note", "x"],
        ["knot", "reopen", "999999"],
        ["knot", "delete", "999999", "--yes"],
        ["knot", "checkins", "999999"],
        ["knot", "untie", "999999", "--pain", "1"],
        ["knot", "untie", "1", "--pain", "eleven"],
    ],
)
def test_it_answers_bad_ids_without_a_traceback(user: Any, args: list[str]) -> None:
    fails(*args)


def _knot_commands() -> list[str]:
    # The same walk of click's tree as the bad-input test for every command (clitree.py).
    from tests.cli.clitree import under

    return [command.path[-1] for command in under("knot")]


@pytest.mark.parametrize("name", _knot_commands())
@pytest.mark.parametrize("junk", [["not-a-number"], ["999999", "--pain", "99"], ["--bogus"]])
def test_it_turns_junk_into_a_message_for_every_knot_command(
    user: Any, name: str, junk: list[str]
) -> None:
    # Generated from click's command tree: a new `knot` command is covered the day it lands.
    result = CliRunner().invoke(main, ["knot", name, *junk])
    assert result.exit_code == 2, (name, junk, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Error:" in result.output
    assert not Knot.objects.exists()
