"""Parameter types and limits every command shares, so bad input ends in a message, not a hang
or a traceback."""

from __future__ import annotations

import math
from typing import Any

import click

# No argument knotless takes is anywhere near this long (notes stop at 2,000 characters); a
# longer one is refused before any command spends time on it.
MAX_ARGUMENT = 4096


class FiniteFloatRange(click.FloatRange):
    """A FloatRange that refuses NaN and infinities: NaN passes every comparison test, so
    click's own range check lets it through (``desk --interval nan`` spun a core)."""

    name = "finite float range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and len(value) > 64:
            self.fail("that is not a number in range.", param, ctx)
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number.", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return super().convert(number, param, ctx)


def bad_text(value: str) -> str | None:
    """Why ``value`` cannot be used as an argument, or None. Lone surrogates are bytes that were
    not UTF-8 (Python keeps them that way in ``sys.argv``); a database cannot store them."""
    if len(value) > MAX_ARGUMENT:
        return f"is {len(value):,} characters long; knotless takes at most {MAX_ARGUMENT:,}"
    if any("\ud800" <= c <= "\udfff" for c in value):
        return "is not valid UTF-8 text"
    if "\x00" in value:
        return "holds a NUL character"
    return None
