"""Static files: fingerprinted and kept for a year once built, plain names until then."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.templatetags.static import static
from django.test import Client

from knotless.staticbuild import ensure_collected

A_YEAR = 365 * 24 * 60 * 60


def _max_age(response: Any) -> int:
    parts = dict(
        p.strip().split("=", 1) if "=" in p else (p.strip(), "")
        for p in response["Cache-Control"].split(",")
    )
    return int(parts.get("max-age", "0"))


@pytest.fixture
def built(settings: Any, tmp_path: Path) -> Path:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "note.css").write_text("body{color:red}")
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, extra]
    assert ensure_collected() is True
    return extra


def test_built_files_have_content_names_and_are_kept_for_a_year(built: Path) -> None:
    url = static("knotless/app.css")
    assert url.startswith("/static/knotless/app.") and url.endswith(".css")
    assert url != "/static/knotless/app.css"
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"] and _max_age(response) >= A_YEAR
    # The plain name still answers (an old page in a browser tab), but only briefly cached.
    plain = client.get("/static/knotless/app.css")
    assert plain.status_code == 200 and _max_age(plain) < A_YEAR


def test_it_builds_again_only_when_a_source_file_changes(built: Path) -> None:
    assert ensure_collected() is False
    before = static("note.css")
    (built / "note.css").write_text("body{color:blue}")
    assert ensure_collected() is True
    after = static("note.css")
    assert before != after and ensure_collected() is False


def test_without_a_build_pages_use_the_plain_names(settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path / "never-built"
    assert static("knotless/app.css") == "/static/knotless/app.css"
