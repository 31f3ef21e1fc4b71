"""The body map drawn from the static sprite: the same places, links and marks as the inline
drawing, with each shape's path fetched once from ``static/knotless/bodymap.svg``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from knotless.atlas.bodymap import load_bodymap, render_view, sprite_svg, views
from knotless.atlas.sprite import FILE, main, sprite_url

SVG = "{http://www.w3.org/2000/svg}"
URL = "/static/knotless/bodymap.svg"


def sprite_paths() -> dict[str, str]:
    root = ET.fromstring(sprite_svg())
    return {p.get("id", ""): p.get("d", "") for p in root.iter(f"{SVG}path")}


def test_the_shipped_file_is_written_from_the_shapes() -> None:
    # Fails after bodymap.toml changes until `python -m knotless.atlas.sprite` is run.
    assert FILE.read_text(encoding="utf-8") == sprite_svg()
    assert main(["--check"]) == 0


def test_the_sprite_holds_every_outline_and_shape_and_no_colour() -> None:
    paths = sprite_paths()
    expected = sum(len(v.shapes) + 1 for v in load_bodymap().views.values())
    assert len(paths) == expected
    text = sprite_svg()
    assert not re.search(r"\b(fill|stroke|style|class)=|<style|<script", text)


@pytest.mark.parametrize("view", views())
def test_it_draws_the_same_shapes_links_and_marks_as_the_inline_map(view: str) -> None:
    def href(slug: str, side: str) -> str:
        return f"?m={slug}:{side}:6&m=calf:left:3#results"

    marks = {("calf", "left"): 0.3, ("temple", "right"): 1.0, ("sacrum", "center"): 0.6}
    kwargs: dict[str, Any] = {"href": href, "selected": marks, "id_prefix": "find"}
    inline = ET.fromstring(render_view(view, **kwargs))
    used = ET.fromstring(render_view(view, sprite=URL, **kwargs))
    paths = sprite_paths()
    assert inline.attrib == used.attrib
    inline_children, used_children = list(inline), list(used)
    assert len(inline_children) == len(used_children)

    def same_shape(shape: ET.Element, use: ET.Element) -> None:
        assert shape.tag == f"{SVG}path" and use.tag == f"{SVG}use"
        # The same classes (selected, intensity), places and names; the path from the sprite.
        assert {k: v for k, v in shape.attrib.items() if k != "d"} == {
            k: v for k, v in use.attrib.items() if k != "href"
        }
        assert [t.text for t in shape] == [t.text for t in use]
        assert use.get("href", "").startswith(URL + "#")
        assert paths[use.get("href", "").removeprefix(URL + "#")] == shape.get("d")

    for drawn, pointed in zip(inline_children, used_children, strict=True):
        if drawn.tag == f"{SVG}path":  # the outline
            same_shape(drawn, pointed)
        elif drawn.tag == f"{SVG}a":
            assert drawn.attrib == pointed.attrib  # link, name, place, current mark
            same_shape(*drawn, *pointed)
        else:  # the title and the captions
            assert ET.tostring(drawn) == ET.tostring(pointed)


def test_pages_point_into_the_sprite_instead_of_carrying_paths(
    client_in: Client, user: Any
) -> None:
    from knotless.journal import services

    knot = services.add_knot(user, region="calf", side="left", pain=5, tz_name="UTC")
    for url in (
        reverse("finder") + "?m=calf:left:6&m=temple:right:3",
        reverse("knot_new"),
        reverse("knot", args=[knot.pk]),
        reverse("muscle", args=["upper-trapezius"]),
    ):
        page = client_in.get(url).content.decode()
        assert 'class="bodymap' in page, url
        assert not re.search(r'<path class="(region|outline)', page), url
        assert f'href="{sprite_url()}#' in page, url


def test_the_sprite_is_served_as_a_static_file(client: Client, db: None) -> None:
    response = client.get(sprite_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.decode() == sprite_svg()
