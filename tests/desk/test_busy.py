"""Signs that the user is busy (do not disturb, a call, a full-screen program) and the idle
sources of the other systems, each read the way the agent reads them."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knotless.desk.idle import GnomeDoNotDisturb, MacOS, Microphone, Watch, Windows, read_dconf


@pytest.fixture
def dconf(tmp_path: Path) -> Iterator[Any]:
    """Real dconf (Debian's dconf-cli) writing into a private database through its own
    D-Bus session, so the file GNOME would write is the file we read."""
    if not shutil.which("dconf") or not shutil.which("dbus-daemon"):
        pytest.fail("dconf and dbus-daemon are needed: apt-get install dconf-cli dbus-daemon")
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = os.environ | {"XDG_CONFIG_HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(runtime)}
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,  # the dconf service it starts writes under tmp_path
    )
    assert daemon.stdout is not None
    env["DBUS_SESSION_BUS_ADDRESS"] = daemon.stdout.readline().strip()

    def write(key: str, value: str) -> None:
        subprocess.run(["dconf", "write", key, value], env=env, check=True, timeout=20)

    write.database = tmp_path / "dconf" / "user"  # type: ignore[attr-defined]
    try:
        yield write
    finally:
        daemon.terminate()
        daemon.wait(timeout=5)


def test_dconf_values_are_read_from_the_real_database(dconf: Any) -> None:
    dconf("/org/gnome/desktop/notifications/show-banners", "false")
    dconf("/org/gnome/desktop/interface/clock-format", "'24h'")
    dconf("/org/example/count", "42")
    path = dconf.database
    assert read_dconf(path, "/org/gnome/desktop/notifications/show-banners") is False
    assert read_dconf(path, "/org/gnome/desktop/interface/clock-format") == "24h"
    assert read_dconf(path, "/org/example/count") == 42
    assert read_dconf(path, "/org/gnome/desktop/notifications/missing") is None


def test_gnome_do_not_disturb_is_seen_when_switched_on_and_off(dconf: Any) -> None:
    sign = GnomeDoNotDisturb(dconf.database)
    assert not sign.busy()  # no database yet: never switched
    dconf("/org/gnome/desktop/notifications/show-banners", "false")  # Do Not Disturb on
    assert sign.busy()
    assert sign.busy()  # unchanged file: answered without reading it again
    dconf("/org/gnome/desktop/notifications/show-banners", "true")
    assert not sign.busy()


def test_a_damaged_database_is_not_busy(tmp_path: Path) -> None:
    path = tmp_path / "user"
    path.write_bytes(b"GVariant" + b"\xff" * 40)
    assert not GnomeDoNotDisturb(path).busy()
    other = tmp_path / "other"
    other.write_bytes(b"nonsense")
    with pytest.raises(ValueError, match="not a dconf database"):
        read_dconf(other, "/x")


def _capture(root: Path, card: int, state: str) -> Path:
    status = root / f"card{card}" / "pcm0c" / "sub0" / "status"
    status.parent.mkdir(parents=True, exist_ok=True)
    status.write_text(state)
    return status


def test_a_recording_microphone_means_a_call(tmp_path: Path) -> None:
    _capture(tmp_path, 0, "closed\n")
    headset = _capture(tmp_path, 1, "closed\n")
    playback = tmp_path / "card0" / "pcm0p" / "sub0" / "status"
    playback.parent.mkdir(parents=True)
    playback.write_text("state: RUNNING\n")  # music playing is not a call
    mic = Microphone(tmp_path)
    assert not mic.busy()
    headset.write_text("state: RUNNING\nowner_pid   : 4242\n")
    assert mic.busy()
    headset.write_text("closed\n")
    assert not mic.busy()


def test_without_alsa_there_is_no_microphone_sign(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="no ALSA"):
        Microphone(tmp_path / "missing")


class FakeShell32:
    def __init__(self, state: int, result: int = 0) -> None:
        self.state, self.result = state, result

    def SHQueryUserNotificationState(self, ref: Any) -> int:
        ref._obj.value = self.state
        return self.result


@pytest.mark.parametrize(
    ("state", "result", "busy"),
    [(5, 0, False), (2, 0, True), (3, 0, True), (4, 0, True), (1, 0, False), (3, 1, False)],
)
def test_windows_full_screen_and_presentations_are_busy(
    state: int, result: int, busy: bool
) -> None:
    windows = Windows.__new__(Windows)  # ctypes.windll exists only on Windows
    windows._shell32 = FakeShell32(state, result)
    assert windows.busy() is busy


class FakeQuartz:
    class Since:
        restype: Any = None
        argtypes: Any = None

        def __init__(self) -> None:
            self.calls: list[tuple[int, int]] = []

        def __call__(self, state: int, kind: int) -> float:
            self.calls.append((state, kind))
            return 12.5

    def __init__(self) -> None:
        self.CGEventSourceSecondsSinceLastEventType = self.Since()


def test_macos_reads_the_hid_idle_time() -> None:
    quartz = FakeQuartz()
    source = MacOS(quartz)
    assert source.idle_seconds() == 12.5
    since = quartz.CGEventSourceSecondsSinceLastEventType
    assert since.calls == [(1, 0xFFFFFFFF)]  # HID system state, any input event
    assert since.restype is ctypes.c_double
    assert not source.busy()


class Sign:
    def __init__(self, name: str) -> None:
        self.name, self.on = name, False

    def busy(self) -> bool:
        return self.on


class Still:
    name, exact = "fake idle", True

    def idle_seconds(self) -> float:
        return 3.0

    def busy(self) -> bool:
        return False


def test_a_watch_is_busy_when_any_sign_says_so() -> None:
    dnd, call = Sign("do not disturb"), Sign("a call")
    watch = Watch(Still(), [dnd, call])
    assert watch.name == "fake idle + do not disturb + a call"
    assert watch.idle_seconds() == 3.0 and not watch.busy()
    call.on = True
    assert watch.busy()
    call.on, dnd.on = False, True
    assert watch.busy()
