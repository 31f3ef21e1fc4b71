from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
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
        }
    ]
    untied = run("knot", "untie", str(knot.pk))
    assert "untied" in untied.output
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
    assert "Right temple (upper-trapezius)" in table and "5/10" in table


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
    run("knot", "untie", str(knot.pk))
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
