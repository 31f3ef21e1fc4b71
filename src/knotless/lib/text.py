"""Checks on text from files and links before it is shown or stored, and small ways of writing
values in it."""

from __future__ import annotations


def encodable(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: a lone surrogate (a ``\\ud800`` escape in
    JSON) cannot, and neither a page nor a database can hold it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def or_dash(value: object) -> str:
    """A value as text, or an en dash when there is none (a rating not given)."""
    return "–" if value is None else str(value)
