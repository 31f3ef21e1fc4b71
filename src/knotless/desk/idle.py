"""Where the desk agent learns how long the user has been idle, and whether they are busy.

Each backend asks the operating system cheaply (one call per tick, no subprocess):

* X11: the MIT-SCREEN-SAVER extension's idle time; busy when the active window is full screen
  (``_NET_WM_STATE_FULLSCREEN``).
* GNOME (Wayland or X11): Mutter's ``org.gnome.Mutter.IdleMonitor`` over D-Bus.
* Windows: ``GetLastInputInfo``; busy when ``SHQueryUserNotificationState`` reports a
  full-screen program or a presentation.
* macOS: the HID system's idle time (``CGEventSourceSecondsSinceLastEventType``).
* Anything else (Wayland without GNOME, no display): wall-clock timing, said out loud, so
  every minute the agent runs counts as active.

Signs of being busy that do not depend on the idle source (:func:`busy_signs`):

* GNOME's "Do Not Disturb" switch, read from the dconf database file, again only when the
  file changes (one ``stat`` per tick);
* a call in progress on Linux: a program capturing from a sound card's microphone
  (``/proc/asound``), which is what every video-call program does while you talk.

Standard library plus python-xlib; nothing here imports Django.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import struct
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol


class IdleSource(Protocol):
    name: str
    exact: bool  # False: wall-clock fallback, idle is always 0

    def idle_seconds(self) -> float: ...
    def busy(self) -> bool: ...


class BusySign(Protocol):
    name: str

    def busy(self) -> bool: ...


class WallClock:
    name = "wall clock (no idle information on this system)"
    exact = False

    def idle_seconds(self) -> float:
        return 0.0

    def busy(self) -> bool:
        return False


class X11:
    name = "X11 screen-saver extension (busy: a full-screen window)"
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
    name = "Windows GetLastInputInfo (busy: a full-screen program or presentation)"
    exact = True

    def __init__(self) -> None:
        class LASTINPUTINFO(ctypes.Structure):
            _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint)]

        self._info = LASTINPUTINFO()
        self._info.cbSize = ctypes.sizeof(LASTINPUTINFO)
        self._user32: Any = ctypes.windll.user32  # type: ignore[attr-defined]
        self._kernel32: Any = ctypes.windll.kernel32  # type: ignore[attr-defined]

        self._shell32: Any = ctypes.windll.shell32  # type: ignore[attr-defined]

    def idle_seconds(self) -> float:
        self._user32.GetLastInputInfo(ctypes.byref(self._info))
        millis = int(self._kernel32.GetTickCount() - self._info.dwTime) & 0xFFFFFFFF
        return millis / 1000.0

    # QUERY_USER_NOTIFICATION_STATE: 2 busy (a full-screen program), 3 a full-screen
    # Direct3D program (a game), 4 presentation mode.
    BUSY_STATES = (2, 3, 4)

    def busy(self) -> bool:
        state = ctypes.c_int(0)
        if self._shell32.SHQueryUserNotificationState(ctypes.byref(state)) != 0:
            return False  # the call failed: not busy, rather than never reminding
        return state.value in self.BUSY_STATES


class MacOS:
    """The HID system's idle time: seconds since the last keyboard, mouse or trackpad event."""

    name = "macOS HID idle time"
    exact = True
    FRAMEWORK = "/System/Library/Frameworks/ApplicationServices.framework/ApplicationServices"
    HID_SYSTEM_STATE = 1  # kCGEventSourceStateHIDSystemState
    ANY_INPUT = 0xFFFFFFFF  # kCGAnyInputEventType

    def __init__(self, library: Any = None) -> None:
        library = library if library is not None else ctypes.cdll.LoadLibrary(self.FRAMEWORK)
        self._since = library.CGEventSourceSecondsSinceLastEventType
        self._since.restype = ctypes.c_double
        self._since.argtypes = [ctypes.c_int32, ctypes.c_uint32]

    def idle_seconds(self) -> float:
        return max(0.0, float(self._since(self.HID_SYSTEM_STATE, self.ANY_INPUT)))

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
    if sys.platform == "darwin":
        try:
            return MacOS()
        except (AttributeError, OSError):
            return WallClock()
    if os.environ.get("DISPLAY"):
        try:
            return X11()
        except Exception:  # no server, no extension, no permission: fall back, said out loud
            return WallClock()
    return WallClock()


