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


@pytest.mark.django_db
def test_compressed_pages_are_padded_at_random_against_breach(client_in: Client) -> None:
    bodies = [client_in.get("/", HTTP_ACCEPT_ENCODING="gzip").content for _ in range(8)]
    # The gzip header names a file of 0-99 random bytes, so sizes say little about secrets.
    assert all(body[3] & gzip.FNAME for body in bodies)
    assert len({len(body) for body in bodies}) > 1
    assert len({gzip.decompress(body)[:200] for body in bodies}) == 1


def test_a_strong_etag_turns_weak_when_compressed() -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from knotless.compression import PageGZipMiddleware

    response = HttpResponse(b"<p>knot</p>" * 100)
    response["ETag"] = '"abc"'
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    done = PageGZipMiddleware(lambda r: response).process_response(request, response)
    assert isinstance(done, HttpResponse)
    assert done["ETag"] == 'W/"abc"' and done["Content-Encoding"] == "gzip"
    assert int(done["Content-Length"]) == len(done.content)
    assert gzip.decompress(done.content) == b"<p>knot</p>" * 100
