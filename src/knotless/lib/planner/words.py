"""The facts a reason rests on, in words."""

from __future__ import annotations

from datetime import date

from knotless.lib.planner.model import KnotNeed


def pain_words(knot: KnotNeed, today: date) -> str:
    """ "left upper trapezius knot, 6/10 yesterday"."""
    if knot.pain is None:
        return f"{knot.label.lower()} knot"
    when = ""
    if knot.rated_on is not None:
        days = (today - knot.rated_on).days
        when = {0: " today", 1: " yesterday"}.get(days, f" on {knot.rated_on:%a %-d %b}")
    return f"{knot.label.lower()} knot, {knot.pain}/10{when}"
