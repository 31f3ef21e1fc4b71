"""The fast time-zone list says exactly what Django's own select would."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms

from knotless.accounts.forms import TimeZoneSelect, time_zone_choices


class _Options(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.select: dict[str, str | None] = {}
        self.options: list[tuple[str | None, bool, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "select":
            self.select = dict(attrs)
        if tag == "option":
            a = dict(attrs)
            self.options.append((a.get("value"), "selected" in a, ""))

    def handle_data(self, data: str) -> None:
        if self.options and not self.options[-1][2]:
            value, selected, _ = self.options[-1]
            self.options[-1] = (value, selected, data)


def _parsed(html: str) -> _Options:
    parser = _Options()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("value", ["Europe/Berlin", "America/Argentina/Buenos_Aires", "", None])
def test_it_draws_the_same_options_and_choice_as_djangos_select(value: str | None) -> None:
    attrs = {"id": "id_time_zone", "required": True}
    ours = _parsed(TimeZoneSelect().render("time_zone", value, attrs))
    django = _parsed(forms.Select(choices=time_zone_choices()).render("time_zone", value, attrs))
    assert ours.options == django.options
    assert ours.select == django.select
    assert sum(selected for _, selected, _ in ours.options) == (1 if value else 0)
    assert len(ours.options) > 300
