"""Where the desk agent learns how long the user has been idle, and whether they are busy.

Each backend asks the operating system cheaply (one call per tick, no subprocess):

* X11: the MIT-SCREEN-SAVER extension's idle time; busy when the active window is full screen
  (``_NET_WM_STATE_FULLSCREEN``).
* GNOME (Wayland or X11): Mutter's ``org.gnome.Mutter.IdleMonitor`` over D-Bus.
* Windows: ``GetLastInputInfo``.
* Anything else (Wayland without X, macOS for now, no display): wall-clock timing, said out
  loud, so every minute the agent runs counts as active.

Standard library plus python-xlib; nothing here imports Django.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any, Protocol


class IdleSource(Protocol):
    name: str
    exact: bool  # False: wall-clock fallback, idle is always 0

    def idle_seconds(self) -> float: ...
    def busy(self) -> bool: ...


class WallClock:
    name = "wall clock (no idle information on this system)"
    exact = False

    def idle_seconds(self) -> float:
        return 0.0

    def busy(self) -> bool:
        return False


class X11:
    name = "X11 screen-saver extension"
    exact = True

    def __init__(self, display: str | None = None) -> None:
        from Xlib import display as xdisplay

        self._display: Any = xdisplay.Display(display)
        if not self._display.has_extension("MIT-SCREEN-SAVER"):
            self._display.close()
            raise OSError("this X server has no MIT-SCREEN-SAVER extension")
        self._root = self._display.screen().root
        self._atoms = {
            name: self._display.intern_atom(name)
            for name in ("_NET_ACTIVE_WINDOW", "_NET_WM_STATE", "_NET_WM_STATE_FULLSCREEN")
        }

    def idle_seconds(self) -> float:
        info = self._root.screensaver_query_info()
        return float(info.idle) / 1000.0

    def busy(self) -> bool:
        """A full-screen active window (a presentation, a video call, a film) means busy."""
        from Xlib import X

        try:
            active = self._root.get_full_property(
                self._atoms["_NET_ACTIVE_WINDOW"], X.AnyPropertyType
            )
            if not active or not active.value or not active.value[0]:
                return False
            window = self._display.create_resource_object("window", int(active.value[0]))
            state = window.get_full_property(self._atoms["_NET_WM_STATE"], X.AnyPropertyType)
        except Exception:  # a window closing under us is not an error worth stopping for
            return False
        return bool(state and self._atoms["_NET_WM_STATE_FULLSCREEN"] in state.value)

    def close(self) -> None:
        self._display.close()


class Windows:
    name = "Windows GetLastInputInfo"
    exact = True

    def __init__(self) -> None:
        class LASTINPUTINFO(ctypes.Structure):
            _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint)]

        self._info = LASTINPUTINFO()
        self._info.cbSize = ctypes.sizeof(LASTINPUTINFO)
        self._user32: Any = ctypes.windll.user32  # type: ignore[attr-defined]
        self._kernel32: Any = ctypes.windll.kernel32  # type: ignore[attr-defined]

    def idle_seconds(self) -> float:
        self._user32.GetLastInputInfo(ctypes.byref(self._info))
        millis = int(self._kernel32.GetTickCount() - self._info.dwTime) & 0xFFFFFFFF
        return millis / 1000.0

    def busy(self) -> bool:
        return False


class GnomeMutter:
    """GNOME's idle monitor over the session bus; works on Wayland, where X11 cannot see."""

    name = "GNOME idle monitor (D-Bus)"
    exact = True
    BUS_NAME = "org.gnome.Mutter.IdleMonitor"
    PATH = "/org/gnome/Mutter/IdleMonitor/Core"

    def __init__(self, interface: Any) -> None:
        self._interface = interface
        self._idle = 0.0

    @classmethod
    async def connect(cls, address: str | None = None) -> GnomeMutter:
        from dbus_fast.aio import MessageBus

        bus = await (MessageBus(bus_address=address) if address else MessageBus()).connect()
        introspection = await bus.introspect(cls.BUS_NAME, cls.PATH)
        proxy = bus.get_proxy_object(cls.BUS_NAME, cls.PATH, introspection)
        source = cls(proxy.get_interface(cls.BUS_NAME))
        await source.refresh()
        return source

    async def refresh(self) -> None:
        """One D-Bus call per tick; the agent awaits it before reading idle_seconds()."""
        millis = await self._interface.call_get_idletime()
        self._idle = float(millis) / 1000.0

    def idle_seconds(self) -> float:
        return self._idle

    def busy(self) -> bool:
        return False


async def detect_async() -> IdleSource:
    """Like :func:`detect`, trying GNOME's D-Bus monitor where X11 gives nothing."""
    source = detect()
    if isinstance(source, WallClock) and os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        try:
            return await GnomeMutter.connect()
        except Exception:  # not GNOME, or no monitor: the wall clock, said out loud
            return source
    return source


def detect() -> IdleSource:
    """The best source this system offers; the wall clock when there is none."""
    if sys.platform == "win32":
        try:
            return Windows()
        except (AttributeError, OSError):
            return WallClock()
    if os.environ.get("DISPLAY"):
        try:
            return X11()
        except Exception:  # no server, no extension, no permission: fall back, said out loud
            return WallClock()
    return WallClock()
