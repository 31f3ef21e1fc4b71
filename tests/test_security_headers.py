"""Security headers (issue 12, defect 8): a strict Content-Security-Policy everywhere,
``Cache-Control: private, no-store`` on everything a signed-in user is shown, HSTS behind the
HTTPS proxy only, and ``check --deploy`` clean with the README's production settings."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import runpy
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

import knotless.settings
from knotless.journal import services as journal
from knotless.security import policy, svg_document_policy

ROOT = Path(__file__).resolve().parents[1]
CSP = "Content-Security-Policy"


def _directives(header: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        found[name] = sources
    return found


# --- Content-Security-Policy -----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/water/", "/knots/new/", "/no-such-page/"])
def test_it_sends_the_strict_policy_on_signed_in_pages(client_in: Client, url: str) -> None:
    directives = _directives(client_in.get(url)[CSP])
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert not [s for sources in directives.values() for s in sources if "unsafe" in s]


@pytest.mark.parametrize("url", ["/login/", "/setup/not-a-token/", "/healthz", "/nowhere/"])
def test_it_sends_the_policy_to_signed_out_visitors_too(db: None, client: Client, url: str) -> None:
    assert _directives(client.get(url)[CSP])["default-src"] == ["'self'"]


def test_it_leaves_djangos_debug_pages_working(client_in: Client, settings: Any) -> None:
    # Django's technical 404 page is inline style and script: readable only without the policy.
    settings.DEBUG = True
    debug = client_in.get("/no-such-page/")
    assert debug.status_code == 404 and "<style" in debug.content.decode()
    assert CSP not in debug
    assert CSP in client_in.get("/")
    settings.DEBUG = False
    assert CSP in client_in.get("/no-such-page/")


def test_it_keeps_a_policy_the_view_set_itself(client: Client) -> None:
    # A figure opened on its own may use its own <style>, named by its hash, and nothing else.
    response = client.get(reverse("figure_moving", args=["chin-tuck"]))
    svg = response.content.decode()
    css = re.search(r"<style>(.*?)</style>", svg, re.S)
    assert css is not None
    digest = base64.b64encode(hashlib.sha256(css.group(1).encode()).digest()).decode()
    directives = _directives(response[CSP])
    assert directives["default-src"] == ["'none'"]
    assert directives["style-src"] == [f"'sha256-{digest}'"]


def test_it_writes_directives_in_order() -> None:
    assert policy({"default-src": ["'self'"], "upgrade-insecure-requests": []}) == (
        "default-src 'self'; upgrade-insecure-requests"
    )
    assert "style-src 'none'" in svg_document_policy("<svg/>")


TEMPLATES = ROOT / "src/knotless/templates"


@pytest.mark.parametrize(
    "template",
    sorted(TEMPLATES.rglob("*.html")),
    ids=lambda p: p.relative_to(TEMPLATES).as_posix(),
)
def test_no_template_carries_inline_script_or_style(template: Path) -> None:
    text = template.read_text()
    assert not re.search(r"\sstyle=", text), "style attribute: use a class in app.css"
    assert "<style" not in text, "<style> element: move it to app.css"
    assert not re.search(r"\son[a-z]+=", text), "event handler attribute: use a module script"
    for script in re.findall(r"<script\b[^>]*>", text):
        # A module from our static files, or data for one (json_script).
        assert " src=" in script or 'type="application/json"' in script, script


# --- Cache-Control ---------------------------------------------------------------------------


def test_it_keeps_signed_in_pages_out_of_every_cache(client_in: Client, user: Any) -> None:
    knot = journal.add_knot(user, region="temple", side="right", pain=5, tz_name="UTC")
    for url in ("/", reverse("knot", args=[knot.pk]), "/water/", "/no-such-page/"):
        assert client_in.get(url)["Cache-Control"] == "private, no-store", url
    # JSON for the desk page, and the redirect after a change.
    assert client_in.post("/desk/tick/", {"idle": "0"})["Cache-Control"] == "private, no-store"
    posted = client_in.post(reverse("water_log"), {"ml": "250"})
    assert posted["Cache-Control"] == "private, no-store"


def test_it_keeps_a_strangers_404_out_of_the_cache_too(client_in: Client, stranger: Any) -> None:
    theirs = journal.add_knot(stranger, region="temple", side="right", pain=5, tz_name="UTC")
    response = client_in.get(reverse("knot", args=[theirs.pk]))
    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"


def test_it_marks_a_signed_in_user_on_an_open_page(client_in: Client) -> None:
    # A page open to everyone that looks at the session is, shown to someone signed in, theirs.
    response = client_in.get("/setup/not-a-token/")
    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"
    # The sign-in page already says never_cache, which is stricter still and kept.
    cache_control = client_in.get("/login/")["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control


def test_it_leaves_public_responses_their_own_caching(client: Client, client_in: Client) -> None:
    for who in (client, client_in):
        figure = who.get(reverse("figure_still", args=["chin-tuck", 0]))
        assert figure["Cache-Control"] == "public, max-age=86400"
        assert "Cache-Control" not in who.get("/healthz")
        static = who.get("/static/knotless/app.css")
        assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")


def test_it_keeps_the_policy_on_the_lock_out_page(client: Client, user: Any) -> None:
    for _ in range(6):
        response = client.post(reverse("login"), {"username": "alex", "password": "wrong"})
    assert response.status_code == 429
    assert _directives(response[CSP])["default-src"] == ["'self'"]


# --- HSTS ------------------------------------------------------------------------------------


def _apply(settings: Any, monkeypatch: pytest.MonkeyPatch, *, behind_proxy: bool) -> None:
    """The settings module's HTTPS settings, as it computes them with the proxy on or off."""
    monkeypatch.setenv("KNOTLESS_BEHIND_HTTPS_PROXY", "1" if behind_proxy else "0")
    computed = runpy.run_path(knotless.settings.__file__)
    for name in (
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
    ):
        setattr(settings, name, computed.get(name, getattr(knotless.settings, name, None)))
    if not behind_proxy:
        # What Django defaults to when the settings module leaves them out.
        for name, default in (
            ("SECURE_PROXY_SSL_HEADER", None),
            ("SECURE_HSTS_SECONDS", 0),
            ("SECURE_HSTS_INCLUDE_SUBDOMAINS", False),
            ("SECURE_SSL_REDIRECT", False),
            ("SECURE_REDIRECT_EXEMPT", []),
        ):
            setattr(settings, name, computed.get(name, default))


