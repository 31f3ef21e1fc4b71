"""Form widgets rendered once per process for each distinct state.

Django renders every widget through its templates on every request: a pain scale's eleven
buttons, a select of forty exercises. That was a third of the time of a desk or training page
drawn afresh. A widget's template sees nothing but the widget's context (its name, value,
attributes and choices, as plain data: no request, no person, no clock), so the same context
always gives the same HTML. :class:`MemoRenderer` keeps the HTML under the whole context, read
as plain values: a different value, choice, label or attribute is a different key, and a
context holding anything that is not plain data is rendered as usual and not kept.

While developing (``DEBUG``) templates may change under a running server, so nothing is kept.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.utils.functional import Promise

from knotless.lib.memo import Memo

# A page has at most a few dozen widgets; a person's states of them repeat from page to page.
WIDGETS = Memo(4096)

_PLAIN = (str, int, float, bool, type(None), Decimal, date, datetime, time)


class _NotPlain(Exception):
    pass


def _key(value: Any) -> Any:
    """``value`` as a hashable tree of plain values, tagged with their types; raises _NotPlain."""
    if isinstance(value, _PLAIN):
        return (type(value).__name__, value)
    if isinstance(value, Promise):  # a lazy translation: the text it reads as now
        return ("str", str(value))
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise _NotPlain
        return ("dict", tuple((k, _key(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_key(v) for v in value))
    raise _NotPlain


class MemoRenderer(TemplatesSetting):
    """The templates setting's renderer, keeping each widget's HTML by its whole context."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if request is not None or settings.DEBUG or set(context) != {"widget"}:
            return super().render(template_name, context, request)
        try:
            key = (template_name, _key(context))
        except _NotPlain:
            return super().render(template_name, context, request)
        html: str | None = WIDGETS.get(key)
        if html is None:
            html = super().render(template_name, context, request)
            WIDGETS.set(key, html)
        return html
