"""Glow zones for the atlas muscles of the head, arm and trunk added with their releases and
stretches (issue 16), kept apart from glow.py so that work on the two halves of the body does not
touch one file. Same format as glow.ZONES: (segment frame, start, end, width)."""

from __future__ import annotations

from knotless.library.skeleton import Vec

ZONES: dict[str, tuple[tuple[str, Vec, Vec, float], ...]] = {}
