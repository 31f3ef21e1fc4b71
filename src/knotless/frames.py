"""A page drawn as a frame and its live parts: after a check-in, only what it changed is drawn.

The knot page is the page a person waits for right after a check-in, and most of it (the body
map, the form, the exercises, the sessions, the safety answers) no check-in can change. The page
is therefore drawn in two layers:

- the frame: the whole page with a slot (an HTML comment, :func:`slot`) where each live part
  goes. It is kept in the cache under a key like :mod:`knotless.pagecache`'s, but made of the
  person's frame version (:mod:`knotless.accounts.freshness`), which every write moves except a
  check-in's;
- the live parts: whatever reads check-ins (the latest rating and trend, the history, the
  flares) and the messages, drawn on every request and put into the slots.

The page is always put together this way, cached frame or not, so a kept frame can only differ
from a fresh one by what its key already holds. A slot is an HTML comment that escaped text can
never produce, and a frame is checked to hold each slot exactly once before it is used.
``tests/test_frames.py`` checks that drawing a frame reads no check-in at all and that the page
put together from a kept frame matches one drawn afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from knotless.pagecache import person_key

SECONDS = 60
F = TypeVar("F")


def slot(name: str) -> SafeString:
    """Where the live part ``name`` goes in a frame."""
    return mark_safe(f"<!--knotless-live:{name}-->")


def frame_key(request: HttpRequest, name: str) -> str | None:
    """The cache key of this request's frame of page ``name``, or None to draw it afresh: the
    page cache's key (anything in the frame worded relative to now is at most a minute old,
    and its forms carry a token made from the CSRF cookie), with the frame version in place
    of the data version."""
    return person_key(request, "frame", "frame_version", name)


def assemble(
    request: HttpRequest,
    name: str,
    draw_frame: Callable[[], tuple[str, F]],
    live: Callable[[F], Mapping[str, Callable[[], str]]],
    *,
    keep: bool = True,
) -> str:
    """The page: its frame (kept, or drawn by ``draw_frame`` with a :func:`slot` for each live
    part) with every live part drawn now and put in its slot. ``draw_frame`` also returns facts
    the live parts need that only a frame-moving write changes; they are kept with the frame
    and handed to ``live``, which names the parts. ``keep`` False draws the frame afresh and
    keeps nothing (a form sent back with its errors)."""
    key = frame_key(request, name) if keep else None
    kept: tuple[str, F] | None = cache.get(key) if key else None
    if kept is None:
        kept = draw_frame()
        if key:
            cache.set(key, kept, SECONDS)
    frame, facts = kept
    parts = live(facts)
    for part in parts:
        found = frame.count(slot(part))
        if found != 1:
            raise RuntimeError(f"The frame of {name} holds the slot {part!r} {found} times.")
    for part, draw in parts.items():
        frame = frame.replace(slot(part), draw(), 1)
    return frame
