"""The terminal's quick path through a running server (knotless/quick.py, knotless/cli/door.py):
the same command, output and exit status as without a server; stored exactly once; refused
quietly (falling back, nothing stored) whenever the door is not this server's."""

from __future__ import annotations

import json
import socket
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from knotless import quick
from knotless.cli.door import TOKEN_ENV, close_door, door_host, open_door, run
from knotless.hydration.models import Drink
from knotless.journal import services as journal
from knotless.journal.models import CheckIn

TOKEN = "a-door-secret-for-tests"


@pytest.fixture
def door(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    return TOKEN


def _send(client: Client, argv: Any, token: str = TOKEN, **extra: Any) -> Any:
    return client.post(
        "/_cli/",
        data=json.dumps({"argv": argv}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
        **extra,
    )


def _result(answer: Any) -> dict[str, Any]:
    code, out, err = quick.read_result(answer.content)
    return {"code": code, "out": out, "err": err}


@pytest.mark.parametrize(
    ("argv", "user"),
    [
        (["drink", "250"], None),
        (["knot", "checkin", "1", "--note", 'a "quote" \\ \n\t\x01 ünï 🙂 \udcff'], "anna"),
    ],
)
def test_the_request_body_is_the_json_the_server_reads(argv: list[str], user: str | None) -> None:
    assert json.loads(quick.request_body(argv, user)) == {"argv": argv, "user": user}


def test_a_result_that_is_cut_short_is_not_taken_for_one() -> None:
    assert quick.read_result(b"0\n5\nhello") == (0, "hello", "")
    assert quick.read_result("2\n3\nünï".encode()) == (2, "ün", "ï")
    for broken in (b"", b"0\n", b"0\n9\nshort", b"x\n1\na", b"0\n-1\n"):
        with pytest.raises(ValueError, match="not a result"):
            quick.read_result(broken)


def test_the_data_folder_is_found_where_platformdirs_puts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    from knotless.config import data_dir

    monkeypatch.delenv("KNOTLESS_DATA_DIR", raising=False)
    for xdg in (str(tmp_path / "xdg"), ""):
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
        assert quick.data_dir() == str(Path(platformdirs.user_data_dir("knotless")).resolve())
        assert quick.data_dir() == str(data_dir())
    monkeypatch.setenv("KNOTLESS_DATA_DIR", str(tmp_path / "mine"))
    assert quick.data_dir() == str(data_dir())


@pytest.mark.parametrize(
    ("argv", "quick_one"),
    [
        (["drink", "250"], True),
        (["knot", "checkin", "1", "--pain", "3"], True),
        (["drink", "--help"], False),
        (["knot", "add", "--region", "calf"], False),
        (["knot"], False),
        (["user", "create", "x"], False),
        ([], False),
    ],
)
def test_only_the_quick_commands_go_through_the_door(argv: list[str], quick_one: bool) -> None:
    assert quick.is_quick(argv) is quick_one


def test_a_drink_through_the_door_is_stored_once_with_the_terminals_words(
    user: Any, door: str
) -> None:
    answer = _send(Client(), ["drink", "250"])
    assert answer.status_code == 200
    result = _result(answer)
    assert result["code"] == 0
    assert result["out"].startswith("Logged 250 ml of water. Today: 250 ml")
    assert Drink.objects.filter(user=user).count() == 1


def test_bad_input_gets_the_same_usage_error_and_status(user: Any, door: str) -> None:
    result = _result(_send(Client(), ["drink", "lots"]))
    assert result["code"] == 2
    assert "Error: Invalid value for AMOUNT" in result["err"]
    assert "Usage: knotless drink" in result["err"]
    assert not Drink.objects.exists()


def test_a_checkin_through_the_door(user: Any, door: str) -> None:
    knot = journal.add_knot(
        user, region="top-of-shoulder", side="left", pain=6, tz_name="Europe/Berlin"
    )
    result = _result(_send(Client(), ["knot", "checkin", str(knot.pk), "--pain", "3"]))
    assert result["code"] == 0, result
    assert f"Checked in knot #{knot.pk}" in result["out"]
    assert list(CheckIn.objects.filter(knot=knot).values_list("pain", flat=True)) == [6, 3]


@pytest.mark.parametrize(
    "case",
    ["no secret set", "wrong secret", "another machine", "not quick", "not json", "not a list"],
)
def test_anything_but_this_servers_quick_command_is_a_404(
    user: Any, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    if case != "no secret set":
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
    client = Client()
    if case == "wrong secret":
        answer = _send(client, ["drink", "250"], token="guess")
    elif case == "another machine":
        answer = _send(client, ["drink", "250"], REMOTE_ADDR="192.0.2.7")
    elif case == "not quick":
        answer = _send(client, ["user", "create", "mallory", "--password-stdin"])
    elif case == "not json":
        answer = client.post(
            "/_cli/",
            data="drink 250",
            content_type="text/plain",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    elif case == "not a list":
        answer = _send(client, "drink 250")
    else:
        answer = _send(client, ["drink", "250"])
    assert answer.status_code == 404
    assert not Drink.objects.exists()


def test_output_of_other_threads_is_not_caught(user: Any, door: str, capsys: Any) -> None:
    seen: list[str] = []
    started, finish = threading.Event(), threading.Event()

    def other() -> None:
        started.set()
        finish.wait(5)
        print("from another thread")
        seen.append("printed")

    thread = threading.Thread(target=other)
    thread.start()
    started.wait(5)
    finish.set()
    code, out, _ = run(["drink", "300"])
    thread.join(5)
    assert code == 0 and "from another thread" not in out
    assert seen == ["printed"]
    sys.stdout.flush()
    assert "from another thread" in capsys.readouterr().out


# --- the terminal's side ----------------------------------------------------------------------


def _door_file(folder: Path, port: int, token: str = TOKEN, **changes: Any) -> None:
    content = {
        "host": "127.0.0.1",
        "port": port,
        "token": token,
        "database": quick.database_identity("", folder.resolve()),
        **changes,
    }
    (folder / quick.DOOR_FILE).write_text(quick.door_text(content))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KNOTLESS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KNOTLESS_DATABASE_URL", raising=False)
    monkeypatch.delenv("KNOTLESS_USER", raising=False)
    return tmp_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_door_or_nobody_listening_means_run_here(folder: Path) -> None:
    assert quick.through_door(["drink", "250"]) is None
    _door_file(folder, _free_port())
    assert quick.through_door(["drink", "250"]) is None


def test_a_door_for_another_database_is_not_used(folder: Path) -> None:
    _door_file(folder, _free_port(), database="url:" + "0" * 64)
    assert quick._door(folder.resolve()) is None
    _door_file(folder, _free_port(), host="192.0.2.7")
    assert quick._door(folder.resolve()) is None


def test_through_a_live_server_end_to_end(
    folder: Path, live_server: Any, user: Any, door: str, capsys: Any
) -> None:
    _door_file(folder, int(live_server.url.rsplit(":", 1)[1]))
    assert quick.through_door(["drink", "250"]) == 0
    assert "Logged 250 ml of water" in capsys.readouterr().out
    assert Drink.objects.filter(user=user).count() == 1
    # Another secret (a door file left by an earlier server on the same port): run it here.
    _door_file(folder, int(live_server.url.rsplit(":", 1)[1]), token="an-old-secret")
    assert quick.through_door(["drink", "250"]) is None
    assert Drink.objects.filter(user=user).count() == 1


def test_a_request_sent_without_an_answer_is_never_sent_again(folder: Path, capsys: Any) -> None:
    """The server may have stored it: say so, and do not fall back (that could log it twice)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def swallow() -> None:
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.close()

    thread = threading.Thread(target=swallow)
    thread.start()
    _door_file(folder, listener.getsockname()[1])
    assert quick.through_door(["drink", "250"]) == 1
    thread.join(5)
    listener.close()
    assert "may or may not be stored" in capsys.readouterr().err


def test_the_door_file_is_private_and_removed_by_its_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    path = open_door(tmp_path, "127.0.0.1", 8000, "")
    assert path.stat().st_mode & 0o777 == 0o600
    written = quick.read_door(path.read_text())
    assert written["token"] and written["database"] == f"sqlite:{tmp_path}"
    monkeypatch.setenv(TOKEN_ENV, "another-servers-secret")
    close_door(path)
    assert path.exists()  # not this server's door any more: left alone
    monkeypatch.setenv(TOKEN_ENV, written["token"])
    close_door(path)
    assert not path.exists()


def test_a_server_open_to_the_network_is_reached_on_loopback() -> None:
    assert door_host("0.0.0.0") == "127.0.0.1" and door_host("::") == "::1"
    assert door_host("192.168.1.20") is None
