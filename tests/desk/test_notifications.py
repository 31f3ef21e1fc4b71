"""The agent's desktop notification, received by a stub notification server on a private
D-Bus session bus: title, text and buttons arrive, and pressing a button answers the offer."""

import asyncio
import os
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method, signal

from knotless.desk.agent import Desktop
from knotless.desk.idle import GnomeMutter
from knotless.lib.breaks import MICRO


class StubNotifications(ServiceInterface):
    """Just enough of org.freedesktop.Notifications to see what the agent sends."""

    def __init__(self) -> None:
        super().__init__("org.freedesktop.Notifications")
        self.received: list[dict[str, Any]] = []

    @method()
    def GetCapabilities(self) -> "as":
        return ["actions", "body"]

    @method()
    def GetServerInformation(self) -> "ssss":
        return ["stub", "knotless-tests", "1", "1.2"]

    @method()
    def Notify(
        self,
        app_name: "s",
        replaces_id: "u",
        app_icon: "s",
        summary: "s",
        body: "s",
        actions: "as",
        hints: "a{sv}",
        expire_timeout: "i",
    ) -> "u":
        self.received.append(
            {"app": app_name, "summary": summary, "body": body, "actions": list(actions)}
        )
        return len(self.received)

    @method()
    def CloseNotification(self, notification_id: "u"):
        return None

    @signal()
    def ActionInvoked(self, notification_id, key) -> "us":
        return [notification_id, key]

    @signal()
    def NotificationClosed(self, notification_id, reason) -> "uu":
        return [notification_id, reason]


@pytest.fixture
def session_bus() -> Iterator[str]:
    if not shutil.which("dbus-daemon"):
        pytest.fail("dbus-daemon is needed: install Debian's dbus-daemon package.")
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=5)


async def _scenario(address: str) -> tuple[list[dict[str, Any]], list[str]]:
    server = await MessageBus(bus_address=address).connect()
    stub = StubNotifications()
    server.export("/org/freedesktop/Notifications", stub)
    await server.request_name("org.freedesktop.Notifications")
    answers: list[str] = []
    desktop = Desktop(answers.append)
    await desktop.offer(MICRO, "30 seconds: drop your shoulders.", can_postpone=True)
    for _ in range(50):
        if stub.received:
            break
        await asyncio.sleep(0.05)
    # The user presses "Start the break".
    actions = stub.received[0]["actions"]
    pairs = dict(zip(actions[1::2], actions[::2], strict=True))  # label -> action key
    stub.ActionInvoked(1, pairs["Start the break"])
    for _ in range(50):
        if answers:
            break
        await asyncio.sleep(0.05)
    server.disconnect()
    return stub.received, answers


def test_the_notification_reaches_the_desktop_and_its_buttons_answer(
    session_bus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus)
    assert os.environ["DBUS_SESSION_BUS_ADDRESS"] == session_bus
    with ThreadPoolExecutor(max_workers=1) as worker:
        received, answers = worker.submit(asyncio.run, _scenario(session_bus)).result(timeout=30)
    assert len(received) == 1
    note = received[0]
    assert note["app"] == "knotless" and note["summary"] == "Micro-break"
    assert note["body"] == "30 seconds: drop your shoulders."
    keys, labels = note["actions"][::2], note["actions"][1::2]
    buttons = [label for key, label in zip(keys, labels, strict=True) if key != "default"]
    assert buttons == ["Start the break", "In 5 minutes", "Skip"]
    assert answers == ["take"]


class StubIdleMonitor(ServiceInterface):
    """GNOME's idle monitor, answering a fixed idle time."""

    def __init__(self, millis: int) -> None:
        super().__init__("org.gnome.Mutter.IdleMonitor")
        self.millis = millis

    @method()
    def GetIdletime(self) -> "t":
        return self.millis


async def _idle_scenario(address: str) -> list[float]:
    server = await MessageBus(bus_address=address).connect()
    stub = StubIdleMonitor(4200)
    server.export("/org/gnome/Mutter/IdleMonitor/Core", stub)
    await server.request_name("org.gnome.Mutter.IdleMonitor")
    source = await GnomeMutter.connect(address)
    seen = [source.idle_seconds()]
    stub.millis = 65_000
    await source.refresh()
    seen.append(source.idle_seconds())
    server.disconnect()
    return seen


def test_the_gnome_idle_monitor_is_read_over_dbus(session_bus: str) -> None:
    with ThreadPoolExecutor(max_workers=1) as worker:
        seen = worker.submit(asyncio.run, _idle_scenario(session_bus)).result(timeout=30)
    assert seen == [4.2, 65.0]