def read_dconf(path: Path, key: str) -> object:
    """One key's value from a dconf database file (GVariant database, "GVDB"), or None.

    The file is a hash table of items, each naming its parent directory, so a key's full
    path is its parents' names joined. Values are serialised GVariants; booleans, integers
    and strings are decoded, anything else comes back as None.
    """
    data = path.read_bytes()
    if data[:8] == b"GVariant":
        order = "<"
    elif data[:8] == b"raVGtnai":
        order = ">"
    else:
        raise ValueError(f"{path} is not a dconf database")
    root_start, root_end = struct.unpack_from(order + "II", data, 16)
    bloom_words, buckets = struct.unpack_from(order + "II", data, root_start)
    first = root_start + 8 + 4 * (bloom_words & 0x07FFFFFF) + 4 * buckets
    item = struct.Struct(order + "IIIHcxII")
    items = [item.unpack_from(data, at) for at in range(first, root_end, item.size)]
    names: dict[int, str] = {}

    def name(index: int) -> str:
        if index not in names:
            _, parent, start, size, _, _, _ = items[index]
            own = data[start : start + size].decode("utf-8", "replace")
            names[index] = (name(parent) if parent < len(items) else "") + own
        return names[index]

    for index, (_, _, _, _, kind, start, end) in enumerate(items):
        if kind == b"v" and name(index) == key:
            return _gvariant(data[start:end], order)
    return None


def _gvariant(blob: bytes, order: str) -> object:
    """A serialised variant: the value's bytes, a zero byte, then its type string."""
    split = blob.rfind(b"\0")
    if split < 0:
        return None
    body, kind = blob[:split], blob[split + 1 :]
    if kind == b"b" and len(body) == 1:
        return body != b"\0"
    if kind in (b"i", b"u") and len(body) == 4:
        return struct.unpack(order + ("i" if kind == b"i" else "I"), body)[0]
    if kind == b"s" and body.endswith(b"\0"):
        return body[:-1].decode("utf-8", "replace")
    return None


class GnomeDoNotDisturb:
    """GNOME's "Do Not Disturb" switch (``org.gnome.desktop.notifications show-banners``).

    Read from the dconf database file, and read again only when the file changes: dconf
    replaces the file on every write, so one ``stat`` per tick notices the switch."""

    name = "GNOME's Do Not Disturb is on"
    KEY = "/org/gnome/desktop/notifications/show-banners"

    def __init__(self, path: Path | None = None) -> None:
        config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        self.path = path or Path(config) / "dconf" / "user"
        self._stamp: tuple[int, int] | None = None
        self._on = False

    def busy(self) -> bool:
        try:
            info = self.path.stat()
        except OSError:
            return False  # no database yet: nothing was ever switched
        stamp = (info.st_mtime_ns, info.st_ino)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._on = read_dconf(self.path, self.KEY) is False
            except (OSError, ValueError, struct.error, IndexError, RecursionError):
                self._on = False  # a file being replaced or one we cannot read: not busy
        return self._on


class Microphone:
    """A call in progress, on Linux: some program is recording from a sound card.

    Each capture stream's ALSA status file says ``state: RUNNING`` while it records; sound
    servers (PipeWire, PulseAudio) close the device soon after the last recording stops.
    A Bluetooth headset's microphone does not show here."""

    name = "a program records from the microphone (a call)"

    def __init__(self, root: Path = Path("/proc/asound")) -> None:
        if not root.is_dir():
            raise OSError(f"{root} is missing: no ALSA here")
        self.root = root

    def busy(self) -> bool:
        for status in self.root.glob("card*/pcm*c/sub*/status"):
            try:
                if "RUNNING" in status.read_text(errors="replace"):
                    return True
            except OSError:
                continue  # a device unplugged under us
        return False


def busy_signs() -> list[BusySign]:
    """The signs of being busy this system offers, beyond what the idle source sees."""
    signs: list[BusySign] = []
    if sys.platform.startswith("linux"):
        desktop = os.environ.get("XDG_CURRENT_DESKTOP", "").lower()
        dnd = GnomeDoNotDisturb()
        if "gnome" in desktop or "unity" in desktop or dnd.path.exists():
            signs.append(dnd)
        with contextlib.suppress(OSError):
            signs.append(Microphone())
    return signs


class Watch:
    """An idle source together with the other signs of being busy: what the agent reads."""

    def __init__(self, source: IdleSource, signs: Sequence[BusySign] = ()) -> None:
        self.source = source
        self.signs = tuple(signs)
        self.exact = source.exact
        self.name = source.name + "".join(f" + {sign.name}" for sign in self.signs)

    async def refresh(self) -> None:
        refresh = getattr(self.source, "refresh", None)
        if refresh is not None:
            await refresh()

    def idle_seconds(self) -> float:
        return self.source.idle_seconds()

    def busy(self) -> bool:
        return self.source.busy() or any(sign.busy() for sign in self.signs)
