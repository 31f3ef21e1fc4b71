"""Find which known exercise an imported name means, without guessing.

Pure: no Django. Names are compared in a normal form: lower case, accents dropped, brackets,
hyphens and other punctuation read as spaces, and a plural ``s`` dropped from words of three
letters or more (``Curls`` is ``curl``, ``Ups`` is ``up``; ``press`` stays). Two names match
when their normal forms are equal, or, failing that, when they hold the same set of words, so
Strong's ``Bent Over Row (Barbell)`` meets ``bent over row barbell`` and ``barbell bent-over
row``. A name that matches more than one exercise matches none: the caller keeps it as the
person's own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normal_words(name: str) -> tuple[str, ...]:
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    words = _NOT_WORD.sub(" ", plain).split()
    return tuple(_singular(word) for word in words)


def _singular(word: str) -> str:
    if len(word) >= 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def match_exercise(name: str, known: Mapping[str, Sequence[str]]) -> str | None:
    """The slug whose name, alias or slug is ``name`` in normal form, else whose word set is
    the same; None when nothing or more than one exercise fits."""
    wanted = normal_words(name)
    if not wanted:
        return None
    exact: set[str] = set()
    same_words: set[str] = set()
    for slug, names in known.items():
        for candidate in (slug, *names):
            words = normal_words(candidate)
            if words == wanted:
                exact.add(slug)
            elif words and set(words) == set(wanted):
                same_words.add(slug)
    for found in (exact, same_words):
        if found:
            return next(iter(found)) if len(found) == 1 else None
    return None
