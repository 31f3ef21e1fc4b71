"""Parts of a page kept, in this process, under plain data that says everything they show.

Some parts of a page cost far more to draw than their data costs to read: the training load's
two charts and its three tables (12 weeks of days, 8 weeks of groups) took most of the page's
time for a person who trains, and none for one who does not. :func:`kept` keeps each part under
the ``repr`` of its key, read afresh on every request, which is either everything the part is
drawn from, or numbers that move with every write to it (a table's count and summed revisions,
which the database itself moves: training/0006). Either way a write shows at once (its key
differs), and nothing is kept that the key does not account for.

The key must be plain (dates, numbers, strings, and lists, tuples and dataclasses of them):
their ``repr`` holds every value. An object whose ``repr`` leaves something out, or names its
address, is refused when the part is first drawn. ``tests/test_fragments.py`` checks that, and
that a kept part is the one drawn afresh.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from knotless.lib.memo import Memo

KEPT = Memo(128)


class NotPlain(TypeError):
    """The data of a kept part has something whose ``repr`` does not hold every value."""


def kept(template: str, data: tuple[Any, ...], context: Callable[[], dict[str, Any]]) -> SafeString:
    """``template`` drawn with ``context()``, which shows nothing ``data`` does not account for;
    kept under the ``repr`` of ``data`` and drawn again only when it changes (or under DEBUG,
    where templates change)."""
    if settings.DEBUG:
        return mark_safe(render_to_string(template, context()))
    key = (template, repr(data))
    html: str | None = KEPT.get(key)
    if html is None:
        _check_plain(data, template)
        html = render_to_string(template, context())
        KEPT.set(key, html)
    return mark_safe(html)


_SCALARS = (type(None), bool, int, float, str, Decimal, date, datetime, timedelta)


def _check_plain(value: Any, where: str) -> None:
    if isinstance(value, _SCALARS):
        return
    if isinstance(value, (list, tuple, frozenset, set)):
        for item in value:
            _check_plain(item, where)
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_plain(k, where)
            _check_plain(v, where)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if not f.repr:
                raise NotPlain(f"{where}: {type(value).__name__}.{f.name} is left out of its repr")
            _check_plain(getattr(value, f.name), where)
    else:
        raise NotPlain(f"{where}: a {type(value).__name__} is not plain data")
