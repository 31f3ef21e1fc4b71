"""What goes over the wire: every page compressed and small, generated from the URL conf."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from django.test import Client

from tests.urlwalk import make_world, signed_in_pages

PAGE_LIMIT = 60 * 1024  # bytes on the wire, compressed (issue 13)


def _body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.mark.django_db
def test_every_page_is_compressed_and_at_most_60_kb_on_the_wire(
    client_in: Client, user: Any
) -> None:
    world = make_world(user)
    sizes: dict[str, tuple[int, int]] = {}
    for path in signed_in_pages(world):
        response = client_in.get(path, HTTP_ACCEPT_ENCODING="gzip")
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        assert response["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in response["Vary"], path
        body = _body(response)
        sizes[path] = (len(body), len(gzip.decompress(body)))
    assert len(sizes) >= 20  # the walk reached the pages
    too_big = {path: sent for path, (sent, _) in sizes.items() if sent > PAGE_LIMIT}
    assert not too_big


@pytest.mark.django_db
def test_a_page_is_compressed_only_for_a_client_that_asks(client_in: Client) -> None:
    plain = client_in.get("/")
    assert plain.status_code == 200 and not plain.has_header("Content-Encoding")
    packed = client_in.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert gzip.decompress(packed.content).startswith(plain.content[:200])


def test_static_files_are_compressed_too(client: Client) -> None:
    response = client.get(
        "/static/knotless/app.css", HTTP_ACCEPT_ENCODING="gzip", HTTP_HOST="127.0.0.1"
    )
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    body = _body(response)
    assert b"body" in gzip.decompress(body)
