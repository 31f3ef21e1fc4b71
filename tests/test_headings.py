"""Every page's headings form an outline a screen reader can walk, generated from the URL conf.

One ``<h1>``, and no heading more than one level below the one before it (an ``<h3>`` straight
after the ``<h1>`` hides where it belongs). Lighthouse's accessibility audit checks the same.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.test import Client

from tests.urlwalk import make_world, signed_in_pages

HEADING = re.compile(r"<h([1-6])[\s>]")


def outline_problems(html: str) -> list[str]:
    levels = [int(level) for level in HEADING.findall(html)]
    problems = []
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1")
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            problems.append(f"h{before} then h{after}")
    return problems


def test_it_finds_a_skipped_level() -> None:
    assert outline_problems("<h1>a</h1><h3>b</h3>") == ["h1 then h3"]
    assert outline_problems("<h1>a</h1><h2 id=x>b</h2><h3>c</h3><h2>d</h2>") == []
    assert outline_problems("<h2>a</h2>") == ["0 h1"]


@pytest.mark.django_db
def test_every_page_has_one_h1_and_skips_no_level(client_in: Client, user: Any) -> None:
    world = make_world(user)
    problems = {}
    seen = 0
    for path in signed_in_pages(world):
        response = client_in.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        seen += 1
        if found := outline_problems(response.content.decode()):
            problems[path] = found
    assert seen >= 20
    assert not problems