def test_it_sends_hsts_behind_the_https_proxy(
    client_in: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _apply(settings, monkeypatch, behind_proxy=True)
    response = client_in.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_it_sends_plain_http_to_https_behind_the_proxy_but_not_the_health_check(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _apply(settings, monkeypatch, behind_proxy=True)
    response = client.get("/water/", HTTP_X_FORWARDED_PROTO="http")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200


def test_it_sends_no_hsts_on_plain_local_http(
    client_in: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _apply(settings, monkeypatch, behind_proxy=False)
    assert settings.SECURE_HSTS_SECONDS == 0
    # Even a request that claims HTTPS: without the proxy setting nobody vouches for the claim.
    response = client_in.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response


# --- check --deploy --------------------------------------------------------------------------


def readme_production_env() -> dict[str, str]:
    """The variables the README's "Many users on PostgreSQL" block exports."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Many users on PostgreSQL", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    found: dict[str, str] = {}
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["export"]:
            for word in words[1:]:
                name, _, value = word.partition("=")
                found[name] = value
    return found


def test_it_reads_the_readme_block() -> None:
    env = readme_production_env()
    assert env["KNOTLESS_BEHIND_HTTPS_PROXY"] == "1"
    assert env["KNOTLESS_DATABASE_URL"].startswith("postgresql://")
    assert {
        "KNOTLESS_SECRET_KEY",
        "KNOTLESS_ALLOWED_HOSTS",
        "KNOTLESS_CSRF_TRUSTED_ORIGINS",
    } <= set(env)


def test_check_deploy_is_clean_with_the_readme_production_settings(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KNOTLESS_", "DJANGO_"))}
    env.update(readme_production_env())
    # The README's "..." stands for a real secret: one as `knotless` would tell you to make.
    env["KNOTLESS_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["KNOTLESS_DATA_DIR"] = str(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "knotless.settings"
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
